import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { scopeIncludes, SqlParams, type Principal } from '#libs/identity';
import {
  AuditLog,
  DomainError,
  NotFoundError,
  pageOf,
  TransitionPipeline,
  ValidationFailedError,
  VersionConflictError,
  WorkflowRegistry,
  type Page,
  type TransitionRecord,
  type WorkflowSubjectSpec,
} from '#libs/platform';
import { DeadlinesService } from '#libs/scheduling';
import { InitiativesService } from '#libs/tracking';
import type { AvailableAction, Label, WorkflowEngine } from '#libs/workflow';
import {
  MEETING_KINDS,
  type CorrectProposalDto,
  type CreateProposalDto,
  type MeetingKind,
  type ProposalContentDto,
  type ProposalQuery,
  type TransitionDto,
} from './dto/review.dto.js';
import { InquiriesService } from './inquiries.service.js';
import {
  countProposals,
  insertProposal,
  insertRevision,
  isInquiryTarget,
  latestAgendaMeeting,
  markFirstSubmission,
  markMergedInto,
  meetingOfPlan,
  planPeriod,
  policyIdOf,
  proposalWorkflowOf,
  replaceCollaborators,
  selectInquiryForProposal,
  selectProposal,
  selectProposalPrepared,
  selectProposals,
  selectRevisions,
  themeIdOf,
  unitIdByCode,
  unitsByCode,
  updateProposalContent,
  type ProposalRow,
  type ScheduleStep,
} from './proposal.queries.js';
import {
  PROPOSAL_CONDITION_FIELDS,
  PROPOSAL_GUARD_IMPLEMENTATIONS,
  type ProposalGuardContext,
} from './proposal-guards.js';
import { transitionActor, visibleProposalsSql, workflowActor } from './proposal-visibility.js';
import { DecidedImmutableError, NotEditableError } from './review.errors.js';

/** The state tag that puts a proposal on a kind of meeting's agenda, and makes that meeting the deciding one. */
export const agendaTag = (kind: MeetingKind) => `${kind}_agenda`;

