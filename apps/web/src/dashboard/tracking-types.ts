/**
 * The answers of the tracking endpoints as the pages read them (the OpenAPI document does not
 * describe these bodies yet, so their fields are named here once, from the server's views).
 */
export interface ScaleEntry {
  code: string;
  labelJa: string;
  normalized: string;
  /** #RRGGBB */
  colour: string;
}

export interface RollupRow {
  key: { id: string | null; code: string; label: string };
  counts: Record<string, number>;
  total: number;
}

export interface RollupView {
  planId: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  scale: ScaleEntry[];
  totals: Record<string, number>;
  total: number;
  rows?: RollupRow[];
  refreshedAt: string | null;
}

export interface YearValue {
  fiscalYear: number;
  label: string;
  value: number;
}

export type Grade = 'S' | 'A' | 'B' | 'C' | null;

export interface IndicatorView {
  id: string;
  code: string;
  name: string;
  unit: string;
  decimals: number;
  direction: 'higher_better' | 'lower_better' | 'ceiling';
  baseline: YearValue;
  target: YearValue;
  measurements: Array<YearValue & { note: string }>;
  actual: YearValue | null;
  achievementRate: number | null;
  grade: Grade;
}

export interface PlanView {
  id: string;
  code: string;
  name: string;
  period: { first: { fiscalYear: number }; last: { fiscalYear: number } };
  policies: Array<{ id: string; number: number; title: string; themes: Array<{ id: string; number: number; title: string }> }>;
}

/** The fiscal years of a plan, first to last. */
export const yearsOf = (plan: PlanView | undefined): number[] => {
  if (!plan) return [];
  const out: number[] = [];
  for (let y = plan.period.first.fiscalYear; y <= plan.period.last.fiscalYear; y++) out.push(y);
  return out;
};

/** The fiscal year of today (April to March) in Tokyo. */
export function currentFiscalYear(now = new Date()): number {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone: 'Asia/Tokyo' }).format(now).split('-').map(Number);
  return m >= 4 ? y : y - 1;
}

/** The year a plan's pages open at: this fiscal year when the plan covers it, else the nearest end. */
export function defaultYear(plan: PlanView | undefined): number | undefined {
  const years = yearsOf(plan);
  if (years.length === 0) return undefined;
  const now = currentFiscalYear();
  return Math.min(Math.max(now, years[0]), years[years.length - 1]);
}

export const DIRECTION_LABELS: Record<IndicatorView['direction'], string> = {
  higher_better: '高いほど良い',
  lower_better: '低いほど良い',
  ceiling: '上限値（超えないこと）',
};

export const formatValue = (v: number | null | undefined, decimals: number): string =>
  v === null || v === undefined ? '—' : v.toLocaleString('ja-JP', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
