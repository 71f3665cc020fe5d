import holidayJp from '@holiday-jp/holiday_jp';
import type { Day } from './day.js';

/**
 * 国民の祝日 and the other national days off, from @holiday-jp/holiday_jp (the Cabinet Office
 * list, extended by the package's own projection for future years: 春分の日 and 秋分の日 are only
 * fixed in the 官報 each February for the following year, and the law can change, so days far
 * ahead are a forecast).
 *
 * Only the package's `holidays` table is used, whose keys are already Japanese calendar days.
 * Its `between()` returns `new Date('YYYY-MM-DD')` (UTC midnight) while its `isHoliday(Date)`
 * reads local-time getters, so both depend on the host zone; `isHoliday` is also a linear
 * scan of ~1,300 keys per call.
 */
interface PackageHoliday {
  date: string;
  name: string;
}

export interface NationalHolidayData {
  /** Package version, for error messages and reports. */
  version: string;
  /** First and last covered day: whole years, since the package ships one file per year. */
  firstDay: Day;
  lastDay: Day;
  names: ReadonlyMap<Day, string>;
}

/**
 * The package names some days by how they came about rather than by their legal name; these
 * are the names a resident would expect to read on a notice.
 */
const NAMES_BY_DAY: Readonly<Record<Day, string>> = {
  // 天皇の即位の日及び即位礼正殿の儀の行われる日を休日とする法律 (平成30年法律第99号).
  '2019-05-01': '天皇の即位の日',
  '2019-10-22': '即位礼正殿の儀の行われる日',
};

function displayName(day: Day, packageName: string): string {
  const fixed = NAMES_BY_DAY[day];
  if (fixed) return fixed;
  // 'こどもの日 振替休日': the day is the 振替休日, the prefix only says which holiday it replaces.
  if (packageName.endsWith(' 振替休日')) return '振替休日';
  // 祝日法 3条3項: a day between two holidays.
  if (packageName === '休日') return '国民の休日';
  return packageName;
}

let loaded: NationalHolidayData | undefined;

export function nationalHolidays(): NationalHolidayData {
  if (loaded) return loaded;
  const table = holidayJp.holidays as Readonly<Record<string, PackageHoliday>>;
  const names = new Map<Day, string>();
  for (const [day, holiday] of Object.entries(table)) names.set(day, displayName(day, holiday.name));
  const days = [...names.keys()].sort();
  const first = days[0];
  const last = days.at(-1);
  if (first === undefined || last === undefined) throw new Error('@holiday-jp/holiday_jp has no holidays');
  loaded = {
    version: holidayJp.VERSION,
    firstDay: `${first.slice(0, 4)}-01-01`,
    lastDay: `${last.slice(0, 4)}-12-31`,
    names,
  };
  return loaded;
}
