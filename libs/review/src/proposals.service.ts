import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { scopeIncludes, SqlParams, type Principal } from '#libs/identity';
import {
  AuditLog,
  DomainError,
  execute,
  NotFoundError,
  pageOf,
  prepared,
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
import { MEETING_KINDS, type CorrectProposalDto, type CreateProposalDto, type MeetingKind, type ProposalContentDto, type ProposalQuery, type TransitionDto } from './dto/review.dto.js';
import { InquiriesService } from './inquiries.service.js';
import { PROPOSAL_CONDITION_FIELDS, PROPOSAL_GUARD_IMPLEMENTATIONS, type ProposalGuardContext } from './proposal-guards.js';
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
  const marks: Array<'代決' | '専決'> = [...(onBehalfOf ? (['代決'] as const) : []), ...(rule ? (['専決'] as const) : [])];
  return { onBehalfOf, delegated: rule, marks };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any;

const SELECT = `
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

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

const recordOf = (row: Row): TransitionRecord => ({
  id: row.id,
  state: row.state,
  unitId: row.owning_unit_id,
  version: row.version,
  workflowName: row.workflow_name,
  workflowVersion: row.workflow_version,
});

/** An available action with its authority in the API's words (whom a deputy acts for, which 専決 rule). */
function actionView(principal: Principal, a: AvailableAction): ActionView {
  const absent = a.authority.onBehalfOf ? principal.deputyships.find((d) => d.absent.id === a.authority.onBehalfOf)?.absent : undefined;
  return {
    action: a.action,
    to: a.to,
    ...(a.label ? { label: a.label } : {}),
    requires: a.requires,
    authority: {
      role: a.authority.role,
      delegated: a.authority.delegation ? { role: a.authority.role, label: a.authority.delegation.label ?? null } : null,
      onBehalfOf: absent ? { id: absent.id, username: absent.username } : null,
    },
  };
}

/** What a revision snapshot and a change comparison look at. */
function contentOf(r: Row) {
  return {
    title: r.title,
    summary: r.summary,
    policyId: r.policy_id,
    themeId: r.theme_id,
    expectedEffect: r.expected_effect,
    expectedAmount: r.expected_amount === null ? null : Number(r.expected_amount),
    schedule: r.schedule,
    relatedIndicators: r.related_indicators,
    collaboratingUnitIds: (r.collaborators as Array<{ id: string }>).map((c) => c.id).sort(),
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
  private readonly spec: WorkflowSubjectSpec<ProposalGuardContext, Row> = {
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
        await prepared(h.manager, `UPDATE proposal SET first_submitted_at = coalesce(first_submitted_at, now()) WHERE id = $1`, [h.record.id]);
        h.row.first_submitted_at = new Date();
      },
      // The unit has answered the inquiry once a proposal of it leaves the bureau.
      satisfyInquiryDeadline: async (h) => {
        if (!h.row.left_bureau_at) await this.deadlines.inquiryAnswered(h.manager, h.row.inquiry_id, h.row.owning_unit_id);
      },
      recordMerge: async (h) => {
        const target = String(h.inputs['targetProposalId']);
        await prepared(h.manager, `UPDATE proposal SET merged_into_id = $2 WHERE id = $1`, [h.record.id, target]);
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
        const initiativeId = await this.initiatives.createFromProposal(h.manager, h.record.id, h.context.meeting?.id ?? null);
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
    const filter = `WHERE ${where.join(' AND ')}`;
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM proposal p JOIN org_unit ou ON ou.id = p.owning_unit_id ${filter}`, params.values);
    const rows: Row[] = await this.dataSource.query(
      `${SELECT} ${filter} ORDER BY p.created_at, p.id LIMIT ${params.add(query.pageSize)} OFFSET ${params.add(query.offset)}`,
      params.values,
    );
    return pageOf(await Promise.all(rows.map((r) => this.view(r))), total, query);
  }

  async get(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<ProposalView> {
    return this.view(await this.visibleRow(principal, id, manager));
  }

  async history(principal: Principal, id: string): Promise<HistoryEntry[]> {
    await this.visibleRow(principal, id);
    const entries = await this.audit.forEntity('proposal', id);
    return entries.map((e) => ({
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
    const rows: Row[] = await this.dataSource.query(
      `SELECT r.revision, r.content, r.changed_fields, r.reason, r.created_at, u.username AS author
         FROM proposal_revision r LEFT JOIN app_user u ON u.id = r.author_id WHERE r.proposal_id = $1 ORDER BY r.revision`,
      [id],
    );
    return rows.map((r) => ({ revision: r.revision, at: iso(r.created_at), author: r.author, changedFields: r.changed_fields, reason: r.reason, content: r.content }));
  }

  /** The actions the caller may take now (roles and guards; inputs such as a comment are theirs to give). */
  async actions(principal: Principal, id: string): Promise<ActionView[]> {
    const row = await this.visibleRow(principal, id);
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    const context = await this.guardContext(this.dataSource.manager, principal, row, {});
    return engine.availableActions({ state: row.state, unitId: row.owning_unit_id }, workflowActor(principal), context).map((a) => actionView(principal, a));
  }

  // ── writing (inside the caller's transaction) ──────────────────────────────

  async create(m: EntityManager, principal: Principal, dto: CreateProposalDto): Promise<ProposalView> {
    const [inquiry]: Row[] = await m.query(`SELECT id, plan_id, state, workflow_name, workflow_version FROM inquiry WHERE id = $1`, [dto.inquiryId]);
    if (!inquiry || (await this.inquiries.isDraft(inquiry))) throw new ValidationFailedError([{ field: 'inquiryId', message: 'names no open inquiry' }]);
    if (!(await this.inquiries.acceptsProposals(inquiry))) throw new DomainError('TRANSITION_NOT_ALLOWED', 'The inquiry is not open: new proposals cannot be drafted for it');
    const unitId = await this.owningUnitFor(m, principal, dto.owningUnit);
    const target = await m.query(`SELECT 1 FROM inquiry_target WHERE inquiry_id = $1 AND org_unit_id = $2`, [inquiry.id, unitId]);
    if (target.length === 0) throw new ValidationFailedError([{ field: 'owningUnit', message: 'is not a target unit of this inquiry' }]);
    const [{ proposal_workflow }] = await m.query(`SELECT proposal_workflow FROM plan WHERE id = $1`, [inquiry.plan_id]);
    const workflow = await this.workflows.latest(proposal_workflow, m);
    const content = await this.resolveContent(m, inquiry.plan_id, unitId, dto);
    const [{ id }] = await m.query(
      `INSERT INTO proposal (inquiry_id, plan_id, owning_unit_id, title, summary, policy_id, theme_id, expected_effect, expected_amount,
                             schedule, related_indicators, state, workflow_name, workflow_version, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12, $13, $14, $15) RETURNING id`,
      [
        inquiry.id,
        inquiry.plan_id,
        unitId,
        dto.title,
        content.summary ?? '',
        content.policyId ?? null,
        content.themeId ?? null,
        content.expectedEffect ?? '',
        content.expectedAmount ?? null,
        JSON.stringify(content.schedule ?? []),
        JSON.stringify(content.relatedIndicators ?? []),
        workflow.definition.initial,
        workflow.name,
        workflow.version,
        principal.id,
      ],
    );
    await this.setCollaborators(m, id, content.collaboratingUnitIds ?? []);
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

  async update(m: EntityManager, principal: Principal, id: string, expectedVersion: number, dto: ProposalContentDto): Promise<ProposalView> {
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
  async correct(m: EntityManager, principal: Principal, id: string, expectedVersion: number, dto: CorrectProposalDto): Promise<ProposalView> {
    const row = await this.visibleRow(principal, id, m);
    if (!scopeIncludes(principal.scopeFor('secretariat'), row.owning_unit_id)) throw new DomainError('FORBIDDEN', 'Corrections are recorded by the secretariat');
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (!engine.hasTag(row.state, 'decided')) throw new NotEditableError('Only a decided proposal is corrected; edit it instead');
    return this.applyChange(m, principal, row, expectedVersion, dto.changes, { action: 'correct', reason: dto.reason, forceRevision: true });
  }

  async transition(m: EntityManager, principal: Principal, id: string, expectedVersion: number, input: TransitionDto): Promise<ProposalView> {
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
    return this.view({ ...row, ...outcome.stamped, state: outcome.decision.to, version: expectedVersion + 1, updated_at: outcome.at });
  }

  /** Whether the proposal, in its state, waits for a meeting of this kind (goes on its agenda). */
  async awaitsMeeting(row: { state: string; workflow_name: string; workflow_version: number }, kind: MeetingKind): Promise<{ awaits: boolean; states: string[] }> {
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    return { awaits: engine.hasTag(row.state, agendaTag(kind)), states: engine.statesTagged(agendaTag(kind)) };
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** The row if the caller may see it; otherwise the same 404 as for a proposal that does not exist. */
  private async visibleRow(principal: Principal, id: string, manager: EntityManager = this.dataSource.manager): Promise<Row> {
    const params = new SqlParams();
    const idParam = params.add(id);
    const { rows } = await prepared<Row>(manager, `${SELECT} WHERE p.id = ${idParam} AND ${visibleProposalsSql(principal, 'p', params)}`, params.values);
    if (rows.length === 0) throw new NotFoundError('The proposal');
    return rows[0];
  }

  private engineFor(name: string, version: number): Promise<WorkflowEngine<ProposalGuardContext>> {
    return this.pipeline.engine(this.spec, name, version);
  }

  private async guardContext(m: EntityManager, principal: Principal, row: Row, input: Partial<TransitionDto>): Promise<ProposalGuardContext> {
    const context: ProposalGuardContext = {
      proposal: {
        id: row.id,
        planId: row.plan_id,
        title: row.title,
        summary: row.summary,
        policyId: row.policy_id,
        expectedEffect: row.expected_effect,
        schedule: row.schedule,
        expectedAmount: row.expected_amount === null ? null : Number(row.expected_amount),
        policyNumber: row.policy_number ?? null,
        themeNumber: row.theme_number ?? null,
        owningUnitCode: row.unit_code,
      },
      inquiryAccepting: await this.inquiries.acceptsProposals({ state: row.inquiry_state, workflow_name: row.inquiry_workflow_name, workflow_version: row.inquiry_workflow_version }),
    };
    if (input.targetProposalId) {
      const target = await this.visibleRow(principal, input.targetProposalId, m).catch(() => null);
      if (target) {
        const targetEngine = await this.engineFor(target.workflow_name, target.workflow_version);
        context.mergeTarget = { id: target.id, planId: target.plan_id, state: target.state, final: targetEngine.isFinal(target.state) };
      } else {
        context.mergeTarget = null;
      }
    }
    if (input.meetingId) {
      const [meeting] = await m.query(`SELECT id, kind FROM meeting WHERE id = $1 AND plan_id = $2`, [input.meetingId, row.plan_id]);
      if (!meeting) throw new ValidationFailedError([{ field: 'meetingId', message: 'names no meeting of this plan' }]);
      context.meeting = meeting;
    } else {
      const engine = await this.engineFor(row.workflow_name, row.workflow_version);
      const kind = MEETING_KINDS.find((k) => engine.hasTag(row.state, agendaTag(k)));
      if (kind) {
        const [meeting] = await m.query(
          `SELECT mt.id, mt.kind FROM meeting mt JOIN meeting_agenda_item a ON a.meeting_id = mt.id
            WHERE a.proposal_id = $1 AND mt.kind = $2 ORDER BY mt.held_on DESC, mt.created_at DESC LIMIT 1`,
          [row.id, kind],
        );
        context.meeting = meeting ?? null;
      }
    }
    return context;
  }

  private async owningUnitFor(m: EntityManager, principal: Principal, code: string | undefined): Promise<string> {
    const editorScope = principal.scopeFor('bureau_editor');
    if (code) {
      const [unit] = await m.query(`SELECT id FROM org_unit WHERE code = $1`, [code]);
      if (!unit) throw new ValidationFailedError([{ field: 'owningUnit', message: 'names no organisation unit' }]);
      if (!scopeIncludes(editorScope, unit.id)) throw new DomainError('FORBIDDEN', 'You draft proposals for your own units only');
      return unit.id;
    }
    const own = principal.grants.filter((g) => g.role === 'bureau_editor');
    if (own.length !== 1) {
      throw new ValidationFailedError([{ field: 'owningUnit', message: own.length === 0 ? 'you hold no bureau editor role' : 'name the unit: you edit for several' }]);
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
      schedule?: Array<{ fiscalYear: number; step: string }>;
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
      const [policy] = await m.query(`SELECT id FROM plan_policy WHERE plan_id = $1 AND number = $2`, [planId, dto.policyNumber]);
      if (!policy) throw new ValidationFailedError([{ field: 'policyNumber', message: 'is not a policy of the plan' }]);
      out.policyId = policy.id;
      out.themeId = null;
      if (dto.themeNumber !== undefined) {
        const [theme] = await m.query(`SELECT id FROM plan_theme WHERE policy_id = $1 AND number = $2`, [policy.id, dto.themeNumber]);
        if (!theme) throw new ValidationFailedError([{ field: 'themeNumber', message: 'is not a theme of that policy' }]);
        out.themeId = theme.id;
      }
    }
    if (dto.schedule !== undefined) {
      const [plan] = await m.query(`SELECT first_fiscal_year AS first, last_fiscal_year AS last FROM plan WHERE id = $1`, [planId]);
      const errors = dto.schedule.flatMap((s, i) =>
        s.fiscalYear < plan.first || s.fiscalYear > plan.last
          ? [{ field: `schedule[${i}].fiscalYear`, message: `must lie in the plan period ${plan.first}–${plan.last}` }]
          : [],
      );
      const years = dto.schedule.map((s) => s.fiscalYear);
      if (new Set(years).size !== years.length) errors.push({ field: 'schedule', message: 'names a fiscal year twice' });
      if (errors.length > 0) throw new ValidationFailedError(errors);
      out.schedule = [...dto.schedule].sort((a, b) => a.fiscalYear - b.fiscalYear).map((s) => ({ fiscalYear: s.fiscalYear, step: s.step }));
    }
    if (dto.collaboratingUnits !== undefined) {
      const rows: Array<{ id: string; code: string }> = await m.query(`SELECT id, code FROM org_unit WHERE code = ANY($1)`, [dto.collaboratingUnits]);
      const unknown = dto.collaboratingUnits.filter((c) => !rows.some((r) => r.code === c));
      if (unknown.length > 0) throw new ValidationFailedError([{ field: 'collaboratingUnits', message: `unknown units: ${unknown.join(', ')}` }]);
      if (rows.some((r) => r.id === owningUnitId)) throw new ValidationFailedError([{ field: 'collaboratingUnits', message: 'must not include the owning unit' }]);
      out.collaboratingUnitIds = rows.map((r) => r.id);
    }
    return out;
  }

  private async setCollaborators(m: EntityManager, proposalId: string, unitIds: string[]): Promise<void> {
    await m.query(`DELETE FROM proposal_collaborator WHERE proposal_id = $1`, [proposalId]);
    if (unitIds.length > 0) {
      await m.query(`INSERT INTO proposal_collaborator (proposal_id, org_unit_id) SELECT $1, unnest($2::uuid[])`, [proposalId, unitIds]);
    }
  }

  private async applyChange(
    m: EntityManager,
    principal: Principal,
    row: Row,
    expectedVersion: number,
    dto: ProposalContentDto,
    how: { action: 'edit' | 'correct'; reason?: string; forceRevision?: boolean },
  ): Promise<ProposalView> {
    if (row.version !== expectedVersion) throw new VersionConflictError(row.version);
    const c = await this.resolveContent(m, row.plan_id, row.owning_unit_id, dto);
    const before = contentOf(row);
    const { affected } = await execute(
      m,
      `UPDATE proposal SET title = $3, summary = $4, policy_id = $5, theme_id = $6, expected_effect = $7, expected_amount = $8,
              schedule = $9::jsonb, related_indicators = $10::jsonb, version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2`,
      [
        row.id,
        expectedVersion,
        c.title ?? row.title,
        c.summary ?? row.summary,
        c.policyId !== undefined ? c.policyId : row.policy_id,
        c.themeId !== undefined ? c.themeId : row.theme_id,
        c.expectedEffect ?? row.expected_effect,
        c.expectedAmount !== undefined ? c.expectedAmount : row.expected_amount,
        JSON.stringify(c.schedule ?? row.schedule),
        JSON.stringify(c.relatedIndicators ?? row.related_indicators),
      ],
    );
    if (affected !== 1) throw new VersionConflictError(row.version);
    if (c.collaboratingUnitIds !== undefined) await this.setCollaborators(m, row.id, c.collaboratingUnitIds);

    const afterRow: Row = (await m.query(`${SELECT} WHERE p.id = $1`, [row.id]))[0];
    const after = contentOf(afterRow);
    const changed = (Object.keys(after) as Array<keyof typeof after>).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
    let revision: number = row.revision;
    // Drafts change freely; once a proposal has been submitted every change is kept as a revision.
    if ((row.first_submitted_at || how.forceRevision) && changed.length > 0) {
      revision = row.revision + 1;
      await m.query(
        `INSERT INTO proposal_revision (proposal_id, revision, content, changed_fields, reason, author_id) VALUES ($1, $2, $3::jsonb, $4, $5, $6)`,
        [row.id, revision, JSON.stringify(after), changed, how.reason ?? null, principal.id],
      );
      await m.query(`UPDATE proposal SET revision = $2 WHERE id = $1`, [row.id, revision]);
    }
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'proposal',
      entityId: row.id,
      action: how.action,
      details: { version: expectedVersion + 1, changedFields: changed, revision, ...(how.reason ? { reason: how.reason } : {}) },
    });
    return this.get(principal, row.id, m);
  }

  private async view(r: Row): Promise<ProposalView> {
    const engine = await this.engineFor(r.workflow_name, r.workflow_version);
    return {
      id: r.id,
      inquiryId: r.inquiry_id,
      planId: r.plan_id,
      owningUnit: { id: r.owning_unit_id, code: r.unit_code, nameJa: r.unit_name_ja },
      title: r.title,
      summary: r.summary,
      policy: r.policy_id ? { id: r.policy_id, number: r.policy_number, title: r.policy_title } : null,
      theme: r.theme_id ? { id: r.theme_id, number: r.theme_number, title: r.theme_title } : null,
      collaboratingUnits: r.collaborators,
      expectedEffect: r.expected_effect,
      expectedAmount: r.expected_amount === null ? null : Number(r.expected_amount),
      schedule: (r.schedule as Array<{ fiscalYear: number; step: string }>).map((s) => ({ ...s, label: fiscalYearLabel(s.fiscalYear) })),
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
