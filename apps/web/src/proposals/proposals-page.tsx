import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { answer, api, type Item } from '../api/client';
import { answeringUnits, useOrgUnits, usePlans } from '../api/reference';
import { rolesOf, useMe } from '../auth/me';
import { useInquiries } from '../inquiries/inquiry-queries';
import { StateBadge } from '../ui/badge';
import { ButtonLink, TextLink } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { SelectField } from '../ui/field';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import { useWorkflow } from '../workflows/workflow';

type ProposalRow = Item<'/api/v1/proposals', 'get'>;

/**
 * 提案一覧: only what the caller may see (the server filters). State, unit and inquiry filter on
 * the server; the policy filter narrows the page shown (the API has no policy filter).
 */
export function ProposalsPage() {
  const [params, setParams] = useSearchParams();
  const filter = {
    state: params.get('state') ?? '',
    owningUnit: params.get('unit') ?? '',
    inquiryId: params.get('inquiry') ?? '',
    policy: params.get('policy') ?? '',
  };
  const set = (key: string, value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(key, value);
    else next.delete(key);
    setParams(next, { replace: true });
  };
  const me = useMe();
  const workflow = useWorkflow();
  const units = useOrgUnits();
  const plans = usePlans();
  const inquiries = useInquiries();
  const query = {
    state: filter.state || undefined,
    owningUnit: filter.owningUnit || undefined,
    inquiryId: filter.inquiryId || undefined,
    pageSize: 100,
  };
  const proposals = useQuery({
    queryKey: ['proposals', 'list', query],
    queryFn: () => answer(api.GET('/api/v1/proposals', { params: { query } })),
  });
  const policies = (plans.data ?? []).flatMap(
    (p: { name: string; policies: Array<{ id: string; number: number; title: string }> }) =>
      p.policies.map((x) => ({ id: x.id, label: `方針${x.number} ${x.title}（${p.name.replace(/（.*$/, '')}）` })),
  );
  const editor = rolesOf(me.data).has('bureau_editor');

  return (
    <>
      <PageTitle
        title="提案"
        actions={
          editor && (
            <ButtonLink to="/proposals/new" variant="primary">
              新しい提案を作成
            </ButtonLink>
          )
        }
      >
        提案
      </PageTitle>
      <form
        role="search"
        aria-label="提案の絞り込み"
        className="mb-6 grid grid-cols-1 gap-4 md:grid-cols-4"
        onSubmit={(e) => e.preventDefault()}
      >
        <SelectField label="状態" value={filter.state} onChange={(e) => set('state', e.target.value)}>
          <option value="">すべて</option>
          {(workflow.data?.definition.states ?? []).map((s: { name: string; label: { ja: string } }) => (
            <option key={s.name} value={s.name}>
              {s.label.ja}
            </option>
          ))}
        </SelectField>
        <SelectField label="提案元" value={filter.owningUnit} onChange={(e) => set('unit', e.target.value)}>
          <option value="">すべて</option>
          {answeringUnits(units.data).map((u) => (
            <option key={u.code} value={u.code}>
              {u.nameJa}
            </option>
          ))}
        </SelectField>
        <SelectField label="方針" value={filter.policy} onChange={(e) => set('policy', e.target.value)}>
          <option value="">すべて</option>
          {policies.map((p: { id: string; label: string }) => (
            <option key={p.id} value={p.id}>
              {p.label}
            </option>
          ))}
        </SelectField>
        <SelectField label="全庁照会" value={filter.inquiryId} onChange={(e) => set('inquiry', e.target.value)}>
          <option value="">すべて</option>
          {(inquiries.data?.items ?? []).map((q: { id: string; title: string }) => (
            <option key={q.id} value={q.id}>
              {q.title}
            </option>
          ))}
        </SelectField>
      </form>
      <Loaded query={proposals}>
        {(page) => {
          const rows = (page.items as ProposalRow[]).filter((p) => !filter.policy || p.policy?.id === filter.policy);
          return (
            <DataTable<ProposalRow>
              caption={`提案の一覧（${rows.length}件）`}
              rows={rows}
              rowKey={(p) => p.id}
              columns={[
                { header: '件名', cell: (p) => <TextLink to={`/proposals/${p.id}`}>{p.title}</TextLink> },
                { header: '提案元', cell: (p) => p.owningUnit.nameJa },
                { header: '方針', cell: (p) => (p.policy ? `方針${p.policy.number} ${p.policy.title}` : '—') },
                { header: '状態', cell: (p) => <StateBadge state={p.state} stateLabel={p.stateLabel} /> },
                { header: '更新', cell: (p) => <InstantText value={p.updatedAt} /> },
              ]}
            />
          );
        }}
      </Loaded>
    </>
  );
}