export interface ProposalView {
  id: string;
  inquiryId: string;
  planId: string;
  owningUnit: { id: string; code: string; nameJa: string };
  title: string;
  summary: string;
  policy: { id: string; number: number; title: string } | null;
  theme: { id: string; number: number; title: string } | null;
  collaboratingUnits: Array<{ id: string; code: string; nameJa: string }>;
  expectedEffect: string;
  expectedAmount: number | null;
  schedule: Array<{ fiscalYear: number; label: string; step: string }>;
  relatedIndicators: string[];
  state: string;
  stateLabel: Label | null;
  workflow: { name: string; version: number };
  revision: number;
  firstSubmittedAt: string | null;
  mergedIntoId: string | null;
  initiativeId: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface HistoryEntry {
  seq: number;
  at: string;
  actor: { id: string | null; username: string | null };
  action: string;
  from: string | null;
  to: string | null;
  comment: string | null;
  version: number | null;
  details: Record<string, unknown>;
  /** The owning unit as it was named when this happened (a later 機構改革 renames it, not its history). */
  unit: { code: string; nameJa: string };
  onBehalfOf: { id: string; username: string } | null;
  delegated: Delegated | null;
  marks: Array<'代決' | '専決'>;
}

export interface Delegated {
  role: string;
  label: Label | null;
}

export interface ActionAuthority {
  role: string;
  delegated: Delegated | null;
  onBehalfOf: { id: string; username: string } | null;
}

export interface ActionView {
  action: string;
  to: string;
  label?: Label;
  requires: string[];
  authority: ActionAuthority;
}

/** 代決 and 専決 as the audit entry of a step recorded them (the transition pipeline's details). */
export function decidedAs(details: Record<string, unknown>): Pick<HistoryEntry, 'onBehalfOf' | 'delegated' | 'marks'> {
  const behalf = details['onBehalfOf'] as { userId?: string; username?: string } | undefined;
  const delegated = details['delegated'] as { role?: string; label?: Label | null } | undefined;
  const onBehalfOf = behalf?.userId && behalf.username ? { id: behalf.userId, username: behalf.username } : null;
  const rule = delegated?.role ? { role: delegated.role, label: delegated.label ?? null } : null;
  const marks: Array<'代決' | '専決'> = [
    ...(onBehalfOf ? (['代決'] as const) : []),
    ...(rule ? (['専決'] as const) : []),
  ];
  return { onBehalfOf, delegated: rule, marks };
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);
const amountOf = (a: string | number | null) => (a === null ? null : Number(a));

const recordOf = (row: ProposalRow): TransitionRecord => ({
  id: row.id,
  state: row.state,
  unitId: row.owning_unit_id,
  version: row.version,
  workflowName: row.workflow_name,
  workflowVersion: row.workflow_version,
});

/** An available action with its authority in the API's words (whom a deputy acts for, which 専決 rule). */
function actionView(principal: Principal, a: AvailableAction): ActionView {
  const absent = a.authority.onBehalfOf
    ? principal.deputyships.find((d) => d.absent.id === a.authority.onBehalfOf)?.absent
    : undefined;
  return {
    action: a.action,
    to: a.to,
    ...(a.label ? { label: a.label } : {}),
    requires: a.requires,
    authority: {
      role: a.authority.role,
      delegated: a.authority.delegation
        ? { role: a.authority.role, label: a.authority.delegation.label ?? null }
        : null,
      onBehalfOf: absent ? { id: absent.id, username: absent.username } : null,
    },
  };
}

/** What a revision snapshot and a change comparison look at. */
function contentOf(r: ProposalRow) {
  return {
    title: r.title,
    summary: r.summary,
    policyId: r.policy_id,
    themeId: r.theme_id,
    expectedEffect: r.expected_effect,
    expectedAmount: amountOf(r.expected_amount),
    schedule: r.schedule,
    relatedIndicators: r.related_indicators,
    collaboratingUnitIds: r.collaborators.map((c) => c.id).sort(),
  };
}

/**
 * Proposals (取組提案): bureaus draft them in answer to an inquiry, and they move through
 * the plan's proposal workflow (data, versioned) to the council. Every change commits with
 * its audit entry, and every transition with its outbox rows, in the caller's transaction.
 */
@Injectable()
export class ProposalsService {
  /** What the one transition pipeline needs of proposals; the hooks are what definitions may name. */
  private readonly spec: WorkflowSubjectSpec<ProposalGuardContext, ProposalRow> = {
    subject: 'proposal',
    table: 'proposal',
    entityType: 'proposal',
    guards: PROPOSAL_GUARD_IMPLEMENTATIONS,
    fields: PROPOSAL_CONDITION_FIELDS,
    stamps: [{ column: 'left_bureau_at', tag: 'left_bureau', keep: 'first' }],
    hooks: {
      // From the first submission on, every content change is kept as a revision.
      recordFirstSubmission: async (h) => {
        if (h.row.first_submitted_at) return;
        await markFirstSubmission(h.manager, h.record.id);
        h.row.first_submitted_at = new Date();
      },
      // The unit has answered the inquiry once a proposal of it leaves the bureau.
      satisfyInquiryDeadline: async (h) => {
        if (!h.row.left_bureau_at)
          await this.deadlines.inquiryAnswered(h.manager, h.row.inquiry_id, h.row.owning_unit_id);
      },
      recordMerge: async (h) => {
        const target = String(h.inputs['targetProposalId']);
        await markMergedInto(h.manager, h.record.id, target);
        h.row.merged_into_id = target;
        h.note('targetProposalId', target);
        // The target's history shows what was merged into it.
        await this.audit.append(h.manager, {
          actorUserId: h.actor.id,
          actorUsername: h.actor.username,
          entityType: 'proposal',
          entityId: target,
          action: 'absorb',
          details: { mergedProposalId: h.record.id, mergedTitle: h.row.title, comment: h.inputs['comment'] ?? null },
        });
      },
      createInitiative: async (h) => {
        const initiativeId = await this.initiatives.createFromProposal(
          h.manager,
          h.record.id,
          h.context.meeting?.id ?? null,
        );
        h.row.initiative_id = initiativeId;
        h.note('initiativeId', initiativeId);
      },
    },
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: WorkflowRegistry,
    private readonly audit: AuditLog,
    private readonly pipeline: TransitionPipeline,
    private readonly inquiries: InquiriesService,
    private readonly initiatives: InitiativesService,
    private readonly deadlines: DeadlinesService,
  ) {}

