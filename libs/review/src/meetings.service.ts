import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '#libs/identity';
import { AuditLog, DomainError, NotFoundError, pageOf, ValidationFailedError, type Page } from '#libs/platform';
import type { AgendaDto, CreateMeetingDto, MeetingKind, MeetingQuery } from './dto/review.dto.js';
import { DeadlinesService } from '#libs/scheduling';
import {
  bumpMeetingVersion,
  countMeetings,
  insertAgendaItem,
  insertMeeting,
  lastAgendaPosition,
  lockMeeting,
  meetingIdsPage,
  planExists,
  selectAgenda,
  selectAgendaCandidates,
  selectMeeting,
} from './meeting.queries.js';
import { ProposalsService } from './proposals.service.js';

export const MEETING_LABELS: Record<MeetingKind, string> = {
  committee: '市役所改革推進委員会',
  hq: '改革プロジェクト推進本部',
  council: '市議会',
};

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
    const m = this.dataSource.manager;
    const total = await countMeetings(m, query.planId, query.kind);
    const ids = await meetingIdsPage(m, query.planId, query.kind, query.pageSize, query.offset);
    return pageOf(await Promise.all(ids.map((id) => this.get(principal, id))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<MeetingView> {
    const m = await selectMeeting(manager, id);
    if (!m) throw new NotFoundError('The meeting');
    const agenda = await selectAgenda(manager, principal, id);
    return {
      id: m.id,
      planId: m.plan_id,
      kind: m.kind,
      kindLabel: MEETING_LABELS[m.kind],
      title: m.title,
      heldOn: m.held_on,
      agenda: agenda.map((a) => ({ position: a.position, proposalId: a.id, title: a.title, state: a.state })),
    };
  }

  async create(m: EntityManager, principal: Principal, dto: CreateMeetingDto): Promise<MeetingView> {
    if (!(await planExists(m, dto.planId))) {
      throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    }
    const id = await insertMeeting(m, {
      planId: dto.planId,
      kind: dto.kind,
      title: dto.title,
      heldOn: dto.heldOn,
      createdBy: principal.id,
    });
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
    const meeting = await lockMeeting(m, id);
    if (!meeting) throw new NotFoundError('The meeting');
    const kind = meeting.kind;
    const found = await selectAgendaCandidates(m, principal, dto.proposalIds);
    // The stage each kind of meeting takes is what the proposal's workflow tags `<kind>_agenda`.
    const stages = new Map(
      await Promise.all(found.map(async (p) => [p.id, await this.proposals.awaitsMeeting(p, kind)] as const)),
    );
    const errors = dto.proposalIds.flatMap((pid, i) => {
      const p = found.find((f) => f.id === pid);
      if (!p) return [{ field: `proposalIds[${i}]`, message: 'names no proposal you can see' }];
      if (p.plan_id !== meeting.plan_id) return [{ field: `proposalIds[${i}]`, message: 'belongs to another plan' }];
      const stage = stages.get(pid)!;
      if (!stage.awaits)
        return [
          {
            field: `proposalIds[${i}]`,
            message: `is ${p.state}; a ${kind} meeting takes proposals in ${stage.states.join(', ') || 'no state of its workflow'}`,
          },
        ];
      return [];
    });
    if (errors.length > 0)
      throw new DomainError('TRANSITION_NOT_ALLOWED', 'Some proposals cannot go on this agenda', errors);
    let position = await lastAgendaPosition(m, id);
    const added: string[] = [];
    for (const pid of dto.proposalIds) {
      if (await insertAgendaItem(m, id, pid, position + 1)) {
        position++;
        added.push(pid);
      }
    }
    if (added.length > 0) {
      await bumpMeetingVersion(m, id);
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
