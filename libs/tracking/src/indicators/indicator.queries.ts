import type { EntityManager } from 'typeorm';
import { execute } from '#libs/platform';
import type { Direction } from './achievement.js';

/**
 * The SQL of indicators (検証指標, KPIs) and their measurements, and the rows it returns, in
 * one place: IndicatorsService calls these and never writes SQL of its own. Column names are
 * PostgreSQL's (snake_case).
 */

/** An indicator's own columns. `numeric` columns come back from pg as strings. */
export interface IndicatorRow {
  id: string;
  plan_id: string;
  code: string;
  name: string;
  unit: string;
  decimals: number;
  direction: Direction;
  baseline_year: number;
  baseline_value: string;
  target_year: number;
  target_value: string;
  grading_band: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface MeasurementRow {
  fiscal_year: number;
  /** numeric: a string. */
  value: string;
  note: string;
}

export async function countIndicators(m: EntityManager, planId: string | undefined): Promise<number> {
  const [{ total }] = await m.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM indicator ${planId ? 'WHERE plan_id = $1' : ''}`,
    planId ? [planId] : [],
  );
  return total;
}

/** One page of indicator ids in code order, of one plan or of all. */
export async function indicatorIdsPage(
  m: EntityManager,
  planId: string | undefined,
  limit: number,
  offset: number,
): Promise<string[]> {
  const rows = planId
    ? await m.query<Array<{ id: string }>>(
        `SELECT id FROM indicator WHERE plan_id = $1 ORDER BY code LIMIT $2 OFFSET $3`,
        [planId, limit, offset],
      )
    : await m.query<Array<{ id: string }>>(`SELECT id FROM indicator ORDER BY code LIMIT $1 OFFSET $2`, [
        limit,
        offset,
      ]);
  return rows.map((r) => r.id);
}

export async function selectIndicator(m: EntityManager, id: string): Promise<IndicatorRow | undefined> {
  const [row] = await m.query<IndicatorRow[]>(`SELECT * FROM indicator WHERE id = $1`, [id]);
  return row;
}

export function selectMeasurements(m: EntityManager, indicatorId: string): Promise<MeasurementRow[]> {
  return m.query<MeasurementRow[]>(
    `SELECT fiscal_year, value, note FROM measurement WHERE indicator_id = $1 ORDER BY fiscal_year`,
    [indicatorId],
  );
}

/** The value recorded for a fiscal year, if any (numeric: a string). */
export async function measuredValue(
  m: EntityManager,
  indicatorId: string,
  fiscalYear: number,
): Promise<string | undefined> {
  const [row] = await m.query<Array<{ value: string }>>(
    `SELECT value FROM measurement WHERE indicator_id = $1 AND fiscal_year = $2`,
    [indicatorId, fiscalYear],
  );
  return row?.value;
}

export async function planExists(m: EntityManager, planId: string): Promise<boolean> {
  return (await m.query<unknown[]>(`SELECT 1 FROM plan WHERE id = $1`, [planId])).length > 0;
}

export async function indicatorCodeTaken(m: EntityManager, planId: string, code: string): Promise<boolean> {
  return (
    (await m.query<unknown[]>(`SELECT 1 FROM indicator WHERE plan_id = $1 AND code = $2`, [planId, code])).length > 0
  );
}

export interface IndicatorDefinition {
  name: string;
  unit: string;
  decimals: number;
  direction: Direction;
  targetYear: number;
  targetValue: number;
  gradingBand: number;
}

export interface NewIndicator extends IndicatorDefinition {
  planId: string;
  code: string;
  baselineYear: number;
  baselineValue: number;
}

export async function insertIndicator(m: EntityManager, i: NewIndicator): Promise<string> {
  const [{ id }] = await m.query<Array<{ id: string }>>(
    `INSERT INTO indicator (plan_id, code, name, unit, decimals, direction, baseline_year, baseline_value, target_year, target_value, grading_band)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
    [
      i.planId,
      i.code,
      i.name,
      i.unit,
      i.decimals,
      i.direction,
      i.baselineYear,
      i.baselineValue,
      i.targetYear,
      i.targetValue,
      i.gradingBand,
    ],
  );
  return id;
}

/** The versioned update; 0 affected rows means someone else changed the indicator first. */
export async function updateIndicator(
  m: EntityManager,
  id: string,
  expectedVersion: number,
  d: IndicatorDefinition,
): Promise<number> {
  const { affected } = await execute(
    m,
    `UPDATE indicator SET name = $3, unit = $4, decimals = $5, direction = $6, target_year = $7, target_value = $8, grading_band = $9,
            version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [id, expectedVersion, d.name, d.unit, d.decimals, d.direction, d.targetYear, d.targetValue, d.gradingBand],
  );
  return affected;
}

/** Records a fiscal year's value, or replaces the one recorded. */
export async function upsertMeasurement(
  m: EntityManager,
  r: { indicatorId: string; fiscalYear: number; value: number; note: string; recordedBy: string | null },
): Promise<void> {
  await m.query(
    `INSERT INTO measurement (indicator_id, fiscal_year, value, note, recorded_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (indicator_id, fiscal_year) DO UPDATE SET value = $3, note = $4, recorded_by = $5, recorded_at = now()`,
    [r.indicatorId, r.fiscalYear, r.value, r.note, r.recordedBy],
  );
}
