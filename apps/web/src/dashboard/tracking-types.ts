import type { components } from '../api/schema';

/** The tracking answers the pages read, as the OpenAPI document describes them. */
type Schemas = components['schemas'];
export type ScaleEntry = Schemas['ScaleEntryResponse'];
export type RollupRow = Schemas['RollupRowResponse'];
export type RollupView = Schemas['RollupResponse'];
export type YearValue = Schemas['YearValueResponse'];
export type IndicatorView = Schemas['IndicatorResponse'];
export type Grade = IndicatorView['grade'];
export type PlanView = Schemas['PlanResponse'];

/** The fiscal years of a plan, first to last. */
export const yearsOf = (plan: PlanView | undefined): number[] => {
  if (!plan) return [];
  const out: number[] = [];
  for (let y = plan.period.first.fiscalYear; y <= plan.period.last.fiscalYear; y++) out.push(y);
  return out;
};

/** The fiscal year of today (April to March) in Tokyo. */
export function currentFiscalYear(now = new Date()): number {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', timeZone: 'Asia/Tokyo' })
    .format(now)
    .split('-')
    .map(Number);
  return m >= 4 ? y : y - 1;
}

/** The year a plan's pages open at: this fiscal year when the plan covers it, else the nearest end. */
export function defaultYear(plan: PlanView | undefined): number | undefined {
  const years = yearsOf(plan);
  if (years.length === 0) return undefined;
  const now = currentFiscalYear();
  return Math.min(Math.max(now, years[0]), years[years.length - 1]);
}

/**
 * Which plan and year the address (?plan=&year=) names, among the plans there are: the first
 * plan when it names none (or one that does not exist), the plan's current year likewise.
 */
export function planYearOf(
  plans: PlanView[] | undefined,
  params: URLSearchParams,
): { plan: PlanView | undefined; year: number | undefined } {
  const plan = plans?.find((p) => p.id === params.get('plan')) ?? plans?.[0];
  const asked = Number(params.get('year'));
  const year = plan && yearsOf(plan).includes(asked) ? asked : defaultYear(plan);
  return { plan, year };
}

export const DIRECTION_LABELS: Record<IndicatorView['direction'], string> = {
  higher_better: '高いほど良い',
  lower_better: '低いほど良い',
  ceiling: '上限値（超えないこと）',
};

export const formatValue = (v: number | null | undefined, decimals: number): string =>
  v === null || v === undefined
    ? '—'
    : v.toLocaleString('ja-JP', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });
