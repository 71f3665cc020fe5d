import type { EntityManager } from 'typeorm';
import { execute, prepared } from '#libs/platform';
import type { UnitRef } from './inquiry.queries.js';

/**
 * The SQL of proposals (取組提案) and the rows it returns, in one place: ProposalsService
 * calls these and never writes SQL of its own. Column names are PostgreSQL's (snake_case).
 */

export interface ScheduleStep {
  fiscalYear: number;
  step: string;
}

/** A proposal as `PROPOSAL_SELECT` reads it: its own columns and what the view shows beside them. */
export interface ProposalRow {
  id: string;
  inquiry_id: string;
  plan_id: string;
  owning_unit_id: string;
  title: string;
  summary: string;
  policy_id: string | null;
  theme_id: string | null;
  expected_effect: string;
  /** bigint: pg answers it as a string. */
  expected_amount: string | number | null;
  schedule: ScheduleStep[];
  related_indicators: string[];
  state: string;
  workflow_name: string;
  workflow_version: number;
  revision: number;
  first_submitted_at: Date | null;
  left_bureau_at: Date | null;
  merged_into_id: string | null;
  created_by: string | null;
  version: number;
  created_at: Date;
  updated_at: Date;
  unit_code: string;
  unit_name_ja: string;
  inquiry_state: string;
  inquiry_workflow_name: string;
  inquiry_workflow_version: number;
  policy_number: number | null;
  policy_title: string | null;
  theme_number: number | null;
  theme_title: string | null;
  initiative_id: string | null;
  collaborators: UnitRef[];
}

export interface ProposalRevisionRow {
  revision: number;
  content: unknown;
  changed_fields: string[];
  reason: string | null;
  created_at: Date;
  author: string | null;
}

/** What an inquiry must be for a proposal to be drafted in answer to it. */
export interface ProposalInquiryRow {
  id: string;
  plan_id: string;
  state: string;
  workflow_name: string;
  workflow_version: number;
}

export interface MeetingRef {
  id: string;
  kind: string;
}

export const PROPOSAL_SELECT = `
  SELECT p.*, ou.code AS unit_code, ou.name_ja AS unit_name_ja,
         q.state AS inquiry_state, q.workflow_name AS inquiry_workflow_name, q.workflow_version AS inquiry_workflow_version,
         pp.number AS policy_number, pp.title AS policy_title, t.number AS theme_number, t.title AS theme_title,
         (SELECT i.id FROM initiative i WHERE i.proposal_id = p.id) AS initiative_id,
         coalesce((SELECT json_agg(json_build_object('id', c.id, 'code', c.code, 'nameJa', c.name_ja) ORDER BY c.code)
                     FROM proposal_collaborator pc JOIN org_unit c ON c.id = pc.org_unit_id WHERE pc.proposal_id = p.id), '[]') AS collaborators
    FROM proposal p
    JOIN org_unit ou ON ou.id = p.owning_unit_id
    JOIN inquiry q ON q.id = p.inquiry_id
    LEFT JOIN plan_policy pp ON pp.id = p.policy_id
    LEFT JOIN plan_theme t ON t.id = p.theme_id`;