  // ── reading ────────────────────────────────────────────────────────────────

  async list(principal: Principal, query: ProposalQuery): Promise<Page<ProposalView>> {
    const params = new SqlParams();
    const where = [visibleProposalsSql(principal, 'p', params)];
    if (query.inquiryId) where.push(`p.inquiry_id = ${params.add(query.inquiryId)}`);
    if (query.planId) where.push(`p.plan_id = ${params.add(query.planId)}`);
    if (query.state) where.push(`p.state = ${params.add(query.state)}`);
    if (query.owningUnit) where.push(`ou.code = ${params.add(query.owningUnit)}`);
    const filter = where.join(' AND ');
    const total = await countProposals(this.dataSource.manager, filter, params.values);
    const rows = await selectProposals(
      this.dataSource.manager,
      filter,
      `ORDER BY p.created_at, p.id LIMIT ${params.add(query.pageSize)} OFFSET ${params.add(query.offset)}`,
      params.values,
    );
    return pageOf(await Promise.all(rows.map((r) => this.view(r))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<ProposalView> {
    return this.view(await this.visibleRow(principal, id, manager));
  }

  async history(principal: Principal, id: string): Promise<HistoryEntry[]> {
    const row = await this.visibleRow(principal, id);
    const entries = await this.audit.forEntity('proposal', id);
    // One name per instant of the history, from the unit's names over time.
    const names: Array<{ at: Date; code: string; name: string }> = await this.dataSource.query(
      `SELECT t.at, o.code, org_unit_name_at(o.id, t.at) AS name FROM unnest($2::timestamptz[]) AS t(at) JOIN org_unit o ON o.id = $1`,
      [row.owning_unit_id, entries.map((e) => e.occurredAt)],
    );
    const nameAt = new Map(names.map((n) => [new Date(n.at).getTime(), { code: n.code, nameJa: n.name }]));
    return entries.map((e) => ({
      unit: nameAt.get(new Date(e.occurredAt).getTime()) ?? { code: '', nameJa: '' },
      seq: e.seq,
      at: e.occurredAt,
      actor: { id: e.actorUserId, username: e.actorUsername },
      action: e.action,
      from: e.fromState,
      to: e.toState,
      comment: (e.details['comment'] as string | undefined) ?? null,
      version: (e.details['version'] as number | undefined) ?? null,
      details: e.details,
      ...decidedAs(e.details),
    }));
  }

  async revisions(principal: Principal, id: string) {
    await this.visibleRow(principal, id);
    const rows = await selectRevisions(this.dataSource.manager, id);
    return rows.map((r) => ({
      revision: r.revision,
      at: iso(r.created_at),
      author: r.author,
      changedFields: r.changed_fields,
      reason: r.reason,
      content: r.content,
    }));
  }

  /** The actions the caller may take now (roles and guards; inputs such as a comment are theirs to give). */
  async actions(principal: Principal, id: string): Promise<ActionView[]> {
    const row = await this.visibleRow(principal, id);
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    const context = await this.guardContext(this.dataSource.manager, principal, row, {});
    return engine
      .availableActions({ state: row.state, unitId: row.owning_unit_id }, workflowActor(principal), context)
      .map((a) => actionView(principal, a));
  }

  // ── writing (inside the caller's transaction) ──────────────────────────────

  async create(m: EntityManager, principal: Principal, dto: CreateProposalDto): Promise<ProposalView> {
    const inquiry = await selectInquiryForProposal(m, dto.inquiryId);
    if (!inquiry || (await this.inquiries.isDraft(inquiry)))
      throw new ValidationFailedError([{ field: 'inquiryId', message: 'names no open inquiry' }]);
    if (!(await this.inquiries.acceptsProposals(inquiry)))
      throw new DomainError(
        'TRANSITION_NOT_ALLOWED',
        'The inquiry is not open: new proposals cannot be drafted for it',
      );
    const unitId = await this.owningUnitFor(m, principal, dto.owningUnit);
    if (!(await isInquiryTarget(m, inquiry.id, unitId)))
      throw new ValidationFailedError([{ field: 'owningUnit', message: 'is not a target unit of this inquiry' }]);
    const workflow = await this.workflows.latest(await proposalWorkflowOf(m, inquiry.plan_id), m);
    const content = await this.resolveContent(m, inquiry.plan_id, unitId, dto);
    const id = await insertProposal(m, {
      inquiryId: inquiry.id,
      planId: inquiry.plan_id,
      owningUnitId: unitId,
      title: dto.title,
      summary: content.summary ?? '',
      policyId: content.policyId ?? null,
      themeId: content.themeId ?? null,
      expectedEffect: content.expectedEffect ?? '',
      expectedAmount: content.expectedAmount ?? null,
      schedule: content.schedule ?? [],
      relatedIndicators: content.relatedIndicators ?? [],
      state: workflow.definition.initial,
      workflowName: workflow.name,
      workflowVersion: workflow.version,
      createdBy: principal.id,
    });
    await replaceCollaborators(m, id, content.collaboratingUnitIds ?? []);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'proposal',
      entityId: id,
      action: 'create',
      toState: workflow.definition.initial,
      details: { version: 1, inquiryId: inquiry.id, workflow: `${workflow.name}@${workflow.version}` },
    });
    return this.get(principal, id, m);
  }

  async update(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: ProposalContentDto,
  ): Promise<ProposalView> {
    const row = await this.visibleRow(principal, id, m);
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (engine.hasTag(row.state, 'decided') || engine.isFinal(row.state)) throw new DecidedImmutableError(row.state);
    const owner = scopeIncludes(principal.scopeFor('bureau_editor'), row.owning_unit_id);
    const secretariat = scopeIncludes(principal.scopeFor('secretariat'), row.owning_unit_id);
    const byOwner = engine.hasTag(row.state, 'editable_by_owner');
    const allowed = (owner && byOwner) || (secretariat && engine.hasTag(row.state, 'editable_by_secretariat'));
    if (!allowed) {
      throw new NotEditableError(
        owner || secretariat
          ? `In state ${row.state} the proposal is edited by ${byOwner ? 'its bureau' : 'the secretariat'} only`
          : 'Only the owning bureau’s editors and the secretariat edit proposals',
      );
    }
    return this.applyChange(m, principal, row, expectedVersion, dto, { action: 'edit' });
  }

  /** A decided proposal's content changes only as a correction: a new revision with its reason. */
  async correct(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: CorrectProposalDto,
  ): Promise<ProposalView> {
    const row = await this.visibleRow(principal, id, m);
    if (!scopeIncludes(principal.scopeFor('secretariat'), row.owning_unit_id))
      throw new DomainError('FORBIDDEN', 'Corrections are recorded by the secretariat');
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (!engine.hasTag(row.state, 'decided'))
      throw new NotEditableError('Only a decided proposal is corrected; edit it instead');
    return this.applyChange(m, principal, row, expectedVersion, dto.changes, {
      action: 'correct',
      reason: dto.reason,
      forceRevision: true,
    });
  }

  async transition(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    input: TransitionDto,
  ): Promise<ProposalView> {
    const row = await this.visibleRow(principal, id, m);
    const context = await this.guardContext(m, principal, row, input);
    const meeting = context.meeting;
    const outcome = await this.pipeline.run(m, this.spec, {
      actor: transitionActor(principal),
      record: recordOf(row),
      row,
      expectedVersion,
      action: input.action,
      inputs: { comment: input.comment, targetProposalId: input.targetProposalId, meetingId: input.meetingId },
      context,
      details: meeting ? { meeting: { id: meeting.id, kind: meeting.kind } } : {},
    });
    // The answer is the row as it now stands (hooks updated `row`), without reading it back.
    return this.view({
      ...row,
      ...outcome.stamped,
      state: outcome.decision.to,
      version: expectedVersion + 1,
      updated_at: outcome.at,
    });
  }

  /** Whether the proposal, in its state, waits for a meeting of this kind (goes on its agenda). */
  async awaitsMeeting(
    row: { state: string; workflow_name: string; workflow_version: number },
    kind: MeetingKind,
  ): Promise<{ awaits: boolean; states: string[] }> {
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    return { awaits: engine.hasTag(row.state, agendaTag(kind)), states: engine.statesTagged(agendaTag(kind)) };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** The row if the caller may see it; otherwise the same 404 as for a proposal that does not exist. */
  private async visibleRow(
    principal: Principal,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<ProposalRow> {
    const params = new SqlParams();
    const idParam = params.add(id);
    const row = await selectProposalPrepared(
      manager,
      `p.id = ${idParam} AND ${visibleProposalsSql(principal, 'p', params)}`,
      params.values,
    );
    if (!row) throw new NotFoundError('The proposal');
    return row;
  }

  private engineFor(name: string, version: number): Promise<WorkflowEngine<ProposalGuardContext>> {
    return this.pipeline.engine(this.spec, name, version);
  }

  private async guardContext(
    m: EntityManager,
    principal: Principal,
    row: ProposalRow,
    input: Partial<TransitionDto>,
  ): Promise<ProposalGuardContext> {
    const context: ProposalGuardContext = {
      proposal: {
        id: row.id,
        planId: row.plan_id,
        title: row.title,
        summary: row.summary,
        policyId: row.policy_id,
        expectedEffect: row.expected_effect,
        schedule: row.schedule,
        expectedAmount: amountOf(row.expected_amount),
        policyNumber: row.policy_number ?? null,
        themeNumber: row.theme_number ?? null,
        owningUnitCode: row.unit_code,
      },
      inquiryAccepting: await this.inquiries.acceptsProposals({
        state: row.inquiry_state,
        workflow_name: row.inquiry_workflow_name,
        workflow_version: row.inquiry_workflow_version,
      }),
    };
    if (input.targetProposalId) {
      const target = await this.visibleRow(principal, input.targetProposalId, m).catch(() => null);
      if (target) {
        const targetEngine = await this.engineFor(target.workflow_name, target.workflow_version);
        context.mergeTarget = {
          id: target.id,
          planId: target.plan_id,
          state: target.state,
          final: targetEngine.isFinal(target.state),
        };
      } else {
        context.mergeTarget = null;
      }
    }
    if (input.meetingId) {
      const meeting = await meetingOfPlan(m, input.meetingId, row.plan_id);
      if (!meeting) throw new ValidationFailedError([{ field: 'meetingId', message: 'names no meeting of this plan' }]);
      context.meeting = meeting;
    } else {
      const engine = await this.engineFor(row.workflow_name, row.workflow_version);
      const kind = MEETING_KINDS.find((k) => engine.hasTag(row.state, agendaTag(k)));
      if (kind) {
        const meeting = await latestAgendaMeeting(m, row.id, kind);
        context.meeting = meeting ?? null;
      }
    }
    return context;
  }

  private async owningUnitFor(m: EntityManager, principal: Principal, code: string | undefined): Promise<string> {
    const editorScope = principal.scopeFor('bureau_editor');
    if (code) {
      const unit = await unitIdByCode(m, code);
      if (!unit) throw new ValidationFailedError([{ field: 'owningUnit', message: 'names no organisation unit' }]);
      if (!scopeIncludes(editorScope, unit))
        throw new DomainError('FORBIDDEN', 'You draft proposals for your own units only');
      return unit;
    }
    const own = principal.grants.filter((g) => g.role === 'bureau_editor');
    if (own.length !== 1) {
      throw new ValidationFailedError([
        {
          field: 'owningUnit',
          message: own.length === 0 ? 'you hold no bureau editor role' : 'name the unit: you edit for several',
        },
      ]);
    }
    return own[0].unitId;
  }

  private async resolveContent(m: EntityManager, planId: string, owningUnitId: string, dto: ProposalContentDto) {
    const out: {
      title?: string;
      summary?: string;
      policyId?: string | null;
      themeId?: string | null;
      expectedEffect?: string;
      expectedAmount?: number | null;
      schedule?: ScheduleStep[];
      relatedIndicators?: string[];
      collaboratingUnitIds?: string[];
    } = {};
    if (dto.title !== undefined) out.title = dto.title;
    if (dto.summary !== undefined) out.summary = dto.summary;
    if (dto.expectedEffect !== undefined) out.expectedEffect = dto.expectedEffect;
    if (dto.expectedAmount !== undefined) out.expectedAmount = dto.expectedAmount;
    if (dto.relatedIndicators !== undefined) out.relatedIndicators = dto.relatedIndicators;
    if (dto.themeNumber !== undefined && dto.policyNumber === undefined) {
      throw new ValidationFailedError([{ field: 'policyNumber', message: 'is needed with themeNumber' }]);
    }
    if (dto.policyNumber !== undefined) {
      const policyId = await policyIdOf(m, planId, dto.policyNumber);
      if (!policyId)
        throw new ValidationFailedError([{ field: 'policyNumber', message: 'is not a policy of the plan' }]);
      out.policyId = policyId;
      out.themeId = null;
      if (dto.themeNumber !== undefined) {
        const themeId = await themeIdOf(m, policyId, dto.themeNumber);
        if (!themeId)
          throw new ValidationFailedError([{ field: 'themeNumber', message: 'is not a theme of that policy' }]);
        out.themeId = themeId;
      }
    }
    if (dto.schedule !== undefined) {
      const plan = await planPeriod(m, planId);
      const errors = dto.schedule.flatMap((s, i) =>
        s.fiscalYear < plan.first || s.fiscalYear > plan.last
          ? [{ field: `schedule[${i}].fiscalYear`, message: `must lie in the plan period ${plan.first}–${plan.last}` }]
          : [],
      );
      const years = dto.schedule.map((s) => s.fiscalYear);
      if (new Set(years).size !== years.length)
        errors.push({ field: 'schedule', message: 'names a fiscal year twice' });
      if (errors.length > 0) throw new ValidationFailedError(errors);
      out.schedule = [...dto.schedule]
        .sort((a, b) => a.fiscalYear - b.fiscalYear)
        .map((s) => ({ fiscalYear: s.fiscalYear, step: s.step }));
    }
    if (dto.collaboratingUnits !== undefined) {
      const rows = await unitsByCode(m, dto.collaboratingUnits);
      const unknown = dto.collaboratingUnits.filter((c) => !rows.some((r) => r.code === c));
      if (unknown.length > 0)
        throw new ValidationFailedError([
          { field: 'collaboratingUnits', message: `unknown units: ${unknown.join(', ')}` },
        ]);
      if (rows.some((r) => r.id === owningUnitId))
        throw new ValidationFailedError([{ field: 'collaboratingUnits', message: 'must not include the owning unit' }]);
      out.collaboratingUnitIds = rows.map((r) => r.id);
    }
    return out;
  }

  private async applyChange(
    m: EntityManager,
    principal: Principal,
    row: ProposalRow,
    expectedVersion: number,
    dto: ProposalContentDto,
    how: { action: 'edit' | 'correct'; reason?: string; forceRevision?: boolean },
  ): Promise<ProposalView> {
    if (row.version !== expectedVersion) throw new VersionConflictError(row.version);
    const c = await this.resolveContent(m, row.plan_id, row.owning_unit_id, dto);
    const before = contentOf(row);
    const affected = await updateProposalContent(m, row.id, expectedVersion, {
      title: c.title ?? row.title,
      summary: c.summary ?? row.summary,
      policyId: c.policyId !== undefined ? c.policyId : row.policy_id,
      themeId: c.themeId !== undefined ? c.themeId : row.theme_id,
      expectedEffect: c.expectedEffect ?? row.expected_effect,
      expectedAmount: c.expectedAmount !== undefined ? c.expectedAmount : row.expected_amount,
      schedule: c.schedule ?? row.schedule,
      relatedIndicators: c.relatedIndicators ?? row.related_indicators,
    });
    if (affected !== 1) throw new VersionConflictError(row.version);
    if (c.collaboratingUnitIds !== undefined) await replaceCollaborators(m, row.id, c.collaboratingUnitIds);

    const afterRow = await selectProposal(m, row.id);
    if (!afterRow) throw new NotFoundError('The proposal');
    const after = contentOf(afterRow);
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter(
      (k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]),
    );
    let revision: number = row.revision;
    // Drafts change freely; once a proposal has been submitted every change is kept as a revision.
    if ((row.first_submitted_at || how.forceRevision) && changed.length > 0) {
      revision = row.revision + 1;
      await insertRevision(m, {
        proposalId: row.id,
        revision,
        content: after,
        changedFields: changed,
        reason: how.reason ?? null,
        authorId: principal.id,
      });
    }
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'proposal',
      entityId: row.id,
      action: how.action,
      details: {
        version: expectedVersion + 1,
        changedFields: changed,
        revision,
        ...(how.reason ? { reason: how.reason } : {}),
      },
    });
    return this.get(principal, row.id, m);
  }

