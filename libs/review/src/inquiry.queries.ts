import type { EntityManager } from 'typeorm';

/**
 * The SQL of inquiries (全庁照会) and the rows it returns, in one place: InquiriesService
 * calls these and never writes SQL of its own. Column names are PostgreSQL's (snake_case).
 */

export interface UnitRef {
  id: string;
  code: string;
  nameJa: string;
}

/** An inquiry as `INQUIRY_SELECT` reads it. */
export interface InquiryRow {
  id: string;
  plan_id: string;
  title: string;
  description: string;
  due_date: Date;
  /** The due date as `YYYY-MM-DD` (a date has no time zone; `due_date` comes back as a local midnight). */
  due: string;
  state: string;
  workflow_name: string;
  workflow_version: number;
  created_by: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  targets: UnitRef[];
}

/** A target unit's answer to an inquiry. */
export interface InquiryResponseRow {
  id: string;
  code: string;
  name_ja: string;
  kind: string;
  nil_return_at: Date | null;
  nil_return_comment: string | null;
  nil_return_by: string | null;
  /** Proposals of the unit that left it; absent when the query does not count them. */
  proposals?: number;
}

export const INQUIRY_SELECT = `
  SELECT q.*, to_char(q.due_date, 'YYYY-MM-DD') AS due,
         coalesce((SELECT json_agg(json_build_object('id', o.id, 'code', o.code, 'nameJa', o.name_ja) ORDER BY o.kind, o.code)
                     FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id WHERE it.inquiry_id = q.id), '[]') AS targets
    FROM inquiry q`;

/** `where` is a SQL condition over `q` with its placeholders in `values`. */
export async function countInquiries(m: EntityManager, where: string, values: unknown[]): Promise<number> {
  const [{ total }] = await m.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM inquiry q WHERE ${where}`,
    values,
  );
  return total;
}

export function selectInquiries(
  m: EntityManager,
  where: string,
  tail: string,
  values: unknown[],
): Promise<InquiryRow[]> {
  return m.query<InquiryRow[]>(`${INQUIRY_SELECT} WHERE ${where} ${tail}`, values);
}

export async function planExists(m: EntityManager, planId: string): Promise<boolean> {
  const rows = await m.query<unknown[]>(`SELECT 1 FROM plan WHERE id = $1`, [planId]);
  return rows.length > 0;
}

export async function insertInquiry(
  m: EntityManager,
  v: {
    planId: string;
    title: string;
    description: string;
    dueDate: string;
    state: string;
    workflowName: string;
    workflowVersion: number;
    createdBy: string;
  },
): Promise<string> {
  const [{ id }] = await m.query<Array<{ id: string }>>(
    `INSERT INTO inquiry (plan_id, title, description, due_date, state, workflow_name, workflow_version, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
    [v.planId, v.title, v.description, v.dueDate, v.state, v.workflowName, v.workflowVersion, v.createdBy],
  );
  return id;
}

export const UPDATE_INQUIRY_CONTENT = `UPDATE inquiry SET title = $3, description = $4, due_date = $5, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`;

/** Each target unit's answer, limited to the units `scope` (a condition over `o.id`) admits. */
export function selectResponses(
  m: EntityManager,
  inquiryParam: string,
  scope: string,
  values: unknown[],
): Promise<InquiryResponseRow[]> {
  return m.query<InquiryResponseRow[]>(
    `SELECT o.id, o.code, o.name_ja, o.kind, it.nil_return_at, it.nil_return_comment, u.username AS nil_return_by,
            (SELECT count(*)::int FROM proposal p WHERE p.inquiry_id = it.inquiry_id AND p.owning_unit_id = o.id AND p.left_bureau_at IS NOT NULL) AS proposals
       FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id LEFT JOIN app_user u ON u.id = it.nil_return_by
      WHERE it.inquiry_id = ${inquiryParam} AND ${scope}
      ORDER BY o.kind, o.code`,
    values,
  );
}

export async function selectResponse(
  m: EntityManager,
  inquiryId: string,
  unitId: string,
): Promise<InquiryResponseRow | undefined> {
  const [row] = await m.query<InquiryResponseRow[]>(
    `SELECT o.id, o.code, o.name_ja, o.kind, it.nil_return_at, it.nil_return_comment, u.username AS nil_return_by
       FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id LEFT JOIN app_user u ON u.id = it.nil_return_by
      WHERE it.inquiry_id = $1 AND it.org_unit_id = $2`,
    [inquiryId, unitId],
  );
  return row;
}

export async function unitIdByCode(m: EntityManager, code: string): Promise<string | null> {
  const [unit] = await m.query<Array<{ id: string }>>(`SELECT id FROM org_unit WHERE code = $1`, [code]);
  return unit?.id ?? null;
}

/** The target row, locked: two 該当なし of one unit wait for each other. */
export async function lockTarget(
  m: EntityManager,
  inquiryId: string,
  unitId: string,
): Promise<{ nil_return_at: Date | null } | undefined> {
  const [target] = await m.query<Array<{ nil_return_at: Date | null }>>(
    `SELECT nil_return_at FROM inquiry_target WHERE inquiry_id = $1 AND org_unit_id = $2 FOR UPDATE`,
    [inquiryId, unitId],
  );
  return target;
}

export async function proposalsLeftUnit(m: EntityManager, inquiryId: string, unitId: string): Promise<number> {
  const [{ n }] = await m.query<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM proposal WHERE inquiry_id = $1 AND owning_unit_id = $2 AND left_bureau_at IS NOT NULL`,
    [inquiryId, unitId],
  );
  return n;
}

export async function recordNilReturn(
  m: EntityManager,
  inquiryId: string,
  unitId: string,
  by: string,
  comment: string | null,
): Promise<void> {
  await m.query(
    `UPDATE inquiry_target SET nil_return_at = now(), nil_return_by = $3, nil_return_comment = $4 WHERE inquiry_id = $1 AND org_unit_id = $2`,
    [inquiryId, unitId, by, comment],
  );
}

/** The city itself: the root of the organisation tree. */
export async function cityUnitId(m: EntityManager): Promise<string> {
  const [root] = await m.query<Array<{ id: string }>>(`SELECT id FROM org_unit WHERE parent_id IS NULL`);
  return root.id;
}

/** The named units, or all active bureaus and wards when none are named. */
export function targetCandidates(
  m: EntityManager,
  codes: string[] | undefined,
): Promise<Array<{ id: string; code: string }>> {
  return codes
    ? m.query<Array<{ id: string; code: string }>>(`SELECT id, code FROM org_unit WHERE code = ANY($1)`, [codes])
    : m.query<Array<{ id: string; code: string }>>(
        `SELECT id, code FROM org_unit WHERE kind IN ('bureau', 'ward') AND active ORDER BY code`,
      );
}

export async function replaceTargets(m: EntityManager, inquiryId: string, unitIds: string[]): Promise<void> {
  await m.query(`DELETE FROM inquiry_target WHERE inquiry_id = $1`, [inquiryId]);
  await m.query(`INSERT INTO inquiry_target (inquiry_id, org_unit_id) SELECT $1, unnest($2::uuid[])`, [
    inquiryId,
    unitIds,
  ]);
}
