import { parseDay, type Day } from './day.js';

/**
 * 和暦 dates for documents and screens.
 *
 * Digits stay ASCII ('令和7年1月15日', not '令和７年１月１５日'): most municipal documents and
 * e-Gov forms now write half-width digits, and the label is meant to be pasted into them as is.
 * The first year of an era is written 元年, as official documents do.
 */
export type EraName = '令和' | '平成' | '昭和' | '大正' | '明治';

export interface WarekiDate {
  era: EraName;
  /** The year of the era, 1 for 元年. */
  year: number;
  /** e.g. '令和元年5月1日'. */
  label: string;
}

/** Newest first; each era begins on its first day (the accession, or the day after it). */
const ERAS: ReadonlyArray<{ name: EraName; firstDay: Day }> = [
  { name: '令和', firstDay: '2019-05-01' },
  { name: '平成', firstDay: '1989-01-08' },
  { name: '昭和', firstDay: '1926-12-25' },
  { name: '大正', firstDay: '1912-07-30' },
  // Meiji years count from 1868, but Japan used the lunisolar calendar until 明治5年12月2日:
  // a Gregorian day before 明治6年1月1日 would get a 和暦 date nobody ever wrote.
  { name: '明治', firstDay: '1868-01-25' },
];
const FIRST_GREGORIAN_DAY: Day = '1873-01-01';

export function warekiDate(day: Day): WarekiDate {
  const date = parseDay(day);
  if (day < FIRST_GREGORIAN_DAY) {
    throw new RangeError(`${day} is before 明治6年1月1日, when Japan adopted the Gregorian calendar`);
  }
  const era = ERAS.find((e) => day >= e.firstDay);
  if (!era) throw new RangeError(`no era for ${day}`);
  const year = date.getUTCFullYear() - Number(era.firstDay.slice(0, 4)) + 1;
  const label = `${era.name}${year === 1 ? '元' : year}年${date.getUTCMonth() + 1}月${date.getUTCDate()}日`;
  return { era: era.name, year, label };
}
