import { describe, expect, it } from '@jest/globals';
import { fiscalYearLabel, instantParts, warekiDay } from './dates';

describe('和暦 in the browser', () => {
  it('writes calendar days in the era, with 元年 for the first year', () => {
    expect(warekiDay('2024-12-02')).toBe('令和6年12月2日');
    expect(warekiDay('2019-05-01')).toBe('令和元年5月1日');
    expect(warekiDay('2019-04-30')).toBe('平成31年4月30日');
  });

  it('names a fiscal year in the era in force at its end, as municipal documents do', () => {
    expect(fiscalYearLabel(2024)).toBe('令和6年度');
    expect(fiscalYearLabel(2019)).toBe('令和元年度');
    expect(fiscalYearLabel(2020)).toBe('令和2年度');
    expect(fiscalYearLabel(1989)).toBe('平成元年度');
    // 平成 began on 1989-01-08, inside FY1988: that year keeps the era it began in.
    expect(fiscalYearLabel(1988)).toBe('昭和63年度');
  });

  it('shows instants in Tokyo time, whatever the machine’s zone', () => {
    expect(instantParts('2024-12-01T15:30:00Z')).toEqual({
      iso: '2024-12-02',
      wareki: '令和6年12月2日',
      time: '00:30',
    });
  });
});
