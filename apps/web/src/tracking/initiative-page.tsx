import { useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useParams } from 'react-router';
import { answer, api, FROM_LAST_READ } from '../api/client';
import { fieldError } from '../api/problem';
import { rolesOf, useMe } from '../auth/me';
import { yearsOf, type PlanView } from '../dashboard/tracking-types';
import { usePlans } from '../api/reference';
import { StateBadge } from '../ui/badge';
import { Button, TextLink } from '../ui/button';
import { fiscalYearLabel } from '../ui/dates';
import { InstantText } from '../ui/date-text';
import { SelectField, TextArea, TextField } from '../ui/field';
import { FocusedNotice, useFocusOnProblem } from '../ui/focus';
import { Facts, Loaded, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { ProgressReportPapers } from '../papers/record-papers';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import {
  annualOf,
  needsReason,
  reportsKey,
  transitionReport,
  useReports,
  useScale,
  type InitiativeView,
  type ProgressReport,
} from './tracking-queries';

const yen = (n: number | null) => (n === null ? '—' : `${n.toLocaleString('ja-JP')}千円`);

/** The status of a report with the scale's colour beside its label. */
export function StatusText({ status }: { status: ProgressReport['status'] }) {
  return (
    <span className="inline-flex items-center gap-2">
      <span
        aria-hidden="true"
        className="inline-block size-3 rounded-full"
        style={{ backgroundColor: status.colour }}
      />
      {status.label}
    </span>
  );
}

/**
 * Confirm or return a submitted report (事務局). Returning needs a comment for the bureau; the
 * comment form opens in place with the focus in it, and closing it gives the focus back to
 * 差戻し. `onDone` is told what happened (this part goes away with the submitted report).
 */
function Review({
  report,
  initiativeId,
  onDone,
}: {
  report: ProgressReport;
  initiativeId: string;
  onDone: (message: string) => void;
}) {
  const [returning, setReturning] = useState(false);
  const [comment, setComment] = useState('');
  const returnButton = useRef<HTMLButtonElement>(null);
  const act = useAction(
    (v: { action: 'confirm' | 'return'; comment?: string }) => transitionReport(report.id, v.action, v.comment),
    [reportsKey(initiativeId), ['rollups']],
    (r) =>
      onDone(
        r.state === 'confirmed'
          ? `${report.fiscalYearLabel}の進捗を確認しました。`
          : `${report.fiscalYearLabel}の進捗を差し戻しました。局・区に通知されます。`,
      ),
  );
  const box = useFocusOnProblem<HTMLDivElement>(act.error);
  return (
    <div className="flex flex-col gap-3" ref={box}>
      {!returning ? (
        <div className="flex flex-wrap gap-3">
          <Button onClick={() => act.mutate({ action: 'confirm' })} disabled={act.isPending}>
            {report.fiscalYearLabel}の進捗を確認
          </Button>
          <Button ref={returnButton} variant="danger" onClick={() => setReturning(true)}>
            差戻し
          </Button>
        </div>
      ) : (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate({ action: 'return', comment });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Escape') close();
          }}
        >
          <TextArea
            label="差戻しの理由"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            required
            autoFocus
            error={fieldError(act.error, 'comment')}
          />
          <div className="flex flex-wrap gap-3">
            <Button type="submit" variant="danger" disabled={act.isPending}>
              差戻しを確定
            </Button>
            <Button variant="secondary" onClick={close}>
              やめる
            </Button>
          </div>
        </form>
      )}
      <ProblemAlert error={act.error} />
    </div>
  );

  function close() {
    setReturning(false);
    // After React has put 差戻し back.
    requestAnimationFrame(() => returnButton.current?.focus());
  }
}

