import { useQuery } from '@tanstack/react-query';
import { answer, api, type Item } from '../api/client';
import { usePlans } from '../api/reference';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import { useState } from 'react';
import { SelectField } from '../ui/field';

type InitiativeRow = Item<'/api/v1/initiatives', 'get'>;

/** 取組: adopted proposals reported to the council, and imported ones (part 2 adds their pages). */
export function InitiativesPage() {
  const plans = usePlans();
  const [planId, setPlanId] = useState('');
  const plan = planId || plans.data?.[0]?.id || '';
  const initiatives = useQuery({
    queryKey: ['initiatives', 'list', plan],
    enabled: Boolean(plan),
    queryFn: () => answer(api.GET('/api/v1/initiatives', { params: { query: { planId: plan, pageSize: 100 } } })),
  });
  return (
    <>
      <PageTitle title="取組">取組</PageTitle>
      <div className="mb-6 max-w-xl">
        <SelectField label="計画" value={plan} onChange={(e) => setPlanId(e.target.value)}>
          {(plans.data ?? []).map((p: { id: string; name: string }) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
      </div>
      <Loaded query={initiatives}>
        {(page) => (
          <DataTable<InitiativeRow>
            caption={`取組の一覧（${page.total}件${page.total > page.items.length ? `のうち${page.items.length}件` : ''}）`}
            rows={page.items}
            rowKey={(i) => i.id}
            columns={[
              { header: '番号', cell: (i) => i.code },
              { header: '取組名', cell: (i) => i.title },
              { header: '方針', cell: (i) => (i.policy ? `方針${i.policy.number}` : '—') },
              { header: '所管', cell: (i) => i.owningUnit?.nameJa ?? '—' },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