/** `where` is a SQL condition over `p` (and `ou`) with its placeholders in `values`. */
export async function countProposals(m: EntityManager, where: string, values: unknown[]): Promise<number> {
  const [{ total }] = await m.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM proposal p JOIN org_unit ou ON ou.id = p.owning_unit_id WHERE ${where}`,
    values,
  );
  return total;
}

export function selectProposals(
  m: EntityManager,
  where: string,
  tail: string,
  values: unknown[],
): Promise<ProposalRow[]> {
  return m.query<ProposalRow[]>(`${PROPOSAL_SELECT} WHERE ${where} ${tail}`, values);
}

/** One proposal on the request path: a prepared statement (planned once per connection). */
export async function selectProposalPrepared(
  m: EntityManager,
  where: string,
  values: unknown[],
): Promise<ProposalRow | undefined> {
  const { rows } = await prepared<ProposalRow>(m, `${PROPOSAL_SELECT} WHERE ${where}`, values);
  return rows[0];
}

export async function selectProposal(m: EntityManager, id: string): Promise<ProposalRow | undefined> {
  const [row] = await m.query<ProposalRow[]>(`${PROPOSAL_SELECT} WHERE p.id = $1`, [id]);
  return row;
}

export function selectRevisions(m: EntityManager, proposalId: string): Promise<ProposalRevisionRow[]> {
  return m.query<ProposalRevisionRow[]>(
    `SELECT r.revision, r.content, r.changed_fields, r.reason, r.created_at, u.username AS author
       FROM proposal_revision r LEFT JOIN app_user u ON u.id = r.author_id WHERE r.proposal_id = $1 ORDER BY r.revision`,
    [proposalId],
  );
}

export async function selectInquiryForProposal(
  m: EntityManager,
  inquiryId: string,
): Promise<ProposalInquiryRow | undefined> {
  const [row] = await m.query<ProposalInquiryRow[]>(
    `SELECT id, plan_id, state, workflow_name, workflow_version FROM inquiry WHERE id = $1`,
    [inquiryId],
  );
  return row;
}

export async function isInquiryTarget(m: EntityManager, inquiryId: string, unitId: string): Promise<boolean> {
  const rows = await m.query<unknown[]>(`SELECT 1 FROM inquiry_target WHERE inquiry_id = $1 AND org_unit_id = $2`, [
    inquiryId,
    unitId,
  ]);
  return rows.length > 0;
}

/** The workflow a plan's proposals start under. */
export async function proposalWorkflowOf(m: EntityManager, planId: string): Promise<string> {
  const [{ proposal_workflow }] = await m.query<Array<{ proposal_workflow: string }>>(
    `SELECT proposal_workflow FROM plan WHERE id = $1`,
    [planId],
  );
  return proposal_workflow;
}

export interface NewProposal {
  inquiryId: string;
  planId: string;
  owningUnitId: string;
  title: string;
  summary: string;
  policyId: string | null;
  themeId: string | null;
  expectedEffect: string;
  expectedAmount: number | null;
  schedule: ScheduleStep[];
  relatedIndicators: string[];
  state: string;
  workflowName: string;
  workflowVersion: number;
  createdBy: string;
}

export async function insertProposal(m: EntityManager, p: NewProposal): Promise<string> {
  const [{ id }] = await m.query<Array<{ id: string }>>(
    `INSERT INTO proposal (inquiry_id, plan_id, owning_unit_id, title, summary, policy_id, theme_id, expected_effect, expected_amount,
                           schedule, related_indicators, state, workflow_name, workflow_version, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15) RETURNING id`,
    [
      p.inquiryId,
      p.planId,
      p.owningUnitId,
      p.title,
      p.summary,
      p.policyId,
      p.themeId,
      p.expectedEffect,
      p.expectedAmount,
      JSON.stringify(p.schedule),
      JSON.stringify(p.relatedIndicators),
      p.state,
      p.workflowName,
      p.workflowVersion,
      p.createdBy,
    ],
  );
  return id;
}

export interface ProposalContent {
  title: string;
  summary: string;
  policyId: string | null;
  themeId: string | null;
  expectedEffect: string;
  expectedAmount: string | number | null;
  schedule: ScheduleStep[];
  relatedIndicators: string[];
}

/** The versioned content update; 0 affected rows means someone else changed the proposal first. */
export async function updateProposalContent(
  m: EntityManager,
  id: string,
  expectedVersion: number,
  c: ProposalContent,
): Promise<number> {
  const { affected } = await execute(
    m,
    `UPDATE proposal SET title = $3, summary = $4, policy_id = $5, theme_id = $6, expected_effect = $7, expected_amount = $8,
            schedule = $9::jsonb, related_indicators = $10::jsonb, version = version + 1, updated_at = now()
      WHERE id = $1 AND version = $2`,
    [
      id,
      expectedVersion,
      c.title,
      c.summary,
      c.policyId,
      c.themeId,
      c.expectedEffect,
      c.expectedAmount,
      JSON.stringify(c.schedule),
      JSON.stringify(c.relatedIndicators),
    ],
  );
  return affected;
}

export async function insertRevision(
  m: EntityManager,
  r: {
    proposalId: string;
    revision: number;
    content: unknown;
    changedFields: string[];
    reason: string | null;
    authorId: string;
  },
): Promise<void> {
  await m.query(
    `INSERT INTO proposal_revision (proposal_id, revision, content, changed_fields, reason, author_id) VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
    [r.proposalId, r.revision, JSON.stringify(r.content), r.changedFields, r.reason, r.authorId],
  );
  await m.query(`UPDATE proposal SET revision = $2 WHERE id = $1`, [r.proposalId, r.revision]);
}

