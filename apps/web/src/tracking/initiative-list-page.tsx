import { useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { useOrgUnits, answeringUnits } from '../api/reference';
import { usePlanYear } from '../dashboard/plan-year-picker';
import { Button, ButtonLink, TextLink } from '../ui/button';
import { SelectField } from '../ui/field';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import {
  INITIATIVE_PAGE_SIZE,
  initiativeListFilterOf,
  initiativeListQuery,
  type InitiativeView,
} from './tracking-queries';

/**
 * 取組と進捗: a plan's initiatives by policy, theme and owning unit, a page at a time (a plan
 * may hold thousands; the page never loads more than one page of them).
 */
export function InitiativeListPage() {
  const { plans, plan, set } = usePlanYear();
  const units = useOrgUnits();
  const [params, setParams] = useSearchParams();
  const filter = initiativeListFilterOf(plan?.id, params);
  const { policyId, themeId, orgUnitId, page } = filter;
  const update = (changes: Record<string, string>) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        for (const [k, v] of Object.entries(changes)) {
          if (v) next.set(k, v);
          else next.delete(k);
        }
        if (!('page' in changes)) next.delete('page');
        return next;
      },
      { replace: true },
    );
  const policy = plan?.policies.find((p) => p.id === policyId);
  const list = useQuery({ ...initiativeListQuery(filter), placeholderData: (previous) => previous });
  return (
    <>
      <PageTitle
        title="取組と進捗"
        actions={<ButtonLink to={`/tracking/bulk${plan ? `?plan=${plan.id}` : ''}`}>進捗の一括入力</ButtonLink>}
      >
        取組と進捗
      </PageTitle>
      {/* The plan's long name gets the widest column. */}
      <div className="mb-6 grid gap-4 md:grid-cols-2 xl:grid-cols-[2fr_1fr_1fr_1fr]">
        <SelectField label="計画" value={plan?.id ?? ''} onChange={(e) => set(e.target.value)}>
          {(plans ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SelectField label="方針" value={policyId} onChange={(e) => update({ policy: e.target.value, theme: '' })}>
          <option value="">すべての方針</option>
          {(plan?.policies ?? []).map((p) => (
            <option key={p.id} value={p.id}>
              方針{p.number} {p.title}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="テーマ"
          value={themeId}
          onChange={(e) => update({ theme: e.target.value })}
          disabled={!policy}
        >
          <option value="">{policy ? 'すべてのテーマ' : '方針を選ぶと選べます'}</option>
          {(policy?.themes ?? []).map((t) => (
            <option key={t.id} value={t.id}>
              テーマ{t.number} {t.title}
            </option>
          ))}
        </SelectField>
        <SelectField label="所管" value={orgUnitId} onChange={(e) => update({ unit: e.target.value })}>
          <option value="">すべての局・区</option>
          {answeringUnits(units.data).map((u) => (
            <option key={u.id} value={u.id}>
              {u.nameJa}
            </option>
          ))}
        </SelectField>
      </div>
      <Loaded query={list}>
        {(answerPage) => {
          const items = answerPage.items as InitiativeView[];
          const total = answerPage.total;
          const pages = Math.max(1, Math.ceil(total / INITIATIVE_PAGE_SIZE));
          const caption = `取組の一覧（${total}件${pages > 1 ? `・${page}／${pages}ページ` : ''}）`;
          return (
            <>
              <DataTable
                caption={caption}
                rows={items}
                rowKey={(i) => i.id}
                empty="該当する取組はありません。"
                columns={[
                  { header: '番号', cell: (i) => i.code, className: 'whitespace-nowrap' },
                  { header: '取組名', cell: (i) => <TextLink to={`/initiatives/${i.id}`}>{i.title}</TextLink> },
                  {
                    header: '方針・テーマ',
                    cell: (i) =>
                      `${i.policy ? `方針${i.policy.number}` : '—'}${i.theme ? `・テーマ${i.theme.number}` : ''}`,
                  },
                  { header: '所管', cell: (i) => i.owningUnit.nameJa },
                ]}
              />
              {pages > 1 && (
                <nav aria-label="ページ送り" className="mt-4 flex items-center gap-3">
                  <Button variant="secondary" disabled={page <= 1} onClick={() => update({ page: String(page - 1) })}>
                    前のページ
                  </Button>
                  <span>
                    {page}／{pages}ページ
                  </span>
                  <Button
                    variant="secondary"
                    disabled={page >= pages}
                    onClick={() => update({ page: String(page + 1) })}
                  >
                    次のページ
                  </Button>
                </nav>
              )}
            </>
          );
        }}
      </Loaded>
    </>
  );
}
