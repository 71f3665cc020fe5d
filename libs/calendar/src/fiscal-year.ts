import { instantAt } from './day.js';
/**
 * 年度: the fiscal year runs from 1 April to 31 March and is named by the Gregorian year it
 * starts in (API.md: `2024` = 令和6年度). Era names follow the start of the fiscal year's
 * first month as used in municipal documents: FY2019 is 令和元年度 (Reiwa began 2019-05-01,
 * but the fiscal year that contains it is named in the new era), FY1989 平成元年度.
 */
const ERAS = [
  { name: '令和', firstFiscalYear: 2019 },
  { name: '平成', firstFiscalYear: 1989 },
] as const;

export function fiscalYearLabel(fiscalYear: number): string {
  if (!Number.isInteger(fiscalYear)) throw new RangeError(`not a fiscal year: ${fiscalYear}`);
  const era = ERAS.find((e) => fiscalYear >= e.firstFiscalYear);
  if (!era) return `${fiscalYear}年度`;
  const n = fiscalYear - era.firstFiscalYear + 1;
  return `${era.name}${n === 1 ? '元' : n}年度`;
}

/** The fiscal year a calendar day (YYYY-MM-DD, Asia/Tokyo) lies in. */
export function fiscalYearOf(day: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) throw new RangeError(`not a YYYY-MM-DD day: ${day}`);
  const year = Number(m[1]);
  return Number(m[2]) >= 4 ? year : year - 1;
}

/** Today's date in Japan, as YYYY-MM-DD. */
export function todayInTokyo(now: Date = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', {
    timeZone: 'Asia/Tokyo',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(now);
}

export interface FiscalYearView {
  fiscalYear: number;
  label: string;
}

export const fiscalYearView = (fiscalYear: number): FiscalYearView => ({
  fiscalYear,
  label: fiscalYearLabel(fiscalYear),
});

/**
 * The last instant of a fiscal year (31 March, 23:59:59.999 JST): the organisation "of that year"
 * is the one in force then, so a reorganisation on 1 April belongs to the next year.
 */
export function fiscalYearLastInstant(fiscalYear: number): Date {
  return new Date(instantAt(`${String(fiscalYear + 1).padStart(4, '0')}-04-01`, '00:00').getTime() - 1);
}
