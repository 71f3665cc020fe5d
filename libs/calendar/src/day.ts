/**
 * Calendar days in Japan, written `YYYY-MM-DD`.
 *
 * A day is a plain string rather than a `Date` because a `Date` is an instant: which day it
 * falls on depends on the zone it is read in, and the servers do not run in Asia/Tokyo. All
 * arithmetic below goes through `Date` values pinned at UTC midnight and read with the UTC
 * getters only, so the host time zone never enters into it.
 */
export type Day = string;

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIME_PATTERN = /^(\d{2}):(\d{2})$/;
const MS_PER_DAY = 86_400_000;
/** Japan has kept UTC+9 without daylight saving since 1952. */
const JST_OFFSET_HOURS = 9;

export type DayOfWeek = 0 | 1 | 2 | 3 | 4 | 5 | 6;
export const SUNDAY: DayOfWeek = 0;
export const SATURDAY: DayOfWeek = 6;

/** Whether `value` is a real calendar day in `YYYY-MM-DD` form (rejects 2025-02-29). */
export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  const m = DAY_PATTERN.exec(value);
  if (!m) return false;
  const date = utcMidnight(Number(m[1]), Number(m[2]), Number(m[3]));
  // Date silently rolls 02-30 over into March; the round trip is what catches it.
  return date.getUTCMonth() === Number(m[2]) - 1 && date.getUTCDate() === Number(m[3]);
}

/** The day as a `Date` at UTC midnight, only meant to be read back with the UTC getters. */
export function parseDay(day: Day): Date {
  if (!isDay(day)) throw new RangeError(`not a YYYY-MM-DD calendar day: ${String(day)}`);
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return utcMidnight(y, m, d);
}

/**
 * The inverse of {@link parseDay}: the UTC calendar date of `date`. Not for arbitrary instants
 * such as `new Date()` — use `todayInTokyo` for those, or the day will be off before 09:00 JST.
 */
export function formatDay(date: Date): Day {
  const year = date.getUTCFullYear();
  if (!Number.isFinite(year) || year < 0 || year > 9999) throw new RangeError(`no YYYY-MM-DD form for ${String(date)}`);
  return `${pad(year, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`;
}

export function addDays(day: Day, n: number): Day {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  return formatDay(new Date(parseDay(day).getTime() + n * MS_PER_DAY));
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: Day, to: Day): number {
  return Math.round((parseDay(to).getTime() - parseDay(from).getTime()) / MS_PER_DAY);
}

/** Sort order of two days: negative, zero or positive, like `Array.prototype.sort` expects. */
export function compareDays(a: Day, b: Day): -1 | 0 | 1 {
  // Validating first keeps a malformed string from sorting plausibly instead of failing.
  parseDay(a);
  parseDay(b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** 0 = Sunday … 6 = Saturday, as `Date.prototype.getDay` numbers them. */
export function dayOfWeek(day: Day): DayOfWeek {
  return parseDay(day).getUTCDay() as DayOfWeek;
}

/** The instant at which the clocks in Japan show `time` (`HH:MM`, 00:00–23:59) on `day`. */
export function instantAt(day: Day, time: string): Date {
  const m = TIME_PATTERN.exec(time);
  const hours = m ? Number(m[1]) : NaN;
  const minutes = m ? Number(m[2]) : NaN;
  if (!(hours >= 0 && hours <= 23 && minutes >= 0 && minutes <= 59)) {
    throw new RangeError(`not an HH:MM time of day: ${time}`);
  }
  return new Date(parseDay(day).getTime() + ((hours - JST_OFFSET_HOURS) * 60 + minutes) * 60_000);
}

function utcMidnight(year: number, month: number, day: number): Date {
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  return date;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}
