import type { EntityManager } from 'typeorm';
import { execute } from '#libs/platform';

/**
 * The SQL of progress reports (進捗報告) and the rows it returns, in one place:
 * ProgressReportsService calls these and never writes SQL of its own. Column names are
 * PostgreSQL's (snake_case).
 */

export type ReportPeriod = 'annual' | 'midyear';

/** A progress report's own columns. */
export interface ProgressReportRow {
  id: string;
  initiative_id: string;
  plan_id: string;
  fiscal_year: number;
  period: ReportPeriod;
  status_code: string;
  narrative: string;
  reason: string;
  /** bigint: pg answers it as a string. */
  planned_amount: string | number | null;
  actual_amount: string | number | null;
  state: string;
  workflow_name: string;
  workflow_version: number;
  submitted_at: Date | null;
  confirmed_at: Date | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** A report with its initiative's owning unit, as the service reads it for a check or a transition. */
export interface ProgressReportWithUnitRow extends ProgressReportRow {
  owning_unit_id: string;
}

/** What a report is drafted against: its initiative and the plan period it must lie in. */
export interface ReportedInitiativeRow {
  id: string;
  plan_id: string;
  owning_unit_id: string;
  first_fiscal_year: number;
  last_fiscal_year: number;
}

export async function selectReportedInitiative(
  m: EntityManager,
  initiativeId: string,
): Promise<ReportedInitiativeRow | undefined> {
  const [row] = await m.query<ReportedInitiativeRow[]>(
    `SELECT i.id, i.plan_id, i.owning_unit_id, pl.first_fiscal_year, pl.last_fiscal_year FROM initiative i JOIN plan pl ON pl.id = i.plan_id WHERE i.id = $1`,
    [initiativeId],
  );
  return row;
}

/** An initiative's reports in year order; `confirmedOnly` leaves out drafts and submitted ones. */
export function selectReportsOf(
  m: EntityManager,
  initiativeId: string,
  confirmedOnly: boolean,
): Promise<ProgressReportRow[]> {
  return m.query<ProgressReportRow[]>(
    `SELECT * FROM progress_report WHERE initiative_id = $1 ${confirmedOnly ? `AND confirmed_at IS NOT NULL` : ''} ORDER BY fiscal_year, period`,
    [initiativeId],
  );
}

export async function selectReport(m: EntityManager, id: string): Promise<ProgressReportWithUnitRow | undefined> {
  const [row] = await m.query<ProgressReportWithUnitRow[]>(
    `SELECT pr.*, i.owning_unit_id FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id WHERE pr.id = $1`,
    [id],
  );
  return row;
}

export async function reportExists(
  m: EntityManager,
  initiativeId: string,
  fiscalYear: number,
  period: ReportPeriod,
): Promise<boolean> {
  const rows = await m.query<unknown[]>(
    `SELECT 1 FROM progress_report WHERE initiative_id = $1 AND fiscal_year = $2 AND period = $3`,
    [initiativeId, fiscalYear, period],
  );
  return rows.length > 0;
}

export interface NewProgressReport {
  initiativeId: string;
  planId: string;
  fiscalYear: number;
  period: ReportPeriod;
  statusCode: string;
  narrative: string;
  reason: string;
  plannedAmount: number | null;
  actualAmount: number | null;
  state: string;
  workflowName: string;
  workflowVersion: number;
  createdBy: string;
}

export async function insertReport(m: EntityManager, r: NewProgressReport): Promise<string> {
  const [{ id }] = await m.query<Array<{ id: string }>>(
    `INSERT INTO progress_report (initiative_id, plan_id, fiscal_year, period, status_code, narrative, reason, planned_amount, actual_amount, state, workflow_name, workflow_version, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id`,
    [
      r.initiativeId,
      r.planId,
      r.fiscalYear,
      r.period,
      r.statusCode,
      r.narrative,
      r.reason,
      r.plannedAmount,
      r.actualAmount,
      r.state,
      r.workflowName,
      r.workflowVersion,
      r.createdBy,
    ],
  );
  return id;
}

export interface ProgressReportContent {
  statusCode: string;
  narrative: string;
  reason: string;
  plannedAmount: string | number | null;
  actualAmount: string | number | null;
}

/** The versioned content update; 0 affected rows means someone else changed the report first. */
export async function updateReportContent(
  m: EntityManager,
  id: string,
  expectedVersion: number,
  c: ProgressReportContent,
): Promise<number> {
  const { affected } = await execute(
    m,
    `UPDATE progress_report SET status_code = $3, narrative = $4, reason = $5, planned_amount = $6, actual_amount = $7, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [id, expectedVersion, c.statusCode, c.narrative, c.reason, c.plannedAmount, c.actualAmount],
  );
  return affected;
}
