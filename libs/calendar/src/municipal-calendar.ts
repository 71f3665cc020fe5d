import { addDays, dayOfWeek, isDay, parseDay, SATURDAY, SUNDAY, type Day } from './day.js';
import { nationalHolidays } from './national-holidays.js';

/**
 * The days the city office is closed (地方公共団体の休日, 地方自治法 4条の2):
 * Saturdays and Sundays, the national holidays (振替休日 and 国民の休日 included), the year-end
 * days 12/29–1/3, and whatever else the city configures. The city can also open on a day that
 * would otherwise be closed (an election on a Saturday, say).
 *
 * The rules are today's rules applied to every covered year. They did not always hold: the
 * year-end days entered the Act in 1988 and local offices closed on Saturdays from about 1992,
 * so answers about earlier years describe the modern calendar, not the office as it was.
 */
export type DueDateRule = 'next' | 'previous';

/** A city-configured day off, with the name to show for it. */
export interface CityHoliday {
  day: Day;
  name: string;
}

export interface MunicipalCalendarOptions {
  /** City-configured days off: a bare day is named {@link CITY_HOLIDAY_NAME}. */
  extraHolidays?: ReadonlyArray<Day | CityHoliday>;
  /** Days the office opens although they would otherwise be closed; these win over everything. */
  extraWorkingDays?: readonly Day[];
}

export const YEAR_END_HOLIDAY_NAME = '年末年始休暇';
export const CITY_HOLIDAY_NAME = '市の休日';

export class MunicipalCalendar {
  private readonly cityHolidays: ReadonlyMap<Day, string>;
  private readonly extraWorkingDays: ReadonlySet<Day>;
  private readonly national = nationalHolidays();

  constructor(options: MunicipalCalendarOptions = {}) {
    const cityHolidays = new Map<Day, string>();
    for (const entry of options.extraHolidays ?? []) {
      const { day, name } = typeof entry === 'string' ? { day: entry, name: CITY_HOLIDAY_NAME } : entry;
      if (!isDay(day)) throw new RangeError(`extraHolidays: not a YYYY-MM-DD calendar day: ${String(day)}`);
      cityHolidays.set(day, name);
    }
    const extraWorkingDays = new Set<Day>();
    for (const day of options.extraWorkingDays ?? []) {
      if (!isDay(day)) throw new RangeError(`extraWorkingDays: not a YYYY-MM-DD calendar day: ${String(day)}`);
      // A day in both lists is a configuration mistake; silently picking one would hide it.
      if (cityHolidays.has(day)) throw new RangeError(`${day} is both an extra holiday and an extra working day`);
      extraWorkingDays.add(day);
    }
    this.cityHolidays = cityHolidays;
    this.extraWorkingDays = extraWorkingDays;
  }

  /** The days this calendar can answer for: the whole years the holiday data covers. */
  get coveredRange(): { firstDay: Day; lastDay: Day } {
    return { firstDay: this.national.firstDay, lastDay: this.national.lastDay };
  }

  isHoliday(day: Day): boolean {
    this.assertCovered(day);
    if (this.extraWorkingDays.has(day)) return false;
    if (this.cityHolidays.has(day) || this.national.names.has(day) || isYearEnd(day)) return true;
    const weekday = dayOfWeek(day);
    return weekday === SATURDAY || weekday === SUNDAY;
  }

  isWorkingDay(day: Day): boolean {
    return !this.isHoliday(day);
  }

  /**
   * Why the day is a day off, in Japanese ('元日', '振替休日', '国民の休日', '年末年始休暇', or the
   * city's name for it), or null for ordinary days and plain weekends. A national holiday keeps
   * its name even when the city opens on it, since the day is still that holiday. When reasons
   * overlap the national holiday wins (1/1 is 元日, not 年末年始休暇), then the year-end days.
   */
  nameOf(day: Day): string | null {
    this.assertCovered(day);
    return (
      this.national.names.get(day) ??
      (isYearEnd(day) ? YEAR_END_HOLIDAY_NAME : null) ??
      this.cityHolidays.get(day) ??
      null
    );
  }

  /**
   * The |n|-th working day after (n > 0) or before (n < 0) `day`; the start day itself is never
   * counted. n = 0 returns `day` unchanged even when it is a holiday: adding nothing moves
   * nothing, and rolling a holiday onto a working day is what {@link dueDate} is for.
   */
  addWorkingDays(day: Day, n: number): Day {
    if (!Number.isInteger(n)) throw new RangeError(`not a whole number of working days: ${n}`);
    this.assertCovered(day);
    const step = n < 0 ? -1 : 1;
    let current = day;
    for (let remaining = Math.abs(n); remaining > 0;) {
      current = addDays(current, step);
      if (this.isWorkingDay(current)) remaining--;
    }
    return current;
  }

  /**
   * Working days after `from` up to and including `to`; when `to` is earlier, minus the working
   * days after `to` up to and including `from`. So for a working day d,
   * workingDaysBetween(d, addWorkingDays(d, n)) === n.
   */
  workingDaysBetween(from: Day, to: Day): number {
    this.assertCovered(from);
    this.assertCovered(to);
    const [start, end, sign] = from <= to ? [from, to, 1] : [to, from, -1];
    let count = 0;
    for (let day = start; day < end;) {
      day = addDays(day, 1);
      if (this.isWorkingDay(day)) count++;
    }
    return sign * count;
  }

  /** `day` itself when the office is open, otherwise the first working day after it. */
  nextWorkingDay(day: Day): Day {
    return this.rollToWorkingDay(day, 1);
  }

  /** `day` itself when the office is open, otherwise the last working day before it. */
  previousWorkingDay(day: Day): Day {
    return this.rollToWorkingDay(day, -1);
  }

  /**
   * Where a deadline that falls on `day` actually ends. By default a deadline on a day off runs
   * to the next working day (地方自治法 4条の2 第4項); 'previous' is for the deadlines that a law,
   * by-law or contract moves earlier instead.
   */
  dueDate(day: Day, rule: DueDateRule = 'next'): Day {
    if (rule !== 'next' && rule !== 'previous') throw new RangeError(`unknown due-date rule: ${String(rule)}`);
    return this.rollToWorkingDay(day, rule === 'next' ? 1 : -1);
  }

  private rollToWorkingDay(day: Day, step: 1 | -1): Day {
    let current = day;
    while (!this.isWorkingDay(current)) current = addDays(current, step);
    return current;
  }

  private assertCovered(day: Day): void {
    parseDay(day);
    const { firstDay, lastDay, version } = this.national;
    if (day < firstDay || day > lastDay) {
      throw new RangeError(
        `${day} is outside the years the holiday data covers (${firstDay} to ${lastDay}, @holiday-jp/holiday_jp ${version})`,
      );
    }
  }
}

/**
 * 地方自治法 4条の2 第2項第3号 leaves the year-end days to the city's 休日条例; 12/29–1/3 is what
 * the by-laws adopt, following 行政機関の休日に関する法律 for national offices.
 */
function isYearEnd(day: Day): boolean {
  const monthDay = day.slice(5);
  return monthDay >= '12-29' || monthDay <= '01-03';
}
