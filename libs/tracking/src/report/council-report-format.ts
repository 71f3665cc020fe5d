import type { ReportIndicator, ReportInitiative } from './council-report.js';

/**
 * What the CSV and the workbook share, so that the two renderings of a report cannot drift
 * apart in column order or wording.
 */

/** The initiative columns, after the 年度 and 方針 columns the CSV adds in front. */
export const INITIATIVE_HEADERS = [
  '取組番号',
  '取組名',
  '所管',
  '進捗状況',
  '進捗説明',
  '遅れ・変更の理由',
  '計画効果額（千円）',
  '実績効果額（千円）',
] as const;

export type InitiativeCell = string | number | null;

export function initiativeCells(initiative: ReportInitiative): InitiativeCell[] {
  return [
    initiative.code,
    initiative.title,
    initiative.unitName,
    initiative.statusLabel,
    initiative.narrative,
    initiative.reason,
    finiteOrNull(initiative.plannedAmount, `planned amount of ${initiative.code}`),
    finiteOrNull(initiative.actualAmount, `actual amount of ${initiative.code}`),
  ];
}

export const DIRECTION_JA: Record<ReportIndicator['direction'], string> = {
  higher_better: '高いほど良い',
  lower_better: '低いほど良い',
  ceiling: '上限',
};

/** Written where a figure does not exist yet; the same sign the grade uses. */
export const NO_VALUE = '−';

/**
 * A NaN or Infinity reaching a council document is an upstream bug; an empty cell would hide it
 * and a literal "NaN" would be printed for the council, so refuse to render instead.
 */
export function finiteOrNull(value: number | null, what: string): number | null {
  if (value === null) return null;
  if (!Number.isFinite(value)) throw new RangeError(`${what} is not a finite number: ${value}`);
  return value;
}
