export type Direction = 'higher_better' | 'lower_better' | 'ceiling';
export type Grade = 'S' | 'A' | 'B' | 'C' | '−';

export interface IndicatorFacts {
  direction: Direction;
  baseline: number;
  target: number;
}

/**
 * How a measured value is graded. Default (Nagayo's public scale): S — the target is met;
 * A — better than the baseline by more than the band; B — within ±band of the baseline;
 * C — worse than that; − — nothing measured. For a ceiling (debt ratios), staying at or
 * under the ceiling is S; over it, A/B/C by how far over.
 */
export interface GradingRule {
  /** Relative band around the baseline that counts as "no real change" (0.1 = ±10 %). */
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
  const better = i.direction === 'higher_better' ? actual >= i.target : actual <= i.target;
  if (better) return 'S';
  const change = (actual - i.baseline) / Math.abs(i.baseline || 1);
  const improvement = i.direction === 'higher_better' ? change : -change;
  if (Math.abs(change) <= rule.band) return 'B';
  return improvement > 0 ? 'A' : 'C';
}

const round1 = (n: number) => Math.round(n * 10) / 10;