export async function markFirstSubmission(m: EntityManager, id: string): Promise<void> {
  await prepared(m, `UPDATE proposal SET first_submitted_at = coalesce(first_submitted_at, now()) WHERE id = $1`, [id]);
}

export async function markMergedInto(m: EntityManager, id: string, targetId: string): Promise<void> {
  await prepared(m, `UPDATE proposal SET merged_into_id = $2 WHERE id = $1`, [id, targetId]);
}

export async function replaceCollaborators(m: EntityManager, proposalId: string, unitIds: string[]): Promise<void> {
  await m.query(`DELETE FROM proposal_collaborator WHERE proposal_id = $1`, [proposalId]);
  if (unitIds.length > 0) {
    await m.query(`INSERT INTO proposal_collaborator (proposal_id, org_unit_id) SELECT $1, unnest($2::uuid[])`, [
      proposalId,
      unitIds,
    ]);
  }
}

export async function meetingOfPlan(
  m: EntityManager,
  meetingId: string,
  planId: string,
): Promise<MeetingRef | undefined> {
  const [meeting] = await m.query<MeetingRef[]>(`SELECT id, kind FROM meeting WHERE id = $1 AND plan_id = $2`, [
    meetingId,
    planId,
  ]);
  return meeting;
}

/** The latest meeting of a kind that has the proposal on its agenda. */
export async function latestAgendaMeeting(
  m: EntityManager,
  proposalId: string,
  kind: string,
): Promise<MeetingRef | undefined> {
  const [meeting] = await m.query<MeetingRef[]>(
    `SELECT mt.id, mt.kind FROM meeting mt JOIN meeting_agenda_item a ON a.meeting_id = mt.id
      WHERE a.proposal_id = $1 AND mt.kind = $2 ORDER BY mt.held_on DESC, mt.created_at DESC LIMIT 1`,
    [proposalId, kind],
  );
  return meeting;
}

export async function unitIdByCode(m: EntityManager, code: string): Promise<string | null> {
  const [unit] = await m.query<Array<{ id: string }>>(`SELECT id FROM org_unit WHERE code = $1`, [code]);
  return unit?.id ?? null;
}

export function unitsByCode(m: EntityManager, codes: string[]): Promise<Array<{ id: string; code: string }>> {
  return m.query<Array<{ id: string; code: string }>>(`SELECT id, code FROM org_unit WHERE code = ANY($1)`, [codes]);
}

export async function policyIdOf(m: EntityManager, planId: string, number: number): Promise<string | null> {
  const [policy] = await m.query<Array<{ id: string }>>(
    `SELECT id FROM plan_policy WHERE plan_id = $1 AND number = $2`,
    [planId, number],
  );
  return policy?.id ?? null;
}

export async function themeIdOf(m: EntityManager, policyId: string, number: number): Promise<string | null> {
  const [theme] = await m.query<Array<{ id: string }>>(
    `SELECT id FROM plan_theme WHERE policy_id = $1 AND number = $2`,
    [policyId, number],
  );
  return theme?.id ?? null;
}

export async function planPeriod(m: EntityManager, planId: string): Promise<{ first: number; last: number }> {
  const [plan] = await m.query<Array<{ first: number; last: number }>>(
    `SELECT first_fiscal_year AS first, last_fiscal_year AS last FROM plan WHERE id = $1`,
    [planId],
  );
  return plan;
}
