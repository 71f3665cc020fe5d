import { describe, expect, it } from '@jest/globals';
import { achievementRate, gradeLegend, gradeOf } from './achievement.js';

/** The seed's 検証指標: baseline 令和3年度, actual 令和4年度, target (検証値). */
describe('achievement and grade, on the seed’s values', () => {
  it('ceiling: 将来負担比率 102.2 % under a ceiling of 107.8 % is met', () => {
    const debt = { direction: 'ceiling' as const, baseline: 104.6, target: 107.8 };
    expect(achievementRate(debt, 102.2)).toBe(100);
    expect(gradeOf(debt, 102.2)).toBe('S');
    expect(gradeOf(debt, 110)).toBe('B');
    expect(gradeOf(debt, 125)).toBe('C');
  });

  it('higher is better: 市役所のサービスに満足している市民の割合 falling from 48.9 to 44.1 against 65', () => {
    const satisfaction = { direction: 'higher_better' as const, baseline: 48.9, target: 65 };
    expect(achievementRate(satisfaction, 44.1)).toBe(-29.8);
    // Away from the target by more than 10 points of the way: worse.
    expect(gradeOf(satisfaction, 44.1)).toBe('C');
    // 48.9 + 1.5 is 9.3 % of the way: within the band, no real movement.
    expect(gradeOf(satisfaction, 50.4)).toBe('B');
    expect(gradeOf(satisfaction, 47.4)).toBe('B');
    expect(gradeOf(satisfaction, 60)).toBe('A');
    expect(gradeOf(satisfaction, 65)).toBe('S');
  });

  it('higher is better: 証明書コンビニ発行件数 107,087 → 300,170 against 500,000', () => {
    const konbini = { direction: 'higher_better' as const, baseline: 107_087, target: 500_000 };
    expect(achievementRate(konbini, 300_170)).toBe(49.1);
    expect(gradeOf(konbini, 300_170)).toBe('A');
  });

  it('lower is better: 実質公債費比率 5.4 % unchanged against 5.2 %', () => {
    const ratio = { direction: 'lower_better' as const, baseline: 5.4, target: 5.2 };
    expect(achievementRate(ratio, 5.4)).toBe(0);
    expect(gradeOf(ratio, 5.4)).toBe('B');
    expect(gradeOf(ratio, 5.1)).toBe('S');
    expect(achievementRate(ratio, 5.3)).toBe(50);
    expect(gradeOf(ratio, 5.3)).toBe('A');
    expect(gradeOf(ratio, 6.5)).toBe('C');
  });

  it('grades by the achievement rate alone, so the legend explains every grade (49.1 % and 50 % are both A)', () => {
    const konbini = { direction: 'higher_better' as const, baseline: 107_087, target: 500_000 };
    const ratio = { direction: 'lower_better' as const, baseline: 5.4, target: 5.2 };
    expect([achievementRate(konbini, 300_170), gradeOf(konbini, 300_170)]).toEqual([49.1, 'A']);
    expect([achievementRate(ratio, 5.3), gradeOf(ratio, 5.3)]).toEqual([50, 'A']);
    // The band is in points of achievement: 10 % → (−10, 10] is B.
    const simple = { direction: 'higher_better' as const, baseline: 0, target: 100 };
    expect([-11, -10, 0, 10, 10.5, 99.9, 100].map((v) => gradeOf(simple, v))).toEqual([
      'C',
      'B',
      'B',
      'B',
      'A',
      'A',
      'S',
    ]);
    expect(gradeOf(simple, 4, { band: 0.03 })).toBe('A');
    expect(gradeLegend({ band: 0.05 }).join('\n')).toContain('A：達成率が5％を超える');
  });

  it('says nothing without a value', () => {
    expect(achievementRate({ direction: 'higher_better', baseline: 1, target: 2 }, null)).toBeNull();
    expect(gradeOf({ direction: 'higher_better', baseline: 1, target: 2 }, null)).toBe('−');
    expect(achievementRate({ direction: 'higher_better', baseline: 2, target: 2 }, 3)).toBeNull();
  });
});
