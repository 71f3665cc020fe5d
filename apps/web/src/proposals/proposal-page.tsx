import { useParams } from 'react-router';
import type { Item } from '../api/client';
import { useOrgUnits, usePlans } from '../api/reference';
import { StateBadge } from '../ui/badge';
import { ButtonLink, TextLink } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { Facts, Loaded, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { stateLabels, useWorkflow } from '../workflows/workflow';
import { MEETING_KINDS } from '../meetings/meeting-queries';
import { DecisionMarks } from '../deputies/decision-marks';
import { ProposalActions } from './proposal-actions';
import { ProposalPapers, ProposalReturnNotice } from '../papers/record-papers';
import {
  FIELD_LABELS,
  useProposal,
  useProposalActions,
  useProposalHistory,
  useProposalRevisions,
} from './proposal-queries';

type Proposal = NonNullable<ReturnType<typeof useProposal>['data']>;
type HistoryEntry = Item<'/api/v1/proposals/{id}/history', 'get'>;
type Revision = Item<'/api/v1/proposals/{id}/revisions', 'get'>;

const RECORD_ACTIONS: Record<string, string> = { create: '作成', edit: '編集', correct: '訂正', absorb: '統合を受入' };

/** 提案: content, the caller's actions, revision diffs and the history timeline. */
export function ProposalPage() {
  const { id = '' } = useParams();
  const proposal = useProposal(id);
  return (
    <Loaded query={proposal}>
      {(p) => (
        <>
          <PageTitle title={p.title} actions={<EditLink id={p.id} />}>
            {p.title} <StateBadge state={p.state} stateLabel={p.stateLabel} />
          </PageTitle>
          <div className="grid grid-cols-1 gap-6 lg:grid-cols-[2fr_1fr]">
            <div className="flex flex-col gap-6">
              <ProposalReturnNotice proposalId={p.id} state={p.state} />
              <Content p={p} />
              <ProposalPapers proposalId={p.id} />
              <Revisions id={p.id} />
            </div>
            <div className="flex flex-col gap-6">
              <ProposalActions proposal={p} />
            </div>
          </div>
          {/* The history's eight columns take the page's whole width (beside the actions they
              scrolled sideways even at 1280 px); on a phone the actions now come before it. */}
          <div className="mt-6">
            <History id={p.id} />
          </div>
        </>
      )}
    </Loaded>
  );
}

/**
 * Editing is not a workflow step, so /actions does not list it; whoever may submit the
 * proposal now (its bureau's editor, while it is a draft or returned) may also edit it.
 */
function EditLink({ id }: { id: string }) {
  const actions = useProposalActions(id);
  if (!((actions.data ?? []) as Array<{ action: string }>).some((a) => a.action === 'submit')) return null;
  return <ButtonLink to={`/proposals/${id}/edit`}>内容を編集</ButtonLink>;
}

function amount(n: number | null | undefined) {
  return n == null ? '—' : `${n.toLocaleString('ja-JP')}千円`;
}

function Content({ p }: { p: Proposal }) {
  return (
    <Section id="content" title="提案の内容">
      <Facts
        items={[
          ['提案元', p.owningUnit.nameJa],
          ['方針', p.policy ? `方針${p.policy.number} ${p.policy.title}` : '—'],
          ['想定テーマ', p.theme ? `${p.theme.number}. ${p.theme.title}` : '—'],
          ['概要', p.summary || '—'],
          ['期待される効果', p.expectedEffect || '—'],
          ['効果額', amount(p.expectedAmount)],
          [
            '年度別スケジュール',
            p.schedule.length ? (
              <ul>
                {p.schedule.map((s: { fiscalYear: number; label: string; step: string }) => (
                  <li key={s.fiscalYear}>
                    {s.label}：{s.step}
                  </li>
                ))}
              </ul>
            ) : (
              '—'
            ),
          ],
          [
            '連携する局・区',
            p.collaboratingUnits.length
              ? p.collaboratingUnits.map((u: { nameJa: string }) => u.nameJa).join('、')
              : '—',
          ],
          ['関連する検証指標', p.relatedIndicators.length ? p.relatedIndicators.join('、') : '—'],
          ['版', `第${p.revision}版`],
          ['最初の提出', <InstantText value={p.firstSubmittedAt} />],
          ['最終更新', <InstantText value={p.updatedAt} />],
          ...(p.mergedIntoId
            ? ([['統合先', <TextLink to={`/proposals/${p.mergedIntoId}`}>統合先の提案を見る</TextLink>]] as Array<
                [string, React.ReactNode]
              >)
            : []),
          ...(p.initiativeId
            ? ([['取組', <TextLink to="/initiatives">取組として登録済み</TextLink>]] as Array<
                [string, React.ReactNode]
              >)
            : []),
        ]}
      />
    </Section>
  );
}

/** Names for the ids a revision's content holds (policy, theme, units), from the reference data. */
function useNames(): Map<string, string> {
  const plans = usePlans();
  const units = useOrgUnits();
  const names = new Map<string, string>();
  for (const plan of plans.data ?? []) {
    for (const policy of plan.policies) {
      names.set(policy.id, `方針${policy.number} ${policy.title}`);
      for (const theme of policy.themes) names.set(theme.id, `${theme.number}. ${theme.title}`);
    }
  }
  for (const unit of units.data ?? []) names.set(unit.id, unit.nameJa);
  return names;
}

/** A scalar as text; anything else as JSON (never "[object Object]"). */
function text(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean'
    ? String(value)
    : JSON.stringify(value);
}

function show(value: unknown, names: Map<string, string>): string {
  if (value == null || value === '') return '（なし）';
  if (Array.isArray(value)) {
    const items: unknown[] = value;
    return (
      items
        .map((v) =>
          typeof v === 'object' && v
            ? Object.values(v as Record<string, unknown>)
                .map(text)
                .join('：')
            : (names.get(text(v)) ?? text(v)),
        )
        .join('、') || '（なし）'
    );
  }
  if (typeof value === 'number') return value.toLocaleString('ja-JP');
  return names.get(text(value)) ?? text(value);
}

/** Each revision against the one before it: the fields that changed, before → after. */
function Revisions({ id }: { id: string }) {
  const revisions = useProposalRevisions(id);
  const names = useNames();
  return (
    <Section id="revisions" title="改訂履歴">
      <Loaded query={revisions}>
        {(rows) =>
          rows.length === 0 ? (
            <p className="text-std-16N-170 text-solid-gray-700">提出後の改訂はありません。</p>
          ) : (
            <ol className="flex flex-col gap-4">
              {(rows as Revision[]).map((r, i) => {
                const previous: Record<string, unknown> | null = i > 0 ? rows[i - 1].content : null;
                const after: Record<string, unknown> = r.content ?? {};
                return (
                  <li key={r.revision} className="rounded-8 border border-solid-gray-200 p-4">
                    <p className="text-dns-16B-130">
                      第{r.revision}版・{r.author ?? '—'}・<InstantText value={r.at} />
                      {r.reason && `・理由：${r.reason}`}
                    </p>
                    <table className="mt-2 w-full text-dns-16N-130">
                      <caption className="sr-only">第{r.revision}版の変更点</caption>
                      <thead>
                        <tr className="border-b border-solid-gray-300">
                          <th scope="col" className="px-2 py-1 text-left">
                            項目
                          </th>
                          {previous && (
                            <th scope="col" className="px-2 py-1 text-left">
                              変更前
                            </th>
                          )}
                          <th scope="col" className="px-2 py-1 text-left">
                            変更後
                          </th>
                        </tr>
                      </thead>
                      <tbody>
                        {r.changedFields.map((f) => (
                          <tr key={f} className="border-b border-solid-gray-100 align-top">
                            <th scope="row" className="px-2 py-1 text-left font-normal">
                              {FIELD_LABELS[f] ?? f}
                            </th>
                            {previous && (
                              <td className="bg-red-50 px-2 py-1">
                                <del>{show(previous[f], names)}</del>
                              </td>
                            )}
                            <td className="bg-green-50 px-2 py-1">
                              <ins className="no-underline">{show(after[f], names)}</ins>
                            </td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </li>
                );
              })}
            </ol>
          )
        }
      </Loaded>
    </Section>
  );
}

/** Who did what, when, with which comment: the audit log of this proposal. */
function History({ id }: { id: string }) {
  const history = useProposalHistory(id);
  const workflow = useWorkflow();
  const labels = stateLabels(workflow.data?.definition);
  const actionLabel = (a: string) =>
    RECORD_ACTIONS[a] ??
    ((workflow.data?.definition.transitions ?? []) as Array<{ action: string; label?: { ja: string } }>).find(
      (t) => t.action === a,
    )?.label?.ja ??
    a;
  return (
    <Section id="history" title="経過">
      <Loaded query={history}>
        {(rows) => (
          <DataTable<HistoryEntry>
            caption="この提案の経過（古い順）"
            rows={rows}
            rowKey={(h) => String(h.seq)}
            columns={[
              { header: '日時', cell: (h) => <InstantText value={h.at} /> },
              { header: '操作', cell: (h) => actionLabel(h.action) },
              { header: '実施者', cell: (h) => h.actor.username ?? '—' },
              // The bureau as it was named then: a later 機構改革 does not rewrite the history.
              { header: '所属（当時）', cell: (h) => h.unit.nameJa },
              { header: '代決・専決', cell: (h) => <DecisionMarks entry={h} /> },
              {
                header: '状態',
                cell: (h) =>
                  h.from || h.to
                    ? `${h.from ? (labels[h.from] ?? h.from) : '—'} → ${h.to ? (labels[h.to] ?? h.to) : '—'}`
                    : '—',
              },
              {
                header: '会議',
                cell: (h) => {
                  const meeting = h.details?.meeting as { id: string; kind: string } | undefined;
                  return meeting ? (
                    <TextLink to={`/meetings/${meeting.id}`}>{MEETING_KINDS[meeting.kind] ?? meeting.kind}</TextLink>
                  ) : (
                    ''
                  );
                },
              },
              { header: 'コメント', cell: (h) => h.comment ?? '' },
            ]}
          />
        )}
      </Loaded>
    </Section>
  );
}
