import { useState } from 'react';
import { answer, api } from '../api/client';
import { fieldError } from '../api/problem';
import { ROLE_LABELS } from '../auth/me';
import { Badge } from '../ui/badge';
import { Button, TextLink } from '../ui/button';
import { DateText, InstantText } from '../ui/date-text';
import { TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import { useWorkflow } from '../workflows/workflow';
import {
  DEPUTIES_KEY,
  DEPUTY_DECISIONS_KEY,
  PERIOD_STATUS_LABELS,
  useDeputyDecisions,
  useMyDeputies,
  type DeputyDecision,
  type DeputyPeriod,
} from './deputy-queries';

const STATUS_TONE: Record<DeputyPeriod['status'], string> = {
  scheduled: 'pending',
  running: 'open',
  over: 'closed',
  cancelled: 'cancelled',
};

/** Today in Japan, YYYY-MM-DD (the earliest day a period may start). */
const todayInJapan = () =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date());

function PeriodStatus({ p }: { p: DeputyPeriod }) {
  return <Badge state={STATUS_TONE[p.status]} label={PERIOD_STATUS_LABELS[p.status]} />;
}

function Period({ p }: { p: DeputyPeriod }) {
  return (
    <span className="whitespace-nowrap">
      <DateText value={p.from} /> ～ <DateText value={p.to} />
    </span>
  );
}

/** 代決: name a deputy for an absence, see the periods both ways, and read what was decided for me (後閲). */
export function DeputiesPage() {
  const mine = useMyDeputies();
  const [deputyUsername, setDeputy] = useState('');
  const [from, setFrom] = useState(todayInJapan());
  const [to, setTo] = useState(todayInJapan());
  const [reason, setReason] = useState('');
  const [notice, setNotice] = useState<string | null>(null);
  const name = useAction(
    () =>
      answer(api.POST('/api/v1/me/deputies', { body: { deputyUsername, from, to, ...(reason ? { reason } : {}) } })),
    [DEPUTIES_KEY],
    (p) => {
      setNotice(`${p.deputy.displayName} さんを代決者に指定しました（${p.from}～${p.to}）。`);
      setDeputy('');
      setReason('');
    },
  );
  const cancel = useAction(
    (p: DeputyPeriod) => answer(api.DELETE('/api/v1/me/deputies/{id}', { params: { path: { id: p.id } } })),
    [DEPUTIES_KEY],
    (p) => setNotice(`${p.deputy.displayName} さんの代決（${p.from}～${p.to}）を取り消しました。`),
  );
  return (
    <>
      <PageTitle title="代決">代決</PageTitle>
      <div className="flex flex-col gap-6">
        <p className="text-std-16N-170">
          出張や休暇で不在にする間、代わりに決裁する人（代決者）を指定できます。代決者は期間中、あなたと同じ局・区であなたの承認・差戻しなどを行えます。代決された決定は、戻ってから「代決された決定（後閲）」で確認してください。
        </p>
        <Section id="name-deputy" title="代決者を指定">
          <form
            className="flex flex-col gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setNotice(null);
              name.mutate(undefined);
            }}
          >
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
              <TextField
                label="代決者のユーザー名"
                required
                hint="例：kenko.editor"
                value={deputyUsername}
                maxLength={100}
                error={fieldError(name.error, 'deputyUsername')}
                onChange={(e) => setDeputy(e.target.value)}
              />
              <TextField
                label="理由"
                hint="例：出張、休暇（代決者に表示されます）"
                value={reason}
                maxLength={200}
                error={fieldError(name.error, 'reason')}
                onChange={(e) => setReason(e.target.value)}
              />
              <TextField
                label="開始日"
                type="date"
                required
                hint="今日以降（日本時間）"
                value={from}
                min={todayInJapan()}
                error={fieldError(name.error, 'from')}
                onChange={(e) => setFrom(e.target.value)}
              />
              <TextField
                label="終了日"
                type="date"
                required
                hint="この日の終わりまで"
                value={to}
                min={from}
                error={fieldError(name.error, 'to')}
                onChange={(e) => setTo(e.target.value)}
              />
            </div>
            <ProblemAlert
              error={name.error}
              fieldLabels={{ deputyUsername: '代決者のユーザー名', from: '開始日', to: '終了日', reason: '理由' }}
            />
            <div>
              <Button type="submit" disabled={name.isPending}>
                代決者を指定
              </Button>
            </div>
          </form>
        </Section>
        {notice && <Notice tone="success">{notice}</Notice>}
        <ProblemAlert error={cancel.error} />
        <Loaded query={mine}>
          {(m) => (
            <>
              <Section id="my-periods" title="自分の代決者">
                <DataTable<DeputyPeriod>
                  caption={`自分が不在の期間と代決者（${m.named.length}件）`}
                  rows={m.named}
                  rowKey={(p) => p.id}
                  empty="代決者は指定されていません。"
                  columns={[
                    { header: '代決者', cell: (p) => `${p.deputy.displayName}（${p.deputy.username}）` },
                    { header: '期間', cell: (p) => <Period p={p} /> },
                    { header: '状態', cell: (p) => <PeriodStatus p={p} /> },
                    { header: '理由', cell: (p) => p.reason || '—' },
                    { header: '指定した人', cell: (p) => p.createdBy },
                    {
                      header: '操作',
                      cell: (p) =>
                        p.status === 'scheduled' || p.status === 'running' ? (
                          <Button
                            variant="danger"
                            aria-label={`${p.deputy.displayName} さんの代決（${p.from}～${p.to}）を取り消す`}
                            disabled={cancel.isPending}
                            onClick={() => cancel.mutate(p)}
                          >
                            取消し
                          </Button>
                        ) : (
                          '—'
                        ),
                    },
                  ]}
                />
              </Section>
              <Section id="standing-in" title="代決を引き受けている期間">
                {m.exercising.length > 0 && (
                  <Notice>
                    {m.exercising
                      .map(
                        (x) =>
                          `いま ${x.absent.displayName} さんの代決者です（${x.roles.map((r) => ROLE_LABELS[r] ?? r).join('、')}）。`,
                      )
                      .join(' ')}
                    <TextLink to="/">マイページ</TextLink>に、その方の対応待ちも表示されます。
                  </Notice>
                )}
                <DataTable<DeputyPeriod>
                  caption={`自分が代決者になっている期間（${m.standingIn.length}件）`}
                  rows={m.standingIn}
                  rowKey={(p) => p.id}
                  empty="代決を引き受けている期間はありません。"
                  columns={[
                    { header: '不在の人', cell: (p) => `${p.absent.displayName}（${p.absent.username}）` },
                    { header: '期間', cell: (p) => <Period p={p} /> },
                    { header: '状態', cell: (p) => <PeriodStatus p={p} /> },
                    { header: '理由', cell: (p) => p.reason || '—' },
                  ]}
                />
              </Section>
            </>
          )}
        </Loaded>
        <Decisions />
      </div>
    </>
  );
}