/** The owning bureau's editor drafts, edits and submits the year's report. */
function ReportForm({
  initiative,
  plan,
  report,
  onDone,
}: {
  initiative: InitiativeView;
  plan: PlanView;
  report?: ProgressReport;
  onDone: (message: string) => void;
}) {
  const scale = useScale(plan.id);
  const years = yearsOf(plan);
  const [year, setYear] = useState<number>(report?.fiscalYear ?? years[years.length - 1]);
  const [status, setStatus] = useState(report?.status.code ?? '');
  const [reason, setReason] = useState(report?.reason ?? '');
  const [narrative, setNarrative] = useState(report?.narrative ?? '');
  const [planned, setPlanned] = useState(report?.plannedAmount?.toString() ?? '');
  const [actual, setActual] = useState(report?.actualAmount?.toString() ?? '');
  const amount = (s: string) => (s.trim() === '' ? undefined : Number(s));
  const save = useAction(
    async () => {
      const body = { status, reason, narrative, plannedAmount: amount(planned), actualAmount: amount(actual) };
      if (report) {
        await answer(api.GET('/api/v1/progress-reports/{id}', { params: { path: { id: report.id } } }));
        return answer(
          api.PATCH('/api/v1/progress-reports/{id}', {
            params: { path: { id: report.id }, header: FROM_LAST_READ },
            body,
          }),
        );
      }
      return answer(
        api.POST('/api/v1/initiatives/{id}/progress-reports', {
          params: { path: { id: initiative.id } },
          body: { ...body, fiscalYear: year, period: 'annual' },
        }),
      );
    },
    [reportsKey(initiative.id)],
    // The form is drawn anew for the saved draft, so the message is said above it, beside 提出.
    () => onDone('下書きを保存しました。内容がよければ提出してください。'),
  );
  const chosen = scale.data?.find((s) => s.code === status);
  const form = useFocusOnProblem<HTMLFormElement>(save.error);
  return (
    <form
      ref={form}
      className="grid gap-4 md:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(undefined);
      }}
    >
      {!report && (
        <SelectField label="年度" value={year} onChange={(e) => setYear(Number(e.target.value))}>
          {years.map((y) => (
            <option key={y} value={y}>
              {fiscalYearLabel(y)}
            </option>
          ))}
        </SelectField>
      )}
      <SelectField
        label="進捗状況"
        value={status}
        onChange={(e) => setStatus(e.target.value)}
        required
        error={fieldError(save.error, 'status')}
      >
        <option value="">選んでください</option>
        {(scale.data ?? []).map((s) => (
          <option key={s.code} value={s.code}>
            {s.labelJa}
          </option>
        ))}
      </SelectField>
      <div className="md:col-span-2">
        <TextArea
          label="理由"
          hint={
            needsReason(chosen)
              ? `${chosen!.labelJa}のときは理由が必要です。`
              : '計画どおりでないとき、その理由を書きます。'
          }
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          error={fieldError(save.error, 'reason') ? '理由を入力してください。' : undefined}
        />
      </div>
      <div className="md:col-span-2">
        <TextArea label="進捗の説明" value={narrative} onChange={(e) => setNarrative(e.target.value)} />
      </div>
      <TextField
        label="計画効果額（千円）"
        inputMode="numeric"
        value={planned}
        onChange={(e) => setPlanned(e.target.value)}
        error={fieldError(save.error, 'plannedAmount')}
      />
      <TextField
        label="実績効果額（千円）"
        inputMode="numeric"
        value={actual}
        onChange={(e) => setActual(e.target.value)}
        error={fieldError(save.error, 'actualAmount')}
      />
      <div className="flex flex-wrap gap-3 md:col-span-2">
        <Button type="submit" disabled={save.isPending}>
          下書きを保存
        </Button>
      </div>
      <div className="md:col-span-2">
        <ProblemAlert
          error={save.error}
          fieldLabels={{ status: '進捗状況', reason: '理由', plannedAmount: '計画効果額', actualAmount: '実績効果額' }}
        />
      </div>
    </form>
  );
}

function Submit({
  report,
  initiativeId,
  onDone,
}: {
  report: ProgressReport;
  initiativeId: string;
  onDone: (message: string) => void;
}) {
  const act = useAction(
    () => transitionReport(report.id, 'submit'),
    [reportsKey(initiativeId)],
    () => onDone(`${report.fiscalYearLabel}の進捗を事務局に提出しました。`),
  );
  const box = useFocusOnProblem<HTMLDivElement>(act.error);
  return (
    <div className="flex flex-col gap-2" ref={box}>
      <Button onClick={() => act.mutate(undefined)} disabled={act.isPending}>
        {report.fiscalYearLabel}の進捗を提出
      </Button>
      <ProblemAlert error={act.error} />
    </div>
  );
}

