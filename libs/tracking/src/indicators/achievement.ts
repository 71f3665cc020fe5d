export type Direction = 'higher_better' | 'lower_better' | 'ceiling';
export type Grade = 'S' | 'A' | 'B' | 'C' | '−';

export interface IndicatorFacts {
  direction: Direction;
  baseline: number;
  target: number;
}

/**
 * How a measured value is graded: one rule, read off the achievement rate printed beside the
 * grade, so that a reader can check every grade against the legend (GRADE_LEGEND):
 * S — the target is met (rate 100 % or more); A — more than the band of the way towards it;
 * B — within ±band of the baseline (no real movement); C — moved away from the target by more
 * than the band; − — nothing measured. A ceiling (debt ratios) is met at or under it (S); over
 * it, within the band (relative to the ceiling) is B, further is C: there is no "way towards"
 * a limit that one may stay anywhere under.
 */
export interface GradingRule {
  /** The band as a fraction: 0.1 = ±10 percentage points of achievement (ceilings: 10 % over the ceiling). */
  band: number;
}

export const DEFAULT_GRADING: GradingRule = { band: 0.1 };

/**
 * Achievement rate in percent: how far from the baseline towards the target the value
 * moved ((actual − baseline) ÷ (target − baseline), mirrored for lower-is-better). For a
 * ceiling it is 100 while at or under the ceiling, else ceiling ÷ actual. Null when it
 * cannot mean anything (no value; baseline equal to target).
 */
export function achievementRate(i: IndicatorFacts, actual: number | null): number | null {
  if (actual === null || !Number.isFinite(actual)) return null;
  if (i.direction === 'ceiling') {
    if (actual <= i.target) return 100;
    return actual === 0 ? null : round1((i.target / actual) * 100);
  }
  const span = i.direction === 'higher_better' ? i.target - i.baseline : i.baseline - i.target;
  if (span === 0) return null;
  const moved = i.direction === 'higher_better' ? actual - i.baseline : i.baseline - actual;
  return round1((moved / span) * 100);
}

export function gradeOf(i: IndicatorFacts, actual: number | null, rule: GradingRule = DEFAULT_GRADING): Grade {
  if (actual === null || !Number.isFinite(actual)) return '−';
  if (i.direction === 'ceiling') {
    if (actual <= i.target) return 'S';
    const over = (actual - i.target) / Math.abs(i.target || 1);
    return over <= rule.band ? 'B' : 'C';
  }
  const met = i.direction === 'higher_better' ? actual >= i.target : actual <= i.target;
  if (met) return 'S';
  const rate = achievementRate(i, actual);
  if (rate === null) return '−';
  const band = rule.band * 100;
  if (rate > band) return 'A';
  return rate >= -band ? 'B' : 'C';
}

/** The legend printed under the grades, in the words of the rule above. */
export function gradeLegend(rule: GradingRule = DEFAULT_GRADING): string[] {
  const band = `${round1(rule.band * 100)}`;
  return [
    '評価の基準（達成率 ＝ 基準値から目標値までのうち実績が進んだ割合）',
    'S：目標を達成（達成率100％以上）',
    `A：達成率が${band}％を超える（目標に向けて前進）`,
    `B：達成率が−${band}％～${band}％（基準値からほぼ変わらない）`,
    `C：達成率が−${band}％未満（基準値より後退）`,
    `上限型の指標：上限以下ならS、上限超過が上限の${band}％以内ならB、それを超えればC`,
    '−：実績なし、または基準値と目標値が同じで測れない',
  ];
}

const round1 = (n: number) => Math.round(n * 10) / 10;
