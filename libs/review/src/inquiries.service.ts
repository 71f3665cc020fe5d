import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInTokyo } from '#libs/calendar';
import { scopeIncludes, scopeSql, SqlParams, type Principal } from '#libs/identity';
import {
  AuditLog,
  DomainError,
  execute,
  FINAL_STATES,
  NotFoundError,
  pageOf,
  stateTaggedSql,
  TransitionPipeline,
  ValidationFailedError,
  VersionConflictError,
  WorkflowRegistry,
  type Page,
  type WorkflowSubjectSpec,
} from '#libs/platform';
import { DeadlinesService } from '#libs/scheduling';
import type { Guard, Label, WorkflowEngine } from '#libs/workflow';
import type {
  CreateInquiryDto,
  InquiryQuery,
  InquiryTransitionDto,
  NilReturnDto,
  UpdateInquiryDto,
} from './dto/review.dto.js';
import {
  cityUnitId,
  countInquiries,
  insertInquiry,
  lockTarget,
  planExists,
  proposalsLeftUnit,
  recordNilReturn,
  replaceTargets,
  selectInquiries,
  selectResponse,
  selectResponses,
  targetCandidates,
  unitIdByCode,
  UPDATE_INQUIRY_CONTENT,
  type InquiryRow,
} from './inquiry.queries.js';
import { transitionActor } from './proposal-visibility.js';

interface InquiryGuardContext {
  dueDate: string;
}

const INQUIRY_GUARD_IMPLEMENTATIONS: Record<string, Guard<InquiryGuardContext>> = {
  dueDateInFuture: (c) =>
    c.dueDate > todayInTokyo()
      ? null
      : `The due date ${c.dueDate} has passed or is today; set a later one before opening`,
};

export type ResponseStatus = 'pending' | 'responded' | 'nil_return';

export interface InquiryView {
  id: string;
  planId: string;
  title: string;
  description: string;
  dueDate: string;
  state: string;
  stateLabel: Label | null;
  workflow: { name: string; version: number };
  targetUnits: Array<{ id: string; code: string; nameJa: string }>;
  openedAt: string | null;
  closedAt: string | null;
  version: number;
}

export interface InquiryResponseView {
  orgUnit: { id: string; code: string; nameJa: string; kind: string };
  status: ResponseStatus;
  /** Proposals of the unit that left it (bureau approval done). */
  proposals: number;
  nilReturn: { at: string; by: string | null; comment: string | null } | null;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Inquiries (全庁照会): the secretariat asks every bureau and ward (or the ones it names)
 * for proposals by a due date; each target unit answers with proposals or 該当なし.
 */
@Injectable()
export class InquiriesService {
  private readonly spec: WorkflowSubjectSpec<InquiryGuardContext, InquiryRow> = {
    subject: 'inquiry',
    table: 'inquiry',
    entityType: 'inquiry',
    guards: INQUIRY_GUARD_IMPLEMENTATIONS,
    stamps: [
      { column: 'opened_at', tag: 'accepting_proposals', keep: 'first' },
      { column: 'closed_at', tag: FINAL_STATES, keep: 'latest' },
    ],
    hooks: {
      // Opening sets every target unit's reply deadline; closing or cancelling ends them.
      syncReplyDeadlines: (h) =>
        this.deadlines.syncInquiry(h.manager, h.record.id, h.engine.hasTag(h.decision.to, 'accepting_proposals')),
    },
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: WorkflowRegistry,
    private readonly audit: AuditLog,
    private readonly pipeline: TransitionPipeline,
    private readonly deadlines: DeadlinesService,
  ) {}

  /** Inquiries are not secret once opened; drafts (the `draft` tag) are the secretariat's. */
  private visibleSql(principal: Principal, _params: SqlParams): string {
    return principal.scopeFor('secretariat', 'admin').kind === 'none'
      ? `NOT ${stateTaggedSql('q', 'in_preparation')}`
      : 'TRUE';
  }

  /** Whether an inquiry in its state accepts proposals and 該当なし replies. */
  async acceptsProposals(row: { state: string; workflow_name: string; workflow_version: number }): Promise<boolean> {
    return (await this.engineFor(row.workflow_name, row.workflow_version)).hasTag(row.state, 'accepting_proposals');
  }

  /** Whether an inquiry is still being prepared by the secretariat. */
  async isDraft(row: { state: string; workflow_name: string; workflow_version: number }): Promise<boolean> {
    return (await this.engineFor(row.workflow_name, row.workflow_version)).hasTag(row.state, 'in_preparation');
  }