/** One initiative: what it is, its yearly plan, its indicators, and its progress per fiscal year. */
export function InitiativePage() {
  const { id = '' } = useParams();
  const me = useMe();
  const plans = usePlans();
  const initiative = useQuery<InitiativeView>({
    queryKey: ['initiatives', id],
    queryFn: () => answer(api.GET('/api/v1/initiatives/{id}', { params: { path: { id } } })),
  });
  const reports = useReports(id);
  const roles = rolesOf(me.data);
  const grants = (me.data?.grants ?? []) as Array<{ role: string; orgUnit: { id: string } }>;
  /** What the last confirm, return or submit did, said where its button was. */
  const [done, setDone] = useState<{ text: string; n: number } | null>(null);
  const say = (text: string) => setDone((d) => ({ text, n: (d?.n ?? 0) + 1 }));
  return (
    <Loaded query={initiative}>
      {(i) => {
        const plan = plans.data?.find((p) => p.id === i.plan.id);
        const isEditor = grants.some((g) => g.role === 'bureau_editor' && g.orgUnit?.id === i.owningUnit.id);
        const isSecretariat = roles.has('secretariat');
        const list = [...(reports.data ?? [])].sort((a, b) => b.fiscalYear - a.fiscalYear);
        const draft = list.find((r) => r.state === 'draft');
        const latestYear = plan ? yearsOf(plan).at(-1) : undefined;
        return (
          <>
            <PageTitle title={`${i.code} ${i.title}`}>
              <span className="block text-std-17B-170 text-solid-gray-700">取組 {i.code}</span>
              {i.title}
            </PageTitle>
            <div className="flex flex-col gap-6">
              <Section title="取組の内容" id="about">
                <Facts
                  items={[
                    ['方針', i.policy ? `方針${i.policy.number} ${i.policy.title}` : '—'],
                    ['テーマ', i.theme ? `テーマ${i.theme.number} ${i.theme.title}` : '—'],
                    ['所管', i.owningUnit.nameJa],
                    ['連携する局・区', i.collaboratingUnits.map((u) => u.nameJa).join('、') || '—'],
                    ['概要', i.summary || '—'],
                  ]}
                />
              </Section>
              <Section title="年次計画" id="schedule">
                {i.schedule.length === 0 ? (
                  <p>年次計画はありません。</p>
                ) : (
                  <ol className="flex flex-wrap gap-2">
                    {i.schedule.map((s) => (
                      <li
                        key={s.fiscalYear}
                        className="rounded-8 border border-solid-gray-300 px-3 py-2 text-dns-16N-130"
                      >
                        <span className="font-bold">{fiscalYearLabel(s.fiscalYear)}</span>：{s.step}
                      </li>
                    ))}
                  </ol>
                )}
              </Section>
              <Section title="関連する検証指標" id="indicators">
                {i.relatedIndicators.length === 0 ? (
                  <p>関連する検証指標はありません。</p>
                ) : (
                  <ul className="list-disc pl-6">
                    {i.relatedIndicators.map((x) => (
                      <li key={x.id}>
                        <TextLink to={`/dashboard?plan=${i.plan.id}#kpi`}>{x.name}</TextLink>
                      </li>
                    ))}
                  </ul>
                )}
              </Section>
              <Section title="年度ごとの進捗" id="progress">
                <Loaded query={reports}>
                  {() => (
                    <DataTable
                      caption="進捗報告の一覧"
                      rows={list}
                      rowKey={(r) => r.id}
                      empty="進捗報告はまだありません。"
                      rowClassName={() => 'align-top'}
                      columns={[
                        {
                          header: '年度',
                          cell: (r) => `${r.fiscalYearLabel}${r.period === 'midyear' ? '（中間）' : ''}`,
                          className: 'whitespace-nowrap',
                        },
                        {
                          header: '進捗状況',
                          cell: (r) => <StatusText status={r.status} />,
                          className: 'whitespace-nowrap',
                        },
                        {
                          header: '報告の状態',
                          cell: (r) => (
                            <StateBadge
                              state={r.state === 'confirmed' ? 'adopted' : r.state}
                              stateLabel={r.stateLabel}
                            />
                          ),
                        },
                        {
                          header: '理由・説明',
                          cell: (r) => [r.reason, r.narrative].filter(Boolean).join('\n') || '—',
                          className: 'whitespace-pre-wrap',
                        },
                        {
                          header: '計画効果額',
                          cell: (r) => yen(r.plannedAmount),
                          className: 'tabular-nums whitespace-nowrap',
                        },
                        {
                          header: '実績効果額',
                          cell: (r) => yen(r.actualAmount),
                          className: 'tabular-nums whitespace-nowrap',
                        },
                        {
                          header: '確認日時',
                          cell: (r) => (r.confirmedAt ? <InstantText value={r.confirmedAt} /> : '—'),
                        },
                      ]}
                    />
                  )}
                </Loaded>
                {isSecretariat &&
                  list
                    .filter((r) => r.state === 'submitted')
                    .map((r) => (
                      <div key={r.id} className="rounded-8 border border-blue-200 bg-blue-50 p-4">
                        <h3 className="mb-2 text-std-17B-170">{r.fiscalYearLabel}の提出された進捗</h3>
                        <Review report={r} initiativeId={i.id} onDone={say} />
                      </div>
                    ))}
                {isEditor && draft && <Submit report={draft} initiativeId={i.id} onDone={say} />}
                {done && <FocusedNotice key={done.n}>{done.text}</FocusedNotice>}
              </Section>
              <ProgressReportPapers initiativeId={i.id} reports={list} />
              {isEditor && plan && (
                <Section title={draft ? `${draft.fiscalYearLabel}の進捗を編集` : '進捗を入力'} id="entry">
                  {!draft && annualOf(list, latestYear)?.state === 'confirmed' ? (
                    <p>計画の最終年度まで確認済みです。</p>
                  ) : (
                    <ReportForm key={draft?.id ?? 'new'} initiative={i} plan={plan} report={draft} onDone={say} />
                  )}
                </Section>
              )}
            </div>
          </>
        );
      }}
    </Loaded>
  );
}
