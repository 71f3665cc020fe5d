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
import type { CreateInquiryDto, InquiryQuery, InquiryTransitionDto, NilReturnDto, UpdateInquiryDto } from './dto/review.dto.js';
import { transitionActor } from './proposal-visibility.js';

interface InquiryGuardContext {
  dueDate: string;
}

const INQUIRY_GUARD_IMPLEMENTATIONS: Record<string, Guard<InquiryGuardContext>> = {
  dueDateInFuture: (c) => (c.dueDate > todayInTokyo() ? null : `The due date ${c.dueDate} has passed or is today; set a later one before opening`),
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any;

const SELECT = `
  SELECT q.*, to_char(q.due_date, 'YYYY-MM-DD') AS due,
         coalesce((SELECT json_agg(json_build_object('id', o.id, 'code', o.code, 'nameJa', o.name_ja) ORDER BY o.kind, o.code)
                     FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id WHERE it.inquiry_id = q.id), '[]') AS targets
    FROM inquiry q`;

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * Inquiries (全庁照会): the secretariat asks every bureau and ward (or the ones it names)
 * for proposals by a due date; each target unit answers with proposals or 該当なし.
 */
@Injectable()
export class InquiriesService {
  private readonly spec: WorkflowSubjectSpec<InquiryGuardContext, Row> = {
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
      syncReplyDeadlines: (h) => this.deadlines.syncInquiry(h.manager, h.record.id, h.engine.hasTag(h.decision.to, 'accepting_proposals')),
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
    return principal.scopeFor('secretariat', 'admin').kind === 'none' ? `NOT ${stateTaggedSql('q', 'in_preparation')}` : 'TRUE';
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
    const filter = `WHERE ${where.join(' AND ')}`;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM inquiry q ${filter}`, params.values);
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} ${filter} ORDER BY q.created_at DESC LIMIT ${params.add(query.pageSize)} OFFSET ${params.add(query.offset)}`,
      params.values,
    );
    return pageOf(await Promise.all(rows.map((r) => this.view(r))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<InquiryView> {
    return this.view(await this.visibleRow(principal, id, manager));
  }

  async create(m: EntityManager, principal: Principal, dto: CreateInquiryDto): Promise<InquiryView> {
    const [plan] = await m.query(`SELECT id FROM plan WHERE id = $1`, [dto.planId]);
    if (!plan) throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    const workflow = await this.workflows.latest('inquiry', m);
    const [{ id }] = await m.query(
      `INSERT INTO inquiry (plan_id, title, description, due_date, state, workflow_name, workflow_version, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
      [dto.planId, dto.title, dto.description ?? '', dto.dueDate, workflow.definition.initial, workflow.name, workflow.version, principal.id],
    );
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

  async update(m: EntityManager, principal: Principal, id: string, expectedVersion: number, dto: UpdateInquiryDto): Promise<InquiryView> {
    const row = await this.visibleRow(principal, id, m);
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (engine.isFinal(row.state)) throw new DomainError('DECIDED_IMMUTABLE', `The inquiry is ${row.state}`);
    if (dto.targetUnits && !engine.hasTag(row.state, 'in_preparation')) {
      throw new DomainError('TRANSITION_NOT_ALLOWED', 'Target units change only while the inquiry is a draft', [{ field: 'targetUnits', message: 'fixed once opened' }]);
    }
    const { affected } = await execute(
      m,
      `UPDATE inquiry SET title = $3, description = $4, due_date = $5, version = version + 1, updated_at = now() WHERE id = $1 AND version = $2`,
      [id, expectedVersion, dto.title ?? row.title, dto.description ?? row.description, dto.dueDate ?? row.due],
    );
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
      details: { version: expectedVersion + 1, changedFields: Object.keys(dto), ...(dto.dueDate ? { dueDate: dto.dueDate } : {}), ...(targets ? { targets } : {}) },
    });
    return this.get(principal, id, m);
  }

  async transition(m: EntityManager, principal: Principal, id: string, expectedVersion: number, input: InquiryTransitionDto): Promise<InquiryView> {
    const row = await this.visibleRow(principal, id, m);
    await this.pipeline.run(m, this.spec, {
      actor: transitionActor(principal),
      // An inquiry belongs to the whole city: only a city-wide role may move it.
      record: { id, state: row.state, unitId: await this.cityUnit(m), version: row.version, workflowName: row.workflow_name, workflowVersion: row.workflow_version },
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
    const scope = principal.scopeFor('admin', 'secretariat', 'committee_reviewer', 'hq_member', 'bureau_editor', 'bureau_approver');
    const rows: Row[] = await this.dataSource.query(
      `SELECT o.id, o.code, o.name_ja, o.kind, it.nil_return_at, it.nil_return_comment, u.username AS nil_return_by,
              (SELECT count(*)::int FROM proposal p WHERE p.inquiry_id = it.inquiry_id AND p.owning_unit_id = o.id AND p.left_bureau_at IS NOT NULL) AS proposals
         FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id LEFT JOIN app_user u ON u.id = it.nil_return_by
        WHERE it.inquiry_id = ${inquiry} AND ${scopeSql(scope, 'o.id', params)}
        ORDER BY o.kind, o.code`,
      params.values,
    );
    return rows.map((r) => ({
      orgUnit: { id: r.id, code: r.code, nameJa: r.name_ja, kind: r.kind },
      status: r.nil_return_at ? 'nil_return' : r.proposals > 0 ? 'responded' : 'pending',
      proposals: r.proposals,
      nilReturn: r.nil_return_at ? { at: iso(r.nil_return_at)!, by: r.nil_return_by, comment: r.nil_return_comment } : null,
    }));
  }

  /** 該当なし: the unit's approver declares it has nothing to propose. */
  async nilReturn(m: EntityManager, principal: Principal, id: string, dto: NilReturnDto): Promise<InquiryResponseView> {
    const row = await this.visibleRow(principal, id, m);
    const approverScope = principal.scopeFor('bureau_approver');
    let unitId: string;
    if (dto.orgUnit) {
      const [unit] = await m.query(`SELECT id FROM org_unit WHERE code = $1`, [dto.orgUnit]);
      if (!unit) throw new ValidationFailedError([{ field: 'orgUnit', message: 'names no organisation unit' }]);
      unitId = unit.id;
    } else {
      const own = principal.grants.filter((g) => g.role === 'bureau_approver');
      if (own.length !== 1) throw new ValidationFailedError([{ field: 'orgUnit', message: 'name the unit: you approve for several or none' }]);
      unitId = own[0].unitId;
    }
    if (!scopeIncludes(approverScope, unitId)) throw new DomainError('FORBIDDEN', 'Only the unit’s approver declares 該当なし');
    if (!(await this.acceptsProposals(row))) throw new DomainError('TRANSITION_NOT_ALLOWED', 'The inquiry is not open');
    const [target] = await m.query(`SELECT nil_return_at FROM inquiry_target WHERE inquiry_id = $1 AND org_unit_id = $2 FOR UPDATE`, [id, unitId]);
    if (!target) throw new ValidationFailedError([{ field: 'orgUnit', message: 'is not a target unit of this inquiry' }]);
    const [{ n }] = await m.query(`SELECT count(*)::int AS n FROM proposal WHERE inquiry_id = $1 AND owning_unit_id = $2 AND left_bureau_at IS NOT NULL`, [id, unitId]);
    if (n > 0) throw new DomainError('CONFLICT', 'The unit has already sent proposals for this inquiry');
    if (!target.nil_return_at) {
      await m.query(`UPDATE inquiry_target SET nil_return_at = now(), nil_return_by = $3, nil_return_comment = $4 WHERE inquiry_id = $1 AND org_unit_id = $2`, [
        id,
        unitId,
        principal.id,
        dto.comment ?? null,
      ]);
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
    const [r]: Row[] = await m.query(
      `SELECT o.id, o.code, o.name_ja, o.kind, it.nil_return_at, it.nil_return_comment, u.username AS nil_return_by
         FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id LEFT JOIN app_user u ON u.id = it.nil_return_by
        WHERE it.inquiry_id = $1 AND it.org_unit_id = $2`,
      [id, unitId],
    );
    return {
      orgUnit: { id: r.id, code: r.code, nameJa: r.name_ja, kind: r.kind },
      status: 'nil_return',
      proposals: 0,
      nilReturn: { at: iso(r.nil_return_at)!, by: r.nil_return_by, comment: r.nil_return_comment },
    };
  }

  private async visibleRow(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<Row> {
    const params = new SqlParams();
    const rows: Row[] = await manager.query(`${SELECT} WHERE q.id = ${params.add(id)} AND ${this.visibleSql(principal, params)}`, params.values);
    if (rows.length === 0) throw new NotFoundError('The inquiry');
    return rows[0];
  }

  private async cityUnit(m: EntityManager): Promise<string> {
    const [root] = await m.query(`SELECT id FROM org_unit WHERE parent_id IS NULL`);
    return root.id;
  }

  /** All active bureaus and wards, unless the secretariat names the units. */
  private async setTargets(m: EntityManager, inquiryId: string, codes: string[] | undefined): Promise<string[]> {
    const units: Array<{ id: string; code: string }> = codes
      ? await m.query(`SELECT id, code FROM org_unit WHERE code = ANY($1)`, [codes])
      : await m.query(`SELECT id, code FROM org_unit WHERE kind IN ('bureau', 'ward') AND active ORDER BY code`);
    if (codes) {
      const unknown = codes.filter((c) => !units.some((u) => u.code === c));
      if (unknown.length > 0) throw new ValidationFailedError([{ field: 'targetUnits', message: `unknown units: ${unknown.join(', ')}` }]);
    }
    if (units.length === 0) throw new ValidationFailedError([{ field: 'targetUnits', message: 'names no unit' }]);
    await m.query(`DELETE FROM inquiry_target WHERE inquiry_id = $1`, [inquiryId]);
    await m.query(`INSERT INTO inquiry_target (inquiry_id, org_unit_id) SELECT $1, unnest($2::uuid[])`, [inquiryId, units.map((u) => u.id)]);
    return units.map((u) => u.code);
  }

  private engineFor(name: string, version: number): Promise<WorkflowEngine<InquiryGuardContext>> {
    return this.pipeline.engine(this.spec, name, version);
  }

  private async view(r: Row): Promise<InquiryView> {
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