  async list(principal: Principal, query: InquiryQuery): Promise<Page<InquiryView>> {
    const params = new SqlParams();
    const where = [this.visibleSql(principal, params)];
    if (query.planId) where.push(`q.plan_id = ${params.add(query.planId)}`);
    if (query.state) where.push(`q.state = ${params.add(query.state)}`);
    const filter = where.join(' AND ');
    const total = await countInquiries(this.dataSource.manager, filter, params.values);
    const rows = await selectInquiries(
      this.dataSource.manager,
      filter,
      `ORDER BY q.created_at DESC LIMIT ${params.add(query.pageSize)} OFFSET ${params.add(query.offset)}`,
      params.values,
    );
    return pageOf(await Promise.all(rows.map((r) => this.view(r))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<InquiryView> {
    return this.view(await this.visibleRow(principal, id, manager));
  }

  async create(m: EntityManager, principal: Principal, dto: CreateInquiryDto): Promise<InquiryView> {
    if (!(await planExists(m, dto.planId)))
      throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    const workflow = await this.workflows.latest('inquiry', m);
    const id = await insertInquiry(m, {
      planId: dto.planId,
      title: dto.title,
      description: dto.description ?? '',
      dueDate: dto.dueDate,
      state: workflow.definition.initial,
      workflowName: workflow.name,
      workflowVersion: workflow.version,
      createdBy: principal.id,
    });
    const targets = await this.setTargets(m, id, dto.targetUnits);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'inquiry',
      entityId: id,
      action: 'create',
      toState: workflow.definition.initial,
      details: { version: 1, dueDate: dto.dueDate, targets },
    });
    return this.get(principal, id, m);
  }

  async update(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: UpdateInquiryDto,
  ): Promise<InquiryView> {
    const row = await this.visibleRow(principal, id, m);
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (engine.isFinal(row.state)) throw new DomainError('DECIDED_IMMUTABLE', `The inquiry is ${row.state}`);
    if (dto.targetUnits && !engine.hasTag(row.state, 'in_preparation')) {
      throw new DomainError('TRANSITION_NOT_ALLOWED', 'Target units change only while the inquiry is a draft', [
        { field: 'targetUnits', message: 'fixed once opened' },
      ]);
    }
    const { affected } = await execute(m, UPDATE_INQUIRY_CONTENT, [
      id,
      expectedVersion,
      dto.title ?? row.title,
      dto.description ?? row.description,
      dto.dueDate ?? row.due,
    ]);
    if (affected !== 1) throw new VersionConflictError(row.version);
    const targets = dto.targetUnits ? await this.setTargets(m, id, dto.targetUnits) : undefined;
    // A moved due date moves the units' deadlines and their reminders.
    if (dto.dueDate && engine.hasTag(row.state, 'accepting_proposals')) await this.deadlines.syncInquiry(m, id, true);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'inquiry',
      entityId: id,
      action: 'edit',
      details: {
        version: expectedVersion + 1,
        changedFields: Object.keys(dto),
        ...(dto.dueDate ? { dueDate: dto.dueDate } : {}),
        ...(targets ? { targets } : {}),
      },
    });
    return this.get(principal, id, m);
  }

  async transition(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    input: InquiryTransitionDto,
  ): Promise<InquiryView> {
    const row = await this.visibleRow(principal, id, m);
    await this.pipeline.run(m, this.spec, {
      actor: transitionActor(principal),
      // An inquiry belongs to the whole city: only a city-wide role may move it.
      record: {
        id,
        state: row.state,
        unitId: await cityUnitId(m),
        version: row.version,
        workflowName: row.workflow_name,
        workflowVersion: row.workflow_version,
      },
      row,
      expectedVersion,
      action: input.action,
      inputs: { comment: input.comment },
      context: { dueDate: row.due },
    });
    return this.get(principal, id, m);
  }

  /**
   * Each target unit's answer: pending, responded (with how many proposals left the unit)
   * or 該当なし. Bureau users see their own units' rows; city-wide roles see every row.
   */
  async responses(principal: Principal, id: string): Promise<InquiryResponseView[]> {
    await this.visibleRow(principal, id);
    const params = new SqlParams();
    const inquiry = params.add(id);
    const scope = principal.scopeFor(
      'admin',
      'secretariat',
      'committee_reviewer',
      'hq_member',
      'bureau_editor',
      'bureau_approver',
    );
    const rows = await selectResponses(
      this.dataSource.manager,
      inquiry,
      scopeSql(scope, 'o.id', params),
      params.values,
    );
    return rows.map((r) => ({
      orgUnit: { id: r.id, code: r.code, nameJa: r.name_ja, kind: r.kind },
      status: r.nil_return_at ? 'nil_return' : (r.proposals ?? 0) > 0 ? 'responded' : 'pending',
      proposals: r.proposals ?? 0,
      nilReturn: r.nil_return_at
        ? { at: iso(r.nil_return_at)!, by: r.nil_return_by, comment: r.nil_return_comment }
        : null,
    }));
  }

