import { describe, expect, it } from '@jest/globals';
import { fiscalYearLabel, fiscalYearOf, todayInTokyo } from './fiscal-year.js';

describe('fiscal years', () => {
  it('are named in 和暦, with 元年 for the first year of an era', () => {
    expect(fiscalYearLabel(2024)).toBe('令和6年度');
    expect(fiscalYearLabel(2019)).toBe('令和元年度');
    expect(fiscalYearLabel(2018)).toBe('平成30年度');
    expect(fiscalYearLabel(1989)).toBe('平成元年度');
    expect(fiscalYearLabel(2027)).toBe('令和9年度');
  });

  it('start in April', () => {
    expect(fiscalYearOf('2025-01-15')).toBe(2024);
    expect(fiscalYearOf('2025-03-31')).toBe(2024);
    expect(fiscalYearOf('2025-04-01')).toBe(2025);
  });

  it('name the fiscal year a day lies in', () => {
    expect(fiscalYearLabel(fiscalYearOf('2025-01-15'))).toBe('令和6年度');
    expect(fiscalYearLabel(fiscalYearOf('2019-04-30'))).toBe('令和元年度');
  });

  it('know today in Japan, not in UTC', () => {
    expect(todayInTokyo(new Date('2026-03-31T15:30:00Z'))).toBe('2026-04-01');
  });
});