  private async view(r: ProposalRow): Promise<ProposalView> {
    const engine = await this.engineFor(r.workflow_name, r.workflow_version);
    return {
      id: r.id,
      inquiryId: r.inquiry_id,
      planId: r.plan_id,
      owningUnit: { id: r.owning_unit_id, code: r.unit_code, nameJa: r.unit_name_ja },
      title: r.title,
      summary: r.summary,
      // The joined number and title are there whenever the id is (foreign keys); the checks tell the compiler so.
      policy:
        r.policy_id && r.policy_number !== null && r.policy_title !== null
          ? { id: r.policy_id, number: r.policy_number, title: r.policy_title }
          : null,
      theme:
        r.theme_id && r.theme_number !== null && r.theme_title !== null
          ? { id: r.theme_id, number: r.theme_number, title: r.theme_title }
          : null,
      collaboratingUnits: r.collaborators,
      expectedEffect: r.expected_effect,
      expectedAmount: amountOf(r.expected_amount),
      schedule: r.schedule.map((s) => ({ ...s, label: fiscalYearLabel(s.fiscalYear) })),
      relatedIndicators: r.related_indicators,
      state: r.state,
      stateLabel: engine.state(r.state)?.label ?? null,
      workflow: { name: r.workflow_name, version: r.workflow_version },
      revision: r.revision,
      firstSubmittedAt: iso(r.first_submitted_at),
      mergedIntoId: r.merged_into_id,
      initiativeId: r.initiative_id,
      version: r.version,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
    };
  }
}
