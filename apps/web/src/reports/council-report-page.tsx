import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import { ApiProblem } from '../api/problem';
import { PlanYearPicker, usePlanYear } from '../dashboard/plan-year-picker';
import { RollupTable } from '../dashboard/rollup-table';
import type { RollupView } from '../dashboard/tracking-types';
import { Button } from '../ui/button';
import { SelectField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import type { components } from '../api/schema';

type CouncilReport = components['schemas']['CouncilReportResponse'];

type SnapshotSummary = components['schemas']['SnapshotSummaryResponse'];

/** The report's summary in the roll-up's form, so the page shows what the file holds. */
const asRollup = (r: CouncilReport, fiscalYear: number): RollupView => ({
  planId: '',
  fiscalYear,
  fiscalYearLabel: r.fiscalYearLabel,
  scale: r.scale,
  totals: r.summary.totals,
  total: r.summary.total,
  rows: r.summary.rows.map((row) => ({
    key: { id: String(row.policyNumber), code: String(row.policyNumber), label: row.policyTitle },
    counts: row.counts,
    total: row.total,
  })),
  refreshedAt: null,
});

/** The file the server made, saved under the name it gave (Content-Disposition). */
async function download(query: {
  planId: string;
  fiscalYear: number;
  snapshotId?: string;
  format: 'csv' | 'xlsx';
}): Promise<void> {
  const { data, response } = await api.GET('/api/v1/reports/council', { params: { query }, parseAs: 'blob' });
  if (!response.ok || !(data instanceof Blob)) throw await ApiProblem.from(response, null);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ??
    `council-report.${query.format}`;
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** 市議会報告: the council report of a fiscal year, as it stands or as a snapshot froze it. */
export function CouncilReportPage() {
  const state = usePlanYear();
  const { plan, year } = state;
  const [snapshotId, setSnapshotId] = useState('');
  const snapshots = useQuery({
    queryKey: ['snapshots', plan?.id],
    enabled: Boolean(plan),
    queryFn: async () =>
      (await answer(
        api.GET('/api/v1/rollups/snapshots', { params: { query: { planId: plan!.id } } }),
      )) as SnapshotSummary[],
  });
  const ofYear = (snapshots.data ?? []).filter((s) => s.fiscalYear === year);
  const snapshot = ofYear.find((s) => s.id === snapshotId)?.id;
  const query = { planId: plan?.id ?? '', fiscalYear: year ?? 0, ...(snapshot ? { snapshotId: snapshot } : {}) };
  const report = useQuery({
    queryKey: ['council-report', query],
    enabled: Boolean(plan && year),
    queryFn: async () =>
      (await answer(
        api.GET('/api/v1/reports/council', { params: { query: { ...query, format: 'json' } } }),
      )) as CouncilReport,
  });
  const [busy, setBusy] = useState<'' | 'csv' | 'xlsx'>('');
  const [error, setError] = useState<unknown>(null);
  const get = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    setError(null);
    try {
      await download({ ...query, format });
    } catch (e) {
      setError(e);
    } finally {
      setBusy('');
    }
  };
  return (
    <>
      <PageTitle title="市議会報告">市議会報告</PageTitle>
      <PlanYearPicker state={state} />
      <div className="mb-6 max-w-3xl">
        <SelectField
          label="もとにする集計"
          value={snapshot ?? ''}
          onChange={(e) => setSnapshotId(e.target.value)}
          hint="スナップショットを選ぶと、その時点で保存した内容で作ります。"
        >
          <option value="">現在の集計</option>
          {ofYear.map((s) => (
            <option key={s.id} value={s.id}>
              スナップショット：{s.title}
            </option>
          ))}
        </SelectField>
      </div>
      <Section title="報告の内容" id="report">
        <Loaded query={report}>
          {(r) => (
            <>
              <p className="text-std-16N-170">
                {r.plan.name}（{r.plan.periodLabel}）
                {r.summary.unreported > 0 ? `・未確定の取組 ${r.summary.unreported}件` : ''}
              </p>
              <RollupTable
                rollup={asRollup(r, year ?? 0)}
                caption={`${r.fiscalYearLabel} 市議会報告の集計（件）`}
                rowHeader="方針"
              />
              <div className="flex flex-wrap gap-3">
                <Button onClick={() => void get('xlsx')} disabled={Boolean(busy)}>
                  Excel（xlsx）をダウンロード
                </Button>
                <Button variant="secondary" onClick={() => void get('csv')} disabled={Boolean(busy)}>
                  CSVをダウンロード
                </Button>
              </div>
              <ProblemAlert error={error} />
            </>
          )}
        </Loaded>
      </Section>
    </>
  );
}
