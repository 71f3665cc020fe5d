import type { EntityManager } from 'typeorm';
import { SqlParams, type Principal } from '#libs/identity';
import type { MeetingKind } from './dto/review.dto.js';
import { visibleProposalsSql } from './proposal-visibility.js';

/**
 * The SQL of meetings (推進委員会, 推進本部, 市議会) and their agendas, and the rows it returns, in
 * one place: MeetingsService calls these and never writes SQL of its own. Column names are
 * PostgreSQL's (snake_case). Agenda reads see only the proposals the caller may see.
 */

export interface MeetingRow {
  id: string;
  plan_id: string;
  kind: MeetingKind;
  title: string;
  /** `YYYY-MM-DD` (a date has no time zone). */
  held_on: string;
}

export interface AgendaItemRow {
  position: number;
  id: string;
  title: string;
  state: string;
}

/** A proposal as far as putting it on an agenda needs it. */
export interface AgendaCandidateRow {
  id: string;
  state: string;
  plan_id: string;
  workflow_name: string;
  workflow_version: number;
}

function meetingFilter(planId: string | undefined, kind: MeetingKind | undefined, params: unknown[]): string {
  const where: string[] = [];
  if (planId) where.push(`plan_id = $${params.push(planId)}`);
  if (kind) where.push(`kind = $${params.push(kind)}`);
  return where.length ? `WHERE ${where.join(' AND ')}` : '';
}

export async function countMeetings(
  m: EntityManager,
  planId: string | undefined,
  kind: MeetingKind | undefined,
): Promise<number> {
  const params: unknown[] = [];
  const [{ total }] = await m.query<Array<{ total: number }>>(
    `SELECT count(*)::int AS total FROM meeting ${meetingFilter(planId, kind, params)}`,
    params,
  );
  return total;
}

/** One page of meeting ids, latest first. */
export async function meetingIdsPage(
  m: EntityManager,
  planId: string | undefined,
  kind: MeetingKind | undefined,
  limit: number,
  offset: number,
): Promise<string[]> {
  const params: unknown[] = [];
  const filter = meetingFilter(planId, kind, params);
  const rows = await m.query<Array<{ id: string }>>(
    `SELECT id FROM meeting ${filter} ORDER BY held_on DESC, created_at DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
    [...params, limit, offset],
  );
  return rows.map((r) => r.id);
}

export async function selectMeeting(m: EntityManager, id: string): Promise<MeetingRow | undefined> {
  const [row] = await m.query<MeetingRow[]>(
    `SELECT id, plan_id, kind, title, to_char(held_on, 'YYYY-MM-DD') AS held_on FROM meeting WHERE id = $1`,
    [id],
  );
  return row;
}

/** The meeting, locked until the transaction ends (agenda changes are serialised per meeting). */
export async function lockMeeting(
  m: EntityManager,
  id: string,
): Promise<Pick<MeetingRow, 'id' | 'plan_id' | 'kind'> | undefined> {
  const [row] = await m.query<Array<Pick<MeetingRow, 'id' | 'plan_id' | 'kind'>>>(
    `SELECT id, plan_id, kind FROM meeting WHERE id = $1 FOR UPDATE`,
    [id],
  );
  return row;
}

/** The agenda in order, as far as the caller may see its proposals. */
export function selectAgenda(m: EntityManager, principal: Principal, meetingId: string): Promise<AgendaItemRow[]> {
  const params = new SqlParams();
  const meetingParam = params.add(meetingId);
  return m.query<AgendaItemRow[]>(
    `SELECT a.position, p.id, p.title, p.state FROM meeting_agenda_item a JOIN proposal p ON p.id = a.proposal_id
      WHERE a.meeting_id = ${meetingParam} AND ${visibleProposalsSql(principal, 'p', params)} ORDER BY a.position`,
    params.values,
  );
}

/** Those of the proposals the caller may see. */
export function selectAgendaCandidates(
  m: EntityManager,
  principal: Principal,
  proposalIds: string[],
): Promise<AgendaCandidateRow[]> {
  const params = new SqlParams();
  const ids = params.add(proposalIds);
  return m.query<AgendaCandidateRow[]>(
    `SELECT p.id, p.state, p.plan_id, p.workflow_name, p.workflow_version FROM proposal p WHERE p.id = ANY(${ids}::uuid[]) AND ${visibleProposalsSql(principal, 'p', params)}`,
    params.values,
  );
}

export async function planExists(m: EntityManager, planId: string): Promise<boolean> {
  return (await m.query<unknown[]>(`SELECT 1 FROM plan WHERE id = $1`, [planId])).length > 0;
}

export async function insertMeeting(
  m: EntityManager,
  r: { planId: string; kind: MeetingKind; title: string; heldOn: string; createdBy: string },
): Promise<string> {
  const [{ id }] = await m.query<Array<{ id: string }>>(
    `INSERT INTO meeting (plan_id, kind, title, held_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [r.planId, r.kind, r.title, r.heldOn, r.createdBy],
  );
  return id;
}

/** The last position on the agenda (0 when it is empty). */
export async function lastAgendaPosition(m: EntityManager, meetingId: string): Promise<number> {
  const [{ last }] = await m.query<Array<{ last: number | string }>>(
    `SELECT coalesce(max(position), 0) AS last FROM meeting_agenda_item WHERE meeting_id = $1`,
    [meetingId],
  );
  return Number(last);
}

/** Puts a proposal on the agenda at `position`; false when it is on it already. */
export async function insertAgendaItem(
  m: EntityManager,
  meetingId: string,
  proposalId: string,
  position: number,
): Promise<boolean> {
  const rows = await m.query<unknown[]>(
    `INSERT INTO meeting_agenda_item (meeting_id, proposal_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`,
    [meetingId, proposalId, position],
  );
  return rows.length > 0;
}

export async function bumpMeetingVersion(m: EntityManager, id: string): Promise<void> {
  await m.query(`UPDATE meeting SET version = version + 1 WHERE id = $1`, [id]);
}
