import { useMemo, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { SelectField, TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { Chart } from './chart';
import { rollupQuery } from './dashboard-queries';
import type { EChartsOption } from './echarts';
import { PlanYearPicker, usePlanYear } from './plan-year-picker';
import { RollupTable } from './rollup-table';
import { DIRECTION_LABELS, formatValue, type IndicatorView, type RollupView } from './tracking-types';
import { useMe } from '../auth/me';
import { useAction } from '../workflows/use-action';
import { ProblemAlert } from '../ui/problem';
import type { components } from '../api/schema';

function useRollup(planId: string | undefined, fiscalYear: number | undefined, by: 'policy' | 'orgUnit') {
  return useQuery(rollupQuery(planId, fiscalYear, by));
}

/** A value with the year it belongs to: each keeps to one line (never 「（令和」 / 「3年度）」 on two). */
function ValueInYear({ value, year }: { value: string; year: string }) {
  return (
    <>
      <span className="whitespace-nowrap">{value}</span>
      <span className="whitespace-nowrap">（{year}）</span>
    </>
  );
}

/** Black or white, whichever reads on the colour (WCAG relative luminance). */
function inkOn(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const l = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (l + 0.05) / 0.05 > 1.05 / (l + 0.05) ? '#000000' : '#FFFFFF';
}

/** Axis words large and dark enough to read on a printed or projected page (ECharts' default is 12 px grey). */
const AXIS_LABEL = { fontSize: 13, color: '#333333' };
const LEGEND = { top: 0, textStyle: { fontSize: 14, color: '#1A1A1C' } };

/** A stacked bar per row in the scale's colours: how each policy (or bureau) stands. */
function rollupChart(rollup: RollupView, rowHeader: string): EChartsOption {
  const rows = [...(rollup.rows ?? [])].reverse();
  return {
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    legend: LEGEND,
    grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: AXIS_LABEL },
    yAxis: {
      type: 'category',
      data: rows.map((r) => (rowHeader === '方針' ? `方針${r.key.code}` : r.key.label)),
      axisLabel: AXIS_LABEL,
    },
    series: rollup.scale.map((s) => ({
      name: s.labelJa,
      type: 'bar',
      stack: 'total',
      color: s.colour,
      label: {
        show: true,
        color: inkOn(s.colour),
        formatter: ({ value }: { value: number }) => (value ? String(value) : ''),
      },
      data: rows.map((r) => r.counts[s.code] ?? 0),
    })),
  };
}

function RollupSection({ rollup, by }: { rollup: RollupView; by: 'policy' | 'orgUnit' }) {
  const rowHeader = by === 'policy' ? '方針' : '所管局・区';
  const option = useMemo(() => rollupChart(rollup, rowHeader), [rollup, rowHeader]);
  const summary =
    `${rollup.fiscalYearLabel}の${rowHeader}別の進捗状況。` +
    rollup.scale.map((s) => `${s.labelJa}${rollup.totals[s.code] ?? 0}件`).join('、') +
    `、合計${rollup.total}件。`;
  return (
    <>
      <RollupTable
        rollup={rollup}
        caption={`${rollup.fiscalYearLabel} ${rowHeader}別の進捗状況（件）`}
        rowHeader={rowHeader}
      />
      {(rollup.rows ?? []).length > 0 && (
        <Chart option={option} label={summary} height={Math.max(220, 48 * (rollup.rows ?? []).length + 80)} />
      )}
    </>
  );
}

const GRADE_STYLE: Record<string, string> = { S: 'adopted', A: 'submitted', B: 'pending', C: 'overdue' };

/** Baseline → actuals → target for one indicator; a ceiling is drawn as the limit it must stay under. */
function indicatorChart(i: IndicatorView): EChartsOption {
  const years: number[] = [];
  for (
    let y = i.baseline.fiscalYear;
    y <= Math.max(i.target.fiscalYear, ...i.measurements.map((m) => m.fiscalYear));
    y++
  )
    years.push(y);
  const at = (y: number) =>
    i.measurements.find((m) => m.fiscalYear === y)?.value ?? (y === i.baseline.fiscalYear ? i.baseline.value : null);
  const labels = years.map((y) => yearShort(y));
  const ceiling = i.direction === 'ceiling';
  return {
    tooltip: { trigger: 'axis' },
    legend: LEGEND,
    grid: { left: 8, right: 72, top: 40, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: labels, axisLabel: AXIS_LABEL },
    // A limit is not a point of any series: the axis is stretched to show it.
    yAxis: {
      type: 'value',
      scale: true,
      name: i.unit,
      nameTextStyle: AXIS_LABEL,
      axisLabel: AXIS_LABEL,
      ...(ceiling ? { max: ({ max }: { max: number }) => Math.max(max, i.target.value) } : {}),
    },
    series: [
      {
        name: '実績',
        type: 'line',
        color: '#0031D8',
        connectNulls: true,
        data: years.map(at),
        markLine: {
          symbol: 'none',
          lineStyle: { type: ceiling ? 'solid' : 'dashed', color: ceiling ? '#EC0000' : '#1A1A1C', width: 2 },
          label: { formatter: ceiling ? '上限' : '目標', color: '#1A1A1C' },
          data: [{ yAxis: i.target.value }],
        },
      },
      // The way from the baseline to the target. A ceiling is a limit to stay under, not a
      // value to reach: it is the red line alone, with no way drawn towards it.
      ...(ceiling
        ? []
        : [
            {
              name: '目標',
              type: 'line',
              color: '#1A1A1C',
              symbol: 'diamond',
              symbolSize: 10,
              lineStyle: { type: 'dotted' },
              data: years.map((y) =>
                y === i.target.fiscalYear ? i.target.value : y === i.baseline.fiscalYear ? i.baseline.value : null,
              ),
              connectNulls: true,
            },
          ]),
    ],
  };
}

/** 令和4年度 → R4 (axis labels must be short at 375 px). */
const yearShort = (y: number) => (y >= 2019 ? `R${y - 2018}` : `H${y - 1988}`);

function IndicatorCard({ i }: { i: IndicatorView }) {
  const option = useMemo(() => indicatorChart(i), [i]);
  const label =
    `${i.name}：基準値${formatValue(i.baseline.value, i.decimals)}${i.unit}（${i.baseline.label}）、` +
    (i.actual ? `実績${formatValue(i.actual.value, i.decimals)}${i.unit}（${i.actual.label}）、` : '実績なし、') +
    `${i.direction === 'ceiling' ? '上限' : '目標'}${formatValue(i.target.value, i.decimals)}${i.unit}（${i.target.label}）。`;
  return (
    <article
      className="flex min-w-0 flex-col gap-2 rounded-8 border border-solid-gray-200 p-4"
      aria-labelledby={`kpi-${i.id}`}
    >
      <div className="flex items-start justify-between gap-3">
        <h3 id={`kpi-${i.id}`} className="text-std-17B-170">
          {i.name}
        </h3>
        {i.grade && <Badge state={GRADE_STYLE[i.grade]} label={`評価 ${i.grade}`} />}
      </div>
      <p className="text-dns-14N-130 text-solid-gray-700">
        {DIRECTION_LABELS[i.direction]}・達成率 {i.achievementRate === null ? '—' : `${i.achievementRate}%`}
      </p>
      <Chart option={option} label={label} height={220} />
    </article>
  );
}

function Indicators({ planId, year }: { planId: string; year: number }) {
  const indicators = useQuery({
    queryKey: ['indicators', planId],
    queryFn: () => answer(api.GET('/api/v1/indicators', { params: { query: { planId, pageSize: 50 } } })),
  });
  return (
    <Loaded query={indicators}>
      {(page) => {
        const items = page.items as IndicatorView[];
        if (items.length === 0) return <p className="text-std-16N-170">この計画には検証指標がありません。</p>;
        return (
          <>
            <p className="text-dns-16N-130 text-solid-gray-700">
              評価は達成率によります（S：目標達成、A：前進、B：横ばい、C：後退）。{year && '実績は最新の年度の値です。'}
            </p>
            <DataTable
              caption="検証指標の一覧"
              rows={items}
              rowKey={(i) => i.id}
              columns={[
                { header: '指標', cell: (i) => i.name },
                {
                  header: '基準値',
                  cell: (i) => (
                    <ValueInYear value={formatValue(i.baseline.value, i.decimals) + i.unit} year={i.baseline.label} />
                  ),
                },
                {
                  header: '実績',
                  cell: (i) =>
                    i.actual ? (
                      <ValueInYear value={formatValue(i.actual.value, i.decimals) + i.unit} year={i.actual.label} />
                    ) : (
                      '—'
                    ),
                },
                {
                  header: '目標',
                  cell: (i) => (
                    <ValueInYear
                      value={`${i.direction === 'ceiling' ? '上限 ' : ''}${formatValue(i.target.value, i.decimals)}${i.unit}`}
                      year={i.target.label}
                    />
                  ),
                },
                {
                  header: '達成率',
                  cell: (i) => (i.achievementRate === null ? '—' : `${i.achievementRate}%`),
                  className: 'tabular-nums',
                },
                { header: '評価', cell: (i) => i.grade ?? '—' },
              ]}
            />
            {/* One column on a phone: grid-cols-1 lets a card be narrower than a chart drawn wide before. */}
            <div className="grid grid-cols-1 gap-4 lg:grid-cols-2">
              {items.map((i) => (
                <IndicatorCard key={i.id} i={i} />
              ))}
            </div>
          </>
        );
      }}
    </Loaded>
  );
}

type SnapshotSummary = components['schemas']['SnapshotSummaryResponse'];

/** Snapshots frozen for the council, and what moved between two of them. */
function Snapshots({ planId, year }: { planId: string; year: number }) {
  const me = useMe();
  const isSecretariat = ((me.data?.grants ?? []) as Array<{ role: string }>).some((g) => g.role === 'secretariat');
  const snapshots = useQuery({
    queryKey: ['snapshots', planId],
    queryFn: async () =>
      (await answer(api.GET('/api/v1/rollups/snapshots', { params: { query: { planId } } }))) as SnapshotSummary[],
  });
  const [title, setTitle] = useState('');
  const take = useAction(
    () => answer(api.POST('/api/v1/rollups/snapshots', { body: { planId, fiscalYear: year, title } })),
    [['snapshots', planId]],
  );
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const list = snapshots.data ?? [];
  const a = from || list[1]?.id || '';
  const b = to || list[0]?.id || '';
  const compare = useQuery({
    queryKey: ['snapshots', 'compare', a, b],
    enabled: Boolean(a && b && a !== b),
    queryFn: () => answer(api.GET('/api/v1/rollups/snapshots/compare', { params: { query: { from: a, to: b } } })),
  });
  const option = (s: SnapshotSummary) => (
    <option key={s.id} value={s.id}>
      {`${s.title}（${s.fiscalYearLabel}）`}
    </option>
  );
  return (
    <Loaded query={snapshots}>
      {() => (
        <>
          {isSecretariat && (
            <form
              className="flex flex-wrap items-end gap-3"
              onSubmit={(e) => {
                e.preventDefault();
                take.mutate(undefined, { onSuccess: () => setTitle('') });
              }}
            >
              <div className="min-w-64 flex-1">
                <TextField
                  label="スナップショットの名前"
                  value={title}
                  onChange={(e) => setTitle(e.target.value)}
                  required
                  hint="この年度の集計と各取組の状況を、この時点のまま保存します。"
                />
              </div>
              <Button type="submit" disabled={take.isPending}>
                スナップショットを保存
              </Button>
            </form>
          )}
          {take.error && <ProblemAlert error={take.error} />}
          {list.length === 0 ? (
            <p className="text-std-16N-170">スナップショットはまだありません。</p>
          ) : (
            <ul className="flex flex-col gap-1 text-dns-16N-130">
              {list.map((s) => (
                <li key={s.id}>
                  {s.title}（{s.fiscalYearLabel}）・
                  <InstantText value={s.takenAt} />
                </li>
              ))}
            </ul>
          )}
          {list.length >= 2 && (
            <>
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField label="比較元" value={a} onChange={(e) => setFrom(e.target.value)}>
                  {list.map(option)}
                </SelectField>
                <SelectField label="比較先" value={b} onChange={(e) => setTo(e.target.value)}>
                  {list.map(option)}
                </SelectField>
              </div>
              {compare.data && (
                <DataTable
                  caption={`状況が変わった取組（${compare.data.changes.length}件）`}
                  rows={compare.data.changes}
                  rowKey={(c) => c.code}
                  empty="状況が変わった取組はありません。"
                  columns={[
                    { header: '取組', cell: (c) => `${c.code} ${c.title}` },
                    { header: '変更前', cell: (c) => c.from?.label ?? '（なし）' },
                    { header: '変更後', cell: (c) => c.to?.label ?? '（なし）' },
                    { header: '理由', cell: (c) => c.reason || '—', className: 'whitespace-pre-wrap' },
                  ]}
                />
              )}
            </>
          )}
        </>
      )}
    </Loaded>
  );
}

/** ダッシュボード: how the plan's initiatives stand in a fiscal year, per policy and per bureau, and the KPIs. */
export default function DashboardPage() {
  const state = usePlanYear();
  const { plan, year } = state;
  const byPolicy = useRollup(plan?.id, year, 'policy');
  const byUnit = useRollup(plan?.id, year, 'orgUnit');
  return (
    <>
      <PageTitle title="ダッシュボード">ダッシュボード</PageTitle>
      <PlanYearPicker state={state} />
      <div className="flex flex-col gap-6">
        <Section title="方針別の進捗状況" id="by-policy">
          <Loaded query={byPolicy}>{(r) => <RollupSection rollup={r} by="policy" />}</Loaded>
          {byPolicy.data?.refreshedAt && (
            <p className="text-dns-14N-130 text-solid-gray-700">
              集計日時：
              <InstantText value={byPolicy.data.refreshedAt} />
            </p>
          )}
        </Section>
        <Section title="所管局・区別の進捗状況" id="by-unit">
          <Loaded query={byUnit}>{(r) => <RollupSection rollup={r} by="orgUnit" />}</Loaded>
        </Section>
        <Section title="検証指標（KPI）" id="kpi">
          {plan && year && <Indicators planId={plan.id} year={year} />}
        </Section>
        <Section title="スナップショットと比較" id="snapshots">
          {plan && year && <Snapshots planId={plan.id} year={year} />}
        </Section>
      </div>
    </>
  );
}
