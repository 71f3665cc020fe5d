import { describe, expect, it } from '@jest/globals';
import { CITY_HOLIDAY_NAME, MunicipalCalendar, YEAR_END_HOLIDAY_NAME } from './municipal-calendar.js';

const calendar = new MunicipalCalendar();

describe('the municipal calendar', () => {
  it('closes on weekends, national holidays and 12/29–1/3', () => {
    expect(calendar.isWorkingDay('2025-01-15')).toBe(true); // Wednesday
    expect(calendar.isHoliday('2025-01-18')).toBe(true); // Saturday
    expect(calendar.isHoliday('2025-01-19')).toBe(true); // Sunday
    expect(calendar.isHoliday('2025-01-13')).toBe(true); // 成人の日
    expect(calendar.isWorkingDay('2024-12-27')).toBe(true);
    for (const day of ['2024-12-29', '2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02', '2025-01-03']) {
      expect(calendar.isHoliday(day)).toBe(true);
    }
    expect(calendar.isWorkingDay('2025-01-06')).toBe(true);
  });

  it('names the days off', () => {
    expect(calendar.nameOf('2025-01-01')).toBe('元日');
    expect(calendar.nameOf('2024-12-31')).toBe(YEAR_END_HOLIDAY_NAME);
    expect(calendar.nameOf('2025-01-02')).toBe('年末年始休暇');
    expect(calendar.nameOf('2023-01-02')).toBe('振替休日'); // 元日 fell on a Sunday
    expect(calendar.nameOf('2024-02-12')).toBe('振替休日');
    expect(calendar.nameOf('2026-09-22')).toBe('国民の休日');
    expect(calendar.nameOf('2025-01-18')).toBeNull(); // a plain Saturday
    expect(calendar.nameOf('2025-01-15')).toBeNull();
  });

  it('adds working days across the year-end days and the weekend', () => {
    expect(calendar.addWorkingDays('2024-12-27', 1)).toBe('2025-01-06');
    expect(calendar.addWorkingDays('2025-01-06', -1)).toBe('2024-12-27');
    expect(calendar.workingDaysBetween('2024-12-27', '2025-01-06')).toBe(1);
    expect(calendar.workingDaysBetween('2025-01-06', '2024-12-27')).toBe(-1);
    expect(calendar.workingDaysBetween('2025-01-06', '2025-01-06')).toBe(0);
    expect(calendar.addWorkingDays('2025-01-15', 5)).toBe('2025-01-22');
  });

  it('skips 振替休日', () => {
    // 建国記念の日 2024-02-11 was a Sunday, so Monday 2024-02-12 was its 振替休日.
    expect(calendar.isWorkingDay('2024-02-12')).toBe(false);
    expect(calendar.addWorkingDays('2024-02-09', 1)).toBe('2024-02-13');
    // みどりの日 2025-05-04 was a Sunday; Tuesday 2025-05-06 was the 振替休日.
    expect(calendar.nameOf('2025-05-06')).toBe('振替休日');
    expect(calendar.addWorkingDays('2025-05-02', 1)).toBe('2025-05-07');
  });

  it('skips the ten days off around the 2019 accession', () => {
    expect(calendar.addWorkingDays('2019-04-26', 1)).toBe('2019-05-07');
    expect(calendar.nameOf('2019-04-30')).toBe('国民の休日');
    expect(calendar.nameOf('2019-05-01')).toBe('天皇の即位の日');
  });

  it('leaves the day alone when adding zero working days, even on a holiday', () => {
    expect(calendar.addWorkingDays('2025-01-01', 0)).toBe('2025-01-01');
    expect(calendar.addWorkingDays('2025-01-15', 0)).toBe('2025-01-15');
    expect(() => calendar.addWorkingDays('2025-01-15', 1.5)).toThrow(RangeError);
  });

  it('rolls to the nearest working day, or stays on one', () => {
    expect(calendar.nextWorkingDay('2025-01-15')).toBe('2025-01-15');
    expect(calendar.previousWorkingDay('2025-01-15')).toBe('2025-01-15');
    expect(calendar.nextWorkingDay('2024-12-28')).toBe('2025-01-06');
    expect(calendar.previousWorkingDay('2025-01-05')).toBe('2024-12-27');
  });

  it('moves a deadline off a day off: to the next working day by default, or to the previous', () => {
    expect(calendar.dueDate('2026-12-31')).toBe('2027-01-04');
    expect(calendar.dueDate('2026-12-31', 'next')).toBe('2027-01-04');
    expect(calendar.dueDate('2026-12-31', 'previous')).toBe('2026-12-28');
    expect(calendar.dueDate('2025-01-15')).toBe('2025-01-15');
    expect(calendar.dueDate('2025-01-15', 'previous')).toBe('2025-01-15');
    expect(() => calendar.dueDate('2025-01-15', 'nearest' as never)).toThrow(RangeError);
  });

  it("skips the city's own days off and counts its extra working days", () => {
    const city = new MunicipalCalendar({
      extraHolidays: [{ day: '2025-10-01', name: '市制記念日' }, '2025-08-14'],
      // A Saturday the office opens for an election's early voting, and a national holiday.
      extraWorkingDays: ['2025-07-19', '2025-07-21'],
    });
    expect(city.isHoliday('2025-10-01')).toBe(true);
    expect(city.nameOf('2025-10-01')).toBe('市制記念日');
    expect(city.nameOf('2025-08-14')).toBe(CITY_HOLIDAY_NAME);
    expect(city.addWorkingDays('2025-09-30', 1)).toBe('2025-10-02');
    expect(calendar.addWorkingDays('2025-09-30', 1)).toBe('2025-10-01');

    expect(calendar.addWorkingDays('2025-07-18', 1)).toBe('2025-07-22'); // Saturday, Sunday, 海の日
    expect(city.isWorkingDay('2025-07-19')).toBe(true);
    expect(city.addWorkingDays('2025-07-18', 1)).toBe('2025-07-19');
    expect(city.workingDaysBetween('2025-07-18', '2025-07-22')).toBe(3);
    expect(calendar.workingDaysBetween('2025-07-18', '2025-07-22')).toBe(1);
    // Open on 海の日, but the day is still 海の日.
    expect(city.isWorkingDay('2025-07-21')).toBe(true);
    expect(city.nameOf('2025-07-21')).toBe('海の日');
  });

  it('rejects a bad configuration', () => {
    expect(() => new MunicipalCalendar({ extraHolidays: ['2025-02-30'] })).toThrow(RangeError);
    expect(() => new MunicipalCalendar({ extraWorkingDays: ['2025/07/19'] })).toThrow(RangeError);
    expect(() => new MunicipalCalendar({ extraHolidays: ['2025-07-19'], extraWorkingDays: ['2025-07-19'] })).toThrow(
      /both an extra holiday and an extra working day/,
    );
  });

  it('refuses to answer outside the years the holiday data covers', () => {
    const { firstDay, lastDay } = calendar.coveredRange;
    expect(firstDay).toBe('1970-01-01');
    expect(lastDay).toBe('2050-12-31');
    expect(calendar.isWorkingDay('2050-12-28')).toBe(true);
    expect(() => calendar.isHoliday('2051-01-04')).toThrow(/outside the years the holiday data covers/);
    expect(() => calendar.isHoliday('1969-12-31')).toThrow(RangeError);
    expect(() => calendar.nameOf('2051-01-01')).toThrow(RangeError);
    // Answers that would need a day past the data throw too, instead of guessing about it.
    expect(() => calendar.nextWorkingDay('2050-12-31')).toThrow(RangeError);
    expect(() => calendar.addWorkingDays('2050-12-28', 1)).toThrow(RangeError);
    expect(() => calendar.workingDaysBetween('2050-12-01', '2051-01-10')).toThrow(RangeError);
    expect(() => calendar.isHoliday('2025-1-15')).toThrow(RangeError);
  });
});
