import { useState } from 'react';
import { useQueries, useQuery, useQueryClient } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ } from '../api/client';
import { ApiProblem } from '../api/problem';
import { useMe } from '../auth/me';
import { PlanYearPicker, usePlanYear } from '../dashboard/plan-year-picker';
import { StateBadge } from '../ui/badge';
import { Button, TextLink } from '../ui/button';
import { fiscalYearLabel } from '../ui/dates';
import { FocusedNotice, useFocusOnProblem } from '../ui/focus';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import { Notice } from '../ui/problem';
import {
  annualOf,
  needsReason,
  readReport,
  reportsKey,
  transitionReport,
  useScale,
  type InitiativeView,
} from './tracking-queries';

interface Entry {
  status: string;
  reason: string;
}

const control =
  'block w-full rounded-8 border border-solid-gray-600 bg-white px-3 py-2 text-std-16N-170 focus:outline-4 focus:outline-offset-2 focus:outline-black aria-[invalid=true]:border-2 aria-[invalid=true]:border-error-1';

/**
 * 進捗の一括入力: a bureau's editor sets the year's status of all its initiatives on one
 * screen, saves them as drafts (each row's error beside it) and submits them together.
 */
export function BulkEntryPage() {
  const me = useMe();
  const state = usePlanYear();
  const { plan, year } = state;
  const unit = ((me.data?.grants ?? []) as Array<{ role: string; orgUnit: { id: string; nameJa: string } }>).find(
    (g) => g.role === 'bureau_editor',
  )?.orgUnit;
  const scale = useScale(plan?.id);
  const initiatives = useQuery({
    queryKey: ['initiatives', 'tracking', plan?.id, '', '', unit?.id, 'bulk'],
    enabled: Boolean(plan && unit),
    queryFn: () =>
      answer(
        api.GET('/api/v1/initiatives', { params: { query: { planId: plan!.id, orgUnitId: unit!.id, pageSize: 100 } } }),
      ),
  });
  const items = (initiatives.data?.items ?? []) as InitiativeView[];
  const reports = useQueries({
    queries: items.map((i) => ({
      queryKey: reportsKey(i.id),
      queryFn: () => answer(api.GET('/api/v1/initiatives/{id}/progress-reports', { params: { path: { id: i.id } } })),
    })),
  });
  const queries = useQueryClient();
  const [entries, setEntries] = useState<Record<string, Entry>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'info' | 'success'; text: string; n: number } | null>(null);
  const tell = (tone: 'info' | 'success', text: string) => setMessage((m) => ({ tone, text, n: (m?.n ?? 0) + 1 }));

  const reportOf = (index: number) => annualOf(reports[index]?.data, year);
  const entryOf = (i: InitiativeView, index: number): Entry =>
    entries[i.id] ?? { status: reportOf(index)?.status.code ?? '', reason: reportOf(index)?.reason ?? '' };
  const editable = (index: number) => {
    const r = reportOf(index);
    return !r || r.state === 'draft';
  };
  const set = (i: InitiativeView, index: number, change: Partial<Entry>) =>
    setEntries((prev) => ({ ...prev, [i.id]: { ...entryOf(i, index), ...change } }));
  // A failed save puts the focus on the first row to fix (its reason), not back on the button.
  const table = useFocusOnProblem<HTMLDivElement>(Object.keys(errors).length > 0 ? errors : null);
  const reasonMessage = (status: string) =>
    `${scale.data?.find((s) => s.code === status)?.labelJa ?? 'この状況'}のときは理由を入力してください。`;

  /** Saves every changed row: a new draft, or the draft edited. Rows that fail keep their error. */
  async function save() {
    setBusy(true);
    setMessage(null);
    const failed: Record<string, string> = {};
    let saved = 0;
    for (const [index, i] of items.entries()) {
      const e = entries[i.id];
      if (!e || !editable(index) || !e.status) continue;
      const existing = reportOf(index);
      try {
        if (existing) {
          await readReport(existing.id);
          await answer(
            api.PATCH('/api/v1/progress-reports/{id}', {
              params: { path: { id: existing.id }, header: FROM_LAST_READ },
              body: { status: e.status, reason: e.reason },
            }),
          );
        } else {
          await answer(
            api.POST('/api/v1/initiatives/{id}/progress-reports', {
              params: { path: { id: i.id } },
              body: { fiscalYear: year!, period: 'annual', status: e.status, reason: e.reason },
            }),
          );
        }
        saved += 1;
      } catch (error) {
        failed[i.id] =
          error instanceof ApiProblem && error.fieldError('reason')
            ? reasonMessage(e.status)
            : error instanceof ApiProblem
              ? `保存できませんでした（${error.code}）`
              : '保存できませんでした';
      }
    }
    await Promise.all(items.map((i) => queries.invalidateQueries({ queryKey: reportsKey(i.id) })));
    setEntries((prev) => Object.fromEntries(Object.entries(prev).filter(([id]) => failed[id])));
    setErrors(failed);
    const n = Object.keys(failed).length;
    if (n) tell('info', `${saved}件を保存しました。${n}件は保存できませんでした。表の中の＊の行を直してください。`);
    else tell('success', `${saved}件を下書きとして保存しました。`);
    setBusy(false);
  }

  /** Submits every draft of the year to the secretariat. */
  async function submitAll() {
    setBusy(true);
    setMessage(null);
    let submitted = 0;
    const failed: Record<string, string> = {};
    for (const [index, i] of items.entries()) {
      const r = reportOf(index);
      if (r?.state !== 'draft') continue;
      try {
        await transitionReport(r.id, 'submit');
        submitted += 1;
      } catch (error) {
        failed[i.id] = error instanceof ApiProblem ? `提出できませんでした（${error.code}）` : '提出できませんでした';
      }
    }
    await Promise.all(items.map((i) => queries.invalidateQueries({ queryKey: reportsKey(i.id) })));
    setErrors(failed);
    tell(Object.keys(failed).length ? 'info' : 'success', `${submitted}件を事務局に提出しました。`);
    setBusy(false);
  }

  const drafts = items.filter((_, index) => reportOf(index)?.state === 'draft').length;
  const changed = Object.keys(entries).length;
  const caption = `${unit?.nameJa ?? ''}の取組（${year ? fiscalYearLabel(year) : ''}）`;

  return (
    <>
      <PageTitle title="進捗の一括入力">進捗の一括入力</PageTitle>
      <PlanYearPicker state={state} />
      {!unit ? (
        <Notice>一括入力は局・区の担当者が自分の局・区の取組について行います。</Notice>
      ) : (
        <Loaded query={initiatives}>
          {() => (
            <div className="flex flex-col gap-4" ref={table}>
              <p className="text-std-16N-170">
                進捗状況を選び、計画どおりでないときは理由を書いて「下書きを保存」、そのあと「まとめて提出」で事務局に送ります。
              </p>
              <DataTable
                caption={caption}
                rows={items.map((initiative, index) => ({ initiative, index }))}
                rowKey={({ initiative }) => initiative.id}
                empty="この計画に所管の取組はありません。"
                rowClassName={({ initiative }) => `align-top ${errors[initiative.id] ? 'bg-red-50' : ''}`}
                columns={[
                  {
                    // The report's state sits under the initiative's name: on a phone two
                    // columns remain, the name and the entry (status above reason).
                    header: '取組',
                    className: 'min-w-32',
                    cell: ({ initiative: i, index }) => {
                      const r = reportOf(index);
                      return (
                        <div className="flex flex-col items-start gap-1">
                          <TextLink to={`/initiatives/${i.id}`}>
                            {i.code} {i.title}
                          </TextLink>
                          {r ? (
                            <StateBadge
                              state={r.state === 'confirmed' ? 'adopted' : r.state}
                              stateLabel={r.stateLabel}
                            />
                          ) : (
                            <span className="text-dns-14N-130 text-solid-gray-700">未入力</span>
                          )}
                        </div>
                      );
                    },
                  },
                  {
                    header: '進捗状況と理由',
                    className: 'w-full',
                    cell: ({ initiative: i, index }) => {
                      const e = entryOf(i, index);
                      const error = errors[i.id];
                      return (
                        <div className="flex flex-col gap-2 md:flex-row md:items-start">
                          <select
                            aria-label={`${i.code}の進捗状況`}
                            className={`${control} md:w-56 md:shrink-0`}
                            value={e.status}
                            disabled={!editable(index) || busy}
                            onChange={(ev) => set(i, index, { status: ev.target.value })}
                          >
                            <option value="">選んでください</option>
                            {(scale.data ?? []).map((s) => (
                              <option key={s.code} value={s.code}>
                                {s.labelJa}
                              </option>
                            ))}
                          </select>
                          <div className="min-w-0 flex-1">
                            <input
                              aria-label={`${i.code}の理由`}
                              className={control}
                              value={e.reason}
                              disabled={!editable(index) || busy}
                              aria-invalid={error ? true : undefined}
                              aria-describedby={error ? `bulk-${i.id}-error` : undefined}
                              placeholder={
                                needsReason(scale.data?.find((s) => s.code === e.status))
                                  ? '理由が必要です'
                                  : '理由（任意）'
                              }
                              onChange={(ev) => set(i, index, { reason: ev.target.value })}
                            />
                            {error && (
                              <p id={`bulk-${i.id}-error`} className="mt-1 text-dns-16B-130 text-error-2">
                                ＊{error}
                              </p>
                            )}
                          </div>
                        </div>
                      );
                    },
                  },
                ]}
              />
              <div className="flex flex-wrap gap-3">
                <Button onClick={() => void save()} disabled={busy || changed === 0}>
                  下書きを保存
                </Button>
                <Button
                  variant="secondary"
                  onClick={() => void submitAll()}
                  disabled={busy || drafts === 0 || changed > 0}
                >
                  まとめて提出（{drafts}件）
                </Button>
              </div>
              {changed > 0 && drafts > 0 && (
                // Why まとめて提出 cannot be pressed: what is on the screen is not yet what would be sent.
                <p className="text-dns-16N-130 text-solid-gray-700">
                  保存していない変更があります。「下書きを保存」のあとで提出できます。
                </p>
              )}
              {message &&
                (message.tone === 'success' ? (
                  // The buttons just pressed are disabled now: the message takes the focus.
                  <FocusedNotice key={message.n}>{message.text}</FocusedNotice>
                ) : (
                  <div aria-live="polite">
                    <Notice tone={message.tone}>{message.text}</Notice>
                  </div>
                ))}
            </div>
          )}
        </Loaded>
      )}
    </>
  );
}