/** 後閲: what deputies decided for me, to be read and marked as seen on return. */
function Decisions() {
  const decisions = useDeputyDecisions();
  const workflow = useWorkflow();
  const actionLabel = (a: string) =>
    ((workflow.data?.definition.transitions ?? []) as Array<{ action: string; label?: { ja: string } }>).find(
      (t) => t.action === a,
    )?.label?.ja ?? a;
  const seen = useAction(
    async (d: DeputyDecision) => {
      await answer(api.POST('/api/v1/me/deputy-decisions/{id}/seen', { params: { path: { id: d.auditEntryId } } }));
      return d;
    },
    [DEPUTY_DECISIONS_KEY],
  );
  return (
    <Section id="decisions" title="代決された決定（後閲）">
      <ProblemAlert error={seen.error} />
      <Loaded query={decisions}>
        {(rows) => (
          <DataTable<DeputyDecision>
            caption={`不在の間に代決された決定（${rows.length}件、未確認 ${rows.filter((d) => !d.seenAt).length}件）`}
            rows={rows}
            rowKey={(d) => d.auditEntryId}
            empty="代決された決定はありません。"
            columns={[
              { header: '日時', cell: (d) => <InstantText value={d.at} /> },
              {
                header: '件名',
                cell: (d) =>
                  d.entityType === 'proposal' ? (
                    <TextLink to={`/proposals/${d.entityId}`}>{d.title ?? '提案'}</TextLink>
                  ) : (
                    (d.title ?? d.entityType)
                  ),
              },
              { header: '操作', cell: (d) => actionLabel(d.action) },
              { header: '代決者', cell: (d) => d.deputy.displayName ?? d.deputy.username ?? '—' },
              { header: 'コメント', cell: (d) => d.comment ?? '' },
              {
                header: '確認',
                cell: (d) =>
                  d.seenAt ? (
                    <span>
                      確認済み（
                      <InstantText value={d.seenAt} />）
                    </span>
                  ) : (
                    <Button
                      variant="secondary"
                      aria-label={`「${d.title ?? d.entityId}」の代決を確認済みにする`}
                      disabled={seen.isPending}
                      onClick={() => seen.mutate(d)}
                    >
                      確認済みにする
                    </Button>
                  ),
              },
            ]}
          />
        )}
      </Loaded>
    </Section>
  );
}