  /** 該当なし: the unit's approver declares it has nothing to propose. */
  async nilReturn(m: EntityManager, principal: Principal, id: string, dto: NilReturnDto): Promise<InquiryResponseView> {
    const row = await this.visibleRow(principal, id, m);
    const approverScope = principal.scopeFor('bureau_approver');
    let unitId: string;
    if (dto.orgUnit) {
      const unit = await unitIdByCode(m, dto.orgUnit);
      if (!unit) throw new ValidationFailedError([{ field: 'orgUnit', message: 'names no organisation unit' }]);
      unitId = unit;
    } else {
      const own = principal.grants.filter((g) => g.role === 'bureau_approver');
      if (own.length !== 1)
        throw new ValidationFailedError([
          { field: 'orgUnit', message: 'name the unit: you approve for several or none' },
        ]);
      unitId = own[0].unitId;
    }
    if (!scopeIncludes(approverScope, unitId))
      throw new DomainError('FORBIDDEN', 'Only the unit’s approver declares 該当なし');
    if (!(await this.acceptsProposals(row))) throw new DomainError('TRANSITION_NOT_ALLOWED', 'The inquiry is not open');
    const target = await lockTarget(m, id, unitId);
    if (!target)
      throw new ValidationFailedError([{ field: 'orgUnit', message: 'is not a target unit of this inquiry' }]);
    if ((await proposalsLeftUnit(m, id, unitId)) > 0)
      throw new DomainError('CONFLICT', 'The unit has already sent proposals for this inquiry');
    if (!target.nil_return_at) {
      await recordNilReturn(m, id, unitId, principal.id, dto.comment ?? null);
      await this.audit.append(m, {
        actorUserId: principal.id,
        actorUsername: principal.user.username,
        entityType: 'inquiry',
        entityId: id,
        action: 'nil_return',
        details: { orgUnitId: unitId, comment: dto.comment ?? null },
      });
      await this.deadlines.inquiryAnswered(m, id, unitId);
    }
    const responses = await this.responsesIn(m, id, unitId);
    return responses;
  }

  private async responsesIn(m: EntityManager, id: string, unitId: string): Promise<InquiryResponseView> {
    const r = await selectResponse(m, id, unitId);
    if (!r) throw new NotFoundError('The inquiry target');
    return {
      orgUnit: { id: r.id, code: r.code, nameJa: r.name_ja, kind: r.kind },
      status: 'nil_return',
      proposals: 0,
      nilReturn: { at: iso(r.nil_return_at)!, by: r.nil_return_by, comment: r.nil_return_comment },
    };
  }

  private async visibleRow(
    principal: Principal,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<InquiryRow> {
    const params = new SqlParams();
    const rows = await selectInquiries(
      manager,
      `q.id = ${params.add(id)} AND ${this.visibleSql(principal, params)}`,
      '',
      params.values,
    );
    if (rows.length === 0) throw new NotFoundError('The inquiry');
    return rows[0];
  }

  /** All active bureaus and wards, unless the secretariat names the units. */
  private async setTargets(m: EntityManager, inquiryId: string, codes: string[] | undefined): Promise<string[]> {
    const units = await targetCandidates(m, codes);
    if (codes) {
      const unknown = codes.filter((c) => !units.some((u) => u.code === c));
      if (unknown.length > 0)
        throw new ValidationFailedError([{ field: 'targetUnits', message: `unknown units: ${unknown.join(', ')}` }]);
    }
    if (units.length === 0) throw new ValidationFailedError([{ field: 'targetUnits', message: 'names no unit' }]);
    await replaceTargets(
      m,
      inquiryId,
      units.map((u) => u.id),
    );
    return units.map((u) => u.code);
  }

  private engineFor(name: string, version: number): Promise<WorkflowEngine<InquiryGuardContext>> {
    return this.pipeline.engine(this.spec, name, version);
  }

  private async view(r: InquiryRow): Promise<InquiryView> {
    const engine = await this.engineFor(r.workflow_name, r.workflow_version);
    return {
      id: r.id,
      planId: r.plan_id,
      title: r.title,
      description: r.description,
      dueDate: r.due,
      state: r.state,
      stateLabel: engine.state(r.state)?.label ?? null,
      workflow: { name: r.workflow_name, version: r.workflow_version },
      targetUnits: r.targets,
      openedAt: iso(r.opened_at),
      closedAt: iso(r.closed_at),
      version: r.version,
    };
  }
}
