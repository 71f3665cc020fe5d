import { describe, expect, it } from '@jest/globals';
import holidayJp from '@holiday-jp/holiday_jp';
import { nationalHolidays } from './national-holidays.js';

describe('national holiday data', () => {
  it('covers whole years, from the first to the last year the package ships', () => {
    const data = nationalHolidays();
    expect(data.version).toBe(holidayJp.VERSION);
    expect(data.firstDay).toMatch(/^\d{4}-01-01$/);
    expect(data.lastDay).toMatch(/^\d{4}-12-31$/);
    // The deadlines this system computes lie in the present decade; a package update that
    // narrowed the range that far should fail loudly here rather than in production.
    expect(data.firstDay <= '2000-01-01').toBe(true);
    expect(data.lastDay >= '2035-12-31').toBe(true);
  });

  it('holds exactly the days the package calls holidays', () => {
    const { names } = nationalHolidays();
    const days = Object.keys(holidayJp.holidays);
    expect(names.size).toBe(days.length);
    for (const day of ['2024-02-12', '2025-05-06', '2026-09-22', '2027-01-01']) {
      expect(holidayJp.isHoliday(day)).toBe(true);
      expect(names.has(day)).toBe(true);
    }
    expect(names.has('2026-12-31')).toBe(false);
  });

  it('are named as residents know them', () => {
    const { names } = nationalHolidays();
    expect(names.get('2025-01-01')).toBe('元日');
    expect(names.get('2024-02-11')).toBe('建国記念の日');
    expect(names.get('2024-02-12')).toBe('振替休日');
    expect(names.get('2025-05-06')).toBe('振替休日');
    expect(names.get('2026-09-22')).toBe('国民の休日');
    expect(names.get('2019-04-30')).toBe('国民の休日');
    expect(names.get('2019-05-01')).toBe('天皇の即位の日');
    expect(names.get('2019-10-22')).toBe('即位礼正殿の儀の行われる日');
    for (const name of names.values()) expect(name).not.toMatch(/ |^休日/);
  });
});
