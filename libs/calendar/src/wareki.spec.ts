import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween, instantAt } from './day.js';
import { warekiDate } from './wareki.js';

const ICU_JAPANESE = new Intl.DateTimeFormat('ja-JP-u-ca-japanese', {
  era: 'long',
  year: 'numeric',
  timeZone: 'Asia/Tokyo',
});

/** Era and year as ICU's Japanese calendar has them; ICU prints 元 or 1 for year one depending on its data. */
function icuEraYear(day: string): { era: string; year: number } {
  const parts = ICU_JAPANESE.formatToParts(instantAt(day, '12:00'));
  const era = parts.find((p) => p.type === 'era')?.value ?? '';
  const year = parts.find((p) => p.type === 'year')?.value ?? '';
  return { era, year: year === '元' ? 1 : Number(year) };
}

describe('wareki dates', () => {
  it('change era on the first day of the new era, with 元年 for year one', () => {
    expect(warekiDate('2019-05-01')).toEqual({ era: '令和', year: 1, label: '令和元年5月1日' });
    expect(warekiDate('2019-04-30')).toEqual({ era: '平成', year: 31, label: '平成31年4月30日' });
    expect(warekiDate('1989-01-08')).toEqual({ era: '平成', year: 1, label: '平成元年1月8日' });
    expect(warekiDate('1989-01-07')).toEqual({ era: '昭和', year: 64, label: '昭和64年1月7日' });
    expect(warekiDate('1926-12-25')).toEqual({ era: '昭和', year: 1, label: '昭和元年12月25日' });
    expect(warekiDate('1926-12-24')).toEqual({ era: '大正', year: 15, label: '大正15年12月24日' });
    expect(warekiDate('1912-07-30').label).toBe('大正元年7月30日');
    expect(warekiDate('1912-07-29').label).toBe('明治45年7月29日');
  });

  it('write ASCII digits without padding', () => {
    expect(warekiDate('2025-01-15').label).toBe('令和7年1月15日');
    expect(warekiDate('2020-01-01').label).toBe('令和2年1月1日');
    expect(warekiDate('2026-12-31').label).toBe('令和8年12月31日');
  });

  it('refuse days before the Gregorian calendar reached Japan, and malformed days', () => {
    expect(warekiDate('1873-01-01').label).toBe('明治6年1月1日');
    expect(() => warekiDate('1872-12-31')).toThrow(RangeError);
    expect(() => warekiDate('2019-5-1')).toThrow(RangeError);
  });

  it("agree with ICU's Japanese calendar on era and year", () => {
    const boundaries = ['2019-05-01', '1989-01-08', '1926-12-25', '1912-07-30'];
    const days = boundaries.flatMap((d) => [addDays(d, -1), d, addDays(d, 1)]);
    for (const day of days) {
      const { era, year } = warekiDate(day);
      expect({ day, era, year }).toEqual({ day, ...icuEraYear(day) });
    }
    const span = daysBetween('1873-01-01', '2199-12-31');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: span }), (offset) => {
        const day = addDays('1873-01-01', offset);
        const { era, year } = warekiDate(day);
        expect({ day, era, year }).toEqual({ day, ...icuEraYear(day) });
      }),
      { numRuns: 500 },
    );
  });
});
