import { useQuery } from '@tanstack/react-query';
import { useParams, useSearchParams } from 'react-router';
import { answer, api } from '../api/client';
import type { components } from '../api/schema';
import { ROLE_LABELS } from '../auth/me';
import { TextLink } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { SelectField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { MermaidDiagram } from '../workflows/mermaid-diagram';
import { SUBJECT_LABELS } from './admin-queries';
import { AdminOnly } from './settings-layout';

type Summary = components['schemas']['WorkflowSummaryResponse'];
type Workflow = components['schemas']['WorkflowResponse'];
type State = components['schemas']['StateDefinitionResponse'];
type Transition = components['schemas']['TransitionDefinitionResponse'];

/**
 * What the names in a definition mean, in Japanese (libs/workflow/src/definitions). A name
 * not listed here (another city's definition) is shown as it is written.
 */
const MEANINGS: Record<string, string> = {
  // state tags
  editable_by_owner: '所管の局・区が編集できる',
  editable_by_secretariat: '事務局が編集できる',
  decided: '決定済み（内容は変更不可）',
  left_bureau: '局・区から提出済み',
  public: '公開',
  committee_agenda: '推進委員会の議題',
  hq_agenda: '推進本部の議題',
  council_agenda: '市議会報告の議題',
  in_preparation: '準備中（事務局のみ）',
  accepting_proposals: '回答を受付中',
  counted: '確認済み（集計に入る）',
  // guards
  inquiryOpen: '全庁照会が受付中',
  requiredFieldsFilled: '必須項目が入力済み',
  mergeTargetLive: '統合先の提案が審議中',
  councilMeeting: '市議会の会議を指定',
  dueDateInFuture: '回答期限が未来の日付',
  // hooks (in the transaction)
  recordFirstSubmission: '以後の内容変更を版として記録',
  satisfyInquiryDeadline: '照会の回答期限を満たす',
  recordMerge: '統合先を記録',
  createInitiative: '取組を作成',
  syncReplyDeadlines: '照会先の回答期限を更新',
  satisfyReportDeadline: '進捗報告の期限を満たす',
  queueRollupRecount: '集計をやり直す',
  // effects (after commit)
  notifyApprovers: '承認者に通知',
  notifySecretariat: '事務局に通知',
  notifyReviewers: '審議する人に通知',
  notifyOwners: '所管の局・区に通知',
  // inputs
  comment: 'コメント',
  targetProposalId: '統合先の提案',
};

function Names({ names }: { names: string[] | undefined }) {
  if (!names || names.length === 0) return <span>—</span>;
  return (
    <ul className="flex flex-col gap-1">
      {names.map((n) => (
        <li key={n}>
          {MEANINGS[n] ?? n}
          <code className="ml-1 text-dns-14N-130 text-solid-gray-700">{n}</code>
        </li>
      ))}
    </ul>
  );
}

/** ワークフロー定義: every workflow, its latest version. */
export function WorkflowsPage() {
  return (
    <AdminOnly title="ワークフロー定義">
      <WorkflowList />
    </AdminOnly>
  );
}

function WorkflowList() {
  const workflows = useQuery({ queryKey: ['workflows'], queryFn: () => answer(api.GET('/api/v1/workflows')) });
  return (
    <>
      <PageTitle title="ワークフロー定義">ワークフロー定義</PageTitle>
      <p className="mb-4 text-std-16N-170">
        提案・全庁照会・進捗報告が、どの状態を通り、誰が動かすかの定義です。定義は版ごとに保存され、記録は始まったときの版に従います。
      </p>
      <Loaded query={workflows}>
        {(list) => (
          <DataTable<Summary>
            caption={`ワークフロー定義の一覧（${list.length}件）`}
            rows={list}
            rowKey={(w) => w.name}
            columns={[
              { header: '名前', cell: (w) => <TextLink to={`/settings/workflows/${w.name}`}>{w.name}</TextLink> },
              { header: '対象', cell: (w) => SUBJECT_LABELS[w.subject] },
              { header: '最新の版', cell: (w) => `第${w.version}版` },
              { header: '登録', cell: (w) => <InstantText value={w.createdAt} /> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}

/** One definition: the diagram (with its text), its states with their tags, its transitions with hooks and guards. */
export function WorkflowDefinitionPage() {
  return (
    <AdminOnly title="ワークフロー定義">
      <WorkflowDefinition />
    </AdminOnly>
  );
}

function WorkflowDefinition() {
  const { name = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const version = Number(params.get('version')) || undefined;
  const workflow = useQuery({
    queryKey: ['workflows', name, version ?? 'latest'],
    queryFn: () =>
      answer(api.GET('/api/v1/workflows/{name}', { params: { path: { name }, query: version ? { version } : {} } })),
  });
  const latest = useQuery({ queryKey: ['workflows'], queryFn: () => answer(api.GET('/api/v1/workflows')) });
  const newest = latest.data?.find((w) => w.name === name)?.version ?? workflow.data?.version ?? 1;
  return (
    <>
      <PageTitle title={`ワークフロー定義 ${name}`}>{`ワークフロー定義：${name}`}</PageTitle>
      <p className="mb-4">
        <TextLink to="/settings/workflows">ワークフロー定義の一覧に戻る</TextLink>
      </p>
      <Loaded query={workflow}>
        {(w) => (
          <div className="flex flex-col gap-6">
            <div className="max-w-xs">
              <SelectField
                label="版"
                value={String(w.version)}
                onChange={(e) => {
                  const next = new URLSearchParams(params);
                  next.set('version', e.target.value);
                  setParams(next, { replace: true });
                }}
              >
                {Array.from({ length: newest }, (_, i) => newest - i).map((v) => (
                  <option key={v} value={v}>
                    {`第${v}版${v === newest ? '（最新）' : ''}`}
                  </option>
                ))}
              </SelectField>
            </div>
            <DefinitionView workflow={w} />
          </div>
        )}
      </Loaded>
    </>
  );
}

function DefinitionView({ workflow: w }: { workflow: Workflow }) {
  const states = w.definition.states;
  const labels: Record<string, string> = Object.fromEntries(states.map((s) => [s.name, s.label.ja]));
  const label = (s: string) => labels[s] ?? s;
  const finals = states.filter((s) => s.final).map((s) => label(s.name));
  const title = `${SUBJECT_LABELS[w.subject]}の状態遷移図（${w.name} 第${w.version}版）`;
  // The diagram's text alternative: the same graph, one sentence per transition.
  const description = (
    <details>
      <summary className="cursor-pointer text-blue-1000 underline">図の内容を文章で読む</summary>
      <p className="mt-2">{`状態は${states.length}個、遷移は${w.definition.transitions.length}個です。「${label(w.definition.initial)}」から始まり、${finals.length ? `「${finals.join('」「')}」で終わります` : '終わりの状態はありません'}。`}</p>
      <ul className="mt-2 list-disc pl-6">
        {w.definition.transitions.map((t) => (
          <li
            key={`${t.action}:${t.from.join(',')}`}
          >{`「${t.from.map(label).join('」「')}」から「${t.label?.ja ?? t.action}」で「${label(t.to)}」へ（${t.roles.map((r) => ROLE_LABELS[r] ?? r).join('、')}）`}</li>
        ))}
      </ul>
    </details>
  );
  return (
    <>
      <Section id="diagram" title="状態遷移図">
        <MermaidDiagram text={w.mermaid} title={title} description={description} />
      </Section>
      <Section id="states" title="状態">
        <DataTable<State>
          caption={`状態の一覧（${states.length}件）`}
          rows={states}
          rowKey={(s) => s.name}
          columns={[
            { header: '状態', cell: (s) => s.label.ja, className: 'whitespace-nowrap' },
            { header: '名前', cell: (s) => <code>{s.name}</code> },
            {
              header: '開始・終了',
              cell: (s) =>
                [s.name === w.definition.initial ? '開始' : null, s.final ? '終了' : null].filter(Boolean).join('・') ||
                '—',
              className: 'whitespace-nowrap',
            },
            { header: 'タグ（状態の意味）', cell: (s) => <Names names={s.tags} />, className: 'min-w-56' },
          ]}
        />
      </Section>
      <Section id="transitions" title="遷移">
        <DataTable<Transition>
          caption={`遷移の一覧（${w.definition.transitions.length}件）`}
          rows={w.definition.transitions}
          rowKey={(t) => `${t.action}:${t.from.join(',')}`}
          columns={[
            { header: '操作', cell: (t) => t.label?.ja ?? t.action, className: 'whitespace-nowrap' },
            { header: '元の状態', cell: (t) => t.from.map(label).join('、'), className: 'min-w-28' },
            { header: '次の状態', cell: (t) => label(t.to), className: 'min-w-24' },
            { header: '担当', cell: (t) => t.roles.map((r) => ROLE_LABELS[r] ?? r).join('、'), className: 'min-w-28' },
            { header: 'ガード（条件）', cell: (t) => <Names names={t.guards} />, className: 'min-w-36' },
            {
              header: 'フック（同じトランザクションで）',
              cell: (t) => <Names names={t.hooks} />,
              className: 'min-w-36',
            },
            { header: '効果（確定後）', cell: (t) => <Names names={t.effects} />, className: 'min-w-32' },
            { header: '必要な入力', cell: (t) => <Names names={t.requires} />, className: 'min-w-24' },
          ]}
        />
      </Section>
    </>
  );
}
