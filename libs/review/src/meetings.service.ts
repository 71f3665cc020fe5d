import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { SqlParams, type Principal } from '#libs/identity';
import { AuditLog, DomainError, NotFoundError, pageOf, ValidationFailedError, type Page } from '#libs/platform';
import type { AgendaDto, CreateMeetingDto, MeetingKind, MeetingQuery } from './dto/review.dto.js';
import { DeadlinesService } from '#libs/scheduling';
import { visibleProposalsSql } from './proposal-visibility.js';
import { ProposalsService } from './proposals.service.js';

export const MEETING_LABELS: Record<MeetingKind, string> = { committee: '市役所改革推進委員会', hq: '改革プロジェクト推進本部', council: '市議会' };

export interface MeetingView {
  id: string;
  planId: string;
  kind: MeetingKind;
  kindLabel: string;
  title: string;
  heldOn: string;
  /** The agenda, as far as the caller may see its proposals. */
  agenda: Array<{ position: number; proposalId: string; title: string; state: string }>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any;

/** Committee (推進委員会), HQ (推進本部) and council (市議会) meetings with their agendas. */
@Injectable()
export class MeetingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
    private readonly deadlines: DeadlinesService,
    private readonly proposals: ProposalsService,
  ) {}

  async list(principal: Principal, query: MeetingQuery): Promise<Page<MeetingView>> {
    const params: unknown[] = [];
    const where: string[] = [];
    if (query.planId) where.push(`plan_id = $${params.push(query.planId)}`);
    if (query.kind) where.push(`kind = $${params.push(query.kind)}`);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM meeting ${filter}`, params);
    const rows: Row[] = await this.dataSource.query(
      `SELECT id FROM meeting ${filter} ORDER BY held_on DESC, created_at DESC LIMIT $${params.length + 1} OFFSET $${params.length + 2}`,
      [...params, query.pageSize, query.offset],
    );
    return pageOf(await Promise.all(rows.map((r) => this.get(principal, r.id))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<MeetingView> {
    const [m]: Row[] = await manager.query(`SELECT id, plan_id, kind, title, to_char(held_on, 'YYYY-MM-DD') AS held_on FROM meeting WHERE id = $1`, [id]);
    if (!m) throw new NotFoundError('The meeting');
    const params = new SqlParams();
    const meetingParam = params.add(id);
    const agenda: Row[] = await manager.query(
      `SELECT a.position, p.id, p.title, p.state FROM meeting_agenda_item a JOIN proposal p ON p.id = a.proposal_id
        WHERE a.meeting_id = ${meetingParam} AND ${visibleProposalsSql(principal, 'p', params)} ORDER BY a.position`,
      params.values,
    );
    return {
      id: m.id,
      planId: m.plan_id,
      kind: m.kind,
      kindLabel: MEETING_LABELS[m.kind as MeetingKind],
      title: m.title,
      heldOn: m.held_on,
      agenda: agenda.map((a) => ({ position: a.position, proposalId: a.id, title: a.title, state: a.state })),
    };
  }

  async create(m: EntityManager, principal: Principal, dto: CreateMeetingDto): Promise<MeetingView> {
    if ((await m.query(`SELECT 1 FROM plan WHERE id = $1`, [dto.planId])).length === 0) {
      throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    }
    const [{ id }] = await m.query(`INSERT INTO meeting (plan_id, kind, title, held_on, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id`, [
      dto.planId,
      dto.kind,
      dto.title,
      dto.heldOn,
      principal.id,
    ]);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'meeting',
      entityId: id,
      action: 'create',
      details: { kind: dto.kind, heldOn: dto.heldOn, title: dto.title },
    });
    await this.deadlines.syncMeeting(m, id);
    return this.get(principal, id, m);
  }

  /** Puts proposals on the agenda; each must be at the stage this kind of meeting decides. */
  async addToAgenda(m: EntityManager, principal: Principal, id: string, dto: AgendaDto): Promise<MeetingView> {
    const [meeting]: Row[] = await m.query(`SELECT id, plan_id, kind FROM meeting WHERE id = $1 FOR UPDATE`, [id]);
    if (!meeting) throw new NotFoundError('The meeting');
    const kind = meeting.kind as MeetingKind;
    const params = new SqlParams();
    const ids = params.add(dto.proposalIds);
    const found: Row[] = await m.query(
      `SELECT p.id, p.state, p.plan_id, p.workflow_name, p.workflow_version FROM proposal p WHERE p.id = ANY(${ids}::uuid[]) AND ${visibleProposalsSql(principal, 'p', params)}`,
      params.values,
    );
    // The stage each kind of meeting takes is what the proposal's workflow tags `<kind>_agenda`.
    const stages = new Map(await Promise.all(found.map(async (p) => [p.id as string, await this.proposals.awaitsMeeting(p, kind)] as const)));
    const errors = dto.proposalIds.flatMap((pid, i) => {
      const p = found.find((f) => f.id === pid);
      if (!p) return [{ field: `proposalIds[${i}]`, message: 'names no proposal you can see' }];
      if (p.plan_id !== meeting.plan_id) return [{ field: `proposalIds[${i}]`, message: 'belongs to another plan' }];
      const stage = stages.get(pid)!;
      if (!stage.awaits) return [{ field: `proposalIds[${i}]`, message: `is ${p.state}; a ${kind} meeting takes proposals in ${stage.states.join(', ') || 'no state of its workflow'}` }];
      return [];
    });
    if (errors.length > 0) throw new DomainError('TRANSITION_NOT_ALLOWED', 'Some proposals cannot go on this agenda', errors);
    const [{ last }] = await m.query(`SELECT coalesce(max(position), 0) AS last FROM meeting_agenda_item WHERE meeting_id = $1`, [id]);
    let position = Number(last);
    const added: string[] = [];
    for (const pid of dto.proposalIds) {
      const rows = await m.query(`INSERT INTO meeting_agenda_item (meeting_id, proposal_id, position) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING 1`, [
        id,
        pid,
        position + 1,
      ]);
      if (rows.length > 0) {
        position++;
        added.push(pid);
      }
    }
    if (added.length > 0) {
      await m.query(`UPDATE meeting SET version = version + 1 WHERE id = $1`, [id]);
      await this.audit.append(m, {
        actorUserId: principal.id,
        actorUsername: principal.user.username,
        entityType: 'meeting',
        entityId: id,
        action: 'add_to_agenda',
        details: { proposalIds: added },
      });
      await this.deadlines.syncMeeting(m, id);
    }
    return this.get(principal, id, m);
  }
}
