import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { scopeIncludes, transitionActor, type Principal } from '#libs/identity';
import {
  AppConfig,
  AuditLog,
  DomainError,
  NotFoundError,
  OutboxService,
  TransitionPipeline,
  trimmed,
  ValidationFailedError,
  VersionConflictError,
  WorkflowRegistry,
  type WorkflowSubjectSpec,
} from '#libs/platform';
import { DeadlinesService } from '#libs/scheduling';
import type { Label, WorkflowEngine } from '#libs/workflow';
import { needsReason, scaleOf, type ScaleEntry } from '#libs/planning';
import {
  insertReport,
  reportExists,
  selectReport,
  selectReportedInitiative,
  selectReportsOf,
  updateReportContent,
  type ProgressReportRow,
  type ProgressReportWithUnitRow,
  type ReportPeriod,
} from './progress-report.queries.js';

export class ProgressReportContentDto {
  @ApiPropertyOptional({ description: 'status code or its Japanese label (計画通り進捗 …)', example: 'on_track' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MaxLength(64)
  status?: string;

  @ApiPropertyOptional({ description: '進捗の説明' }) @IsOptional() @IsString() @MaxLength(8000) narrative?: string;
  @ApiPropertyOptional({ description: '遅れ・変更の理由 (required unless on track, ahead or completed)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  reason?: string;
  @ApiPropertyOptional({ description: '計画効果額（千円）' })
  @IsOptional()
  @IsInt()
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  plannedAmount?: number;
  @ApiPropertyOptional({ description: '実績効果額（千円）' })
  @IsOptional()
  @IsInt()
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  actualAmount?: number;
}

export class CreateProgressReportDto extends ProgressReportContentDto {
  @ApiProperty({ example: 2024, description: 'fiscal year (2024 = 令和6年度)' })
  @IsInt()
  @Min(1989)
  @Max(2200)
  fiscalYear!: number;

  @ApiPropertyOptional({ enum: ['annual', 'midyear'], default: 'annual' })
  @IsOptional()
  @IsIn(['annual', 'midyear'])
  period?: ReportPeriod;

  @ApiProperty({ example: 'on_track' })
  @Transform(trimmed)
  @IsString()
  @MaxLength(64)
  declare status: string;
}

export class ProgressTransitionDto {
  @ApiProperty({ enum: ['submit', 'confirm', 'return'] }) @Matches(/^[a-z][a-z0-9_]{0,63}$/) action!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export interface ProgressReportView {
  id: string;
  initiativeId: string;
  fiscalYear: number;
  fiscalYearLabel: string;
  period: ReportPeriod;
  status: { code: string; label: string; normalized: string; colour: string };
  narrative: string;
  reason: string;
  plannedAmount: number | null;
  actualAmount: number | null;
  state: string;
  stateLabel: Label | null;
  submittedAt: string | null;
  confirmedAt: string | null;
  version: number;
}

/** A status given as its code or its Japanese label, resolved against the plan's scale. */
export function resolveStatus(scale: ScaleEntry[], given: string): ScaleEntry | undefined {
  return scale.find((s) => s.code === given) ?? scale.find((s) => s.labelJa === given);
}

/**
 * Progress reports (進捗報告) per initiative and fiscal year: the owning bureau drafts and
 * submits, the secretariat confirms or returns (the progress-report workflow, data like the
 * proposal cycle). A confirmation queues the roll-up's recount in the same transaction.
 */
@Injectable()
export class ProgressReportsService {
  private readonly spec: WorkflowSubjectSpec<object, ProgressReportWithUnitRow> = {
    subject: 'progress-report',
    table: 'progress_report',
    entityType: 'progress_report',
    guards: {},
    stamps: [
      { column: 'submitted_at', tag: 'left_bureau', keep: 'latest' },
      { column: 'confirmed_at', tag: 'counted', keep: 'while' },
    ],
    hooks: {
      satisfyReportDeadline: async (h) => {
        // Only the yearly report answers the plan's deadline; a mid-year check is extra.
        if (h.row.period === 'annual')
          await this.deadlines.satisfy(h.manager, `progress_report:${h.row.initiative_id}:${h.row.fiscal_year}`);
      },
      // The recount runs after commit, in the worker, a little later: confirmations meanwhile
      // share it (JOB_COALESCING). The nightly job is the safety net.
      queueRollupRecount: async (h) => {
        const delay = this.config.ROLLUP_REFRESH_DELAY_MS;
        await this.outbox.enqueue(
          h.manager,
          'rollups.refresh',
          { planId: h.row.plan_id, fiscalYear: h.row.fiscal_year },
          delay > 0 ? { runAt: new Date(Date.now() + delay) } : {},
        );
      },
    },
  };

  constructor(
    private readonly dataSource: DataSource,
    private readonly workflows: WorkflowRegistry,
    private readonly audit: AuditLog,
    private readonly outbox: OutboxService,
    private readonly pipeline: TransitionPipeline,
    private readonly deadlines: DeadlinesService,
    private readonly config: AppConfig,
  ) {}

  /** Confirmed (counted) reports are public; drafts and submitted ones belong to the bureau and the secretariat (and their deputies, 代決). */
  private canSeeUnconfirmed(principal: Principal, unitId: string): boolean {
    return (
      scopeIncludes(principal.scopeFor('admin'), unitId) ||
      scopeIncludes(principal.actingScopeFor('bureau_editor', 'bureau_approver', 'secretariat'), unitId)
    );
  }

  async list(principal: Principal, initiativeId: string): Promise<ProgressReportView[]> {
    const m = this.dataSource.manager;
    const initiative = await selectReportedInitiative(m, initiativeId);
    if (!initiative) throw new NotFoundError('The initiative');
    const rows = await selectReportsOf(m, initiativeId, !this.canSeeUnconfirmed(principal, initiative.owning_unit_id));
    const scale = await scaleOf(m, initiative.plan_id);
    return Promise.all(rows.map((r) => this.view(r, scale)));
  }

  async get(principal: Principal, id: string, m: EntityManager = this.dataSource.manager): Promise<ProgressReportView> {
    const row = await this.visibleRow(principal, id, m);
    return this.view(row, await scaleOf(m, row.plan_id));
  }

  async create(
    m: EntityManager,
    principal: Principal,
    initiativeId: string,
    dto: CreateProgressReportDto,
  ): Promise<ProgressReportView> {
    const i = await selectReportedInitiative(m, initiativeId);
    if (!i) throw new NotFoundError('The initiative');
    if (!scopeIncludes(principal.scopeFor('bureau_editor'), i.owning_unit_id))
      throw new DomainError('FORBIDDEN', 'Progress is reported by the owning bureau’s editors');
    if (dto.fiscalYear < i.first_fiscal_year || dto.fiscalYear > i.last_fiscal_year) {
      throw new ValidationFailedError([
        { field: 'fiscalYear', message: `must lie in the plan period ${i.first_fiscal_year}–${i.last_fiscal_year}` },
      ]);
    }
    const scale = await scaleOf(m, i.plan_id);
    const status = this.checkedStatus(scale, dto.status, dto.reason ?? '');
    const workflow = await this.workflows.latest('progress-report', m);
    const period = dto.period ?? 'annual';
    if (await reportExists(m, initiativeId, dto.fiscalYear, period))
      throw new DomainError(
        'CONFLICT',
        `A ${period} report for ${fiscalYearLabel(dto.fiscalYear)} exists; edit it instead`,
      );
    const id = await insertReport(m, {
      initiativeId,
      planId: i.plan_id,
      fiscalYear: dto.fiscalYear,
      period,
      statusCode: status.code,
      narrative: dto.narrative ?? '',
      reason: dto.reason ?? '',
      plannedAmount: dto.plannedAmount ?? null,
      actualAmount: dto.actualAmount ?? null,
      state: workflow.definition.initial,
      workflowName: workflow.name,
      workflowVersion: workflow.version,
      createdBy: principal.id,
    });
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'progress_report',
      entityId: id,
      action: 'create',
      toState: workflow.definition.initial,
      details: { version: 1, initiativeId, fiscalYear: dto.fiscalYear, status: status.code },
    });
    return this.get(principal, id, m);
  }

  async update(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    dto: ProgressReportContentDto,
  ): Promise<ProgressReportView> {
    const row = await this.visibleRow(principal, id, m);
    if (!scopeIncludes(principal.scopeFor('bureau_editor'), row.owning_unit_id))
      throw new DomainError('FORBIDDEN', 'Progress is reported by the owning bureau’s editors');
    const engine = await this.engineFor(row.workflow_name, row.workflow_version);
    if (!engine.hasTag(row.state, 'editable_by_owner'))
      throw new DomainError('DECIDED_IMMUTABLE', `The report is ${row.state}; only a draft is edited`);
    const scale = await scaleOf(m, row.plan_id);
    const status = this.checkedStatus(scale, dto.status ?? row.status_code, dto.reason ?? row.reason);
    const affected = await updateReportContent(m, id, expectedVersion, {
      statusCode: status.code,
      narrative: dto.narrative ?? row.narrative,
      reason: dto.reason ?? row.reason,
      plannedAmount: dto.plannedAmount !== undefined ? dto.plannedAmount : row.planned_amount,
      actualAmount: dto.actualAmount !== undefined ? dto.actualAmount : row.actual_amount,
    });
    if (affected !== 1) throw new VersionConflictError(row.version);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: 'progress_report',
      entityId: id,
      action: 'edit',
      details: { version: expectedVersion + 1, changedFields: Object.keys(dto) },
    });
    return this.get(principal, id, m);
  }

  async transition(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedVersion: number,
    input: ProgressTransitionDto,
  ): Promise<ProgressReportView> {
    const row = await this.visibleRow(principal, id, m);
    const outcome = await this.pipeline.run(m, this.spec, {
      actor: transitionActor(principal),
      record: {
        id,
        state: row.state,
        unitId: row.owning_unit_id,
        version: row.version,
        workflowName: row.workflow_name,
        workflowVersion: row.workflow_version,
      },
      row,
      expectedVersion,
      action: input.action,
      inputs: { comment: input.comment },
      context: {},
    });
    // The answer is the row as it now stands, without reading it back.
    return this.view(
      { ...row, ...outcome.stamped, state: outcome.decision.to, version: expectedVersion + 1 },
      await scaleOf(m, row.plan_id),
    );
  }

  private checkedStatus(scale: ScaleEntry[], given: string, reason: string): ScaleEntry {
    const status = resolveStatus(scale, given);
    if (!status)
      throw new ValidationFailedError([
        { field: 'status', message: `is not on this plan’s scale (${scale.map((s) => s.labelJa).join(' / ')})` },
      ]);
    if (needsReason(status.normalized) && !reason.trim()) {
      throw new ValidationFailedError([
        { field: 'reason', message: `is required when the status is ${status.labelJa}` },
      ]);
    }
    return status;
  }

  private async visibleRow(principal: Principal, id: string, m: EntityManager): Promise<ProgressReportWithUnitRow> {
    const row = await selectReport(m, id);
    if (!row || (!row.confirmed_at && !this.canSeeUnconfirmed(principal, row.owning_unit_id)))
      throw new NotFoundError('The progress report');
    return row;
  }

  private engineFor(name: string, version: number): Promise<WorkflowEngine<object>> {
    return this.pipeline.engine(this.spec, name, version);
  }

  private async view(r: ProgressReportRow, scale: ScaleEntry[]): Promise<ProgressReportView> {
    const engine = await this.engineFor(r.workflow_name, r.workflow_version);
    const s = scale.find((x) => x.code === r.status_code);
    return {
      id: r.id,
      initiativeId: r.initiative_id,
      fiscalYear: r.fiscal_year,
      fiscalYearLabel: fiscalYearLabel(r.fiscal_year),
      period: r.period,
      status: {
        code: r.status_code,
        label: s?.labelJa ?? r.status_code,
        normalized: s?.normalized ?? 'not_started',
        colour: s?.colour ?? '#999999',
      },
      narrative: r.narrative,
      reason: r.reason,
      plannedAmount: r.planned_amount === null ? null : Number(r.planned_amount),
      actualAmount: r.actual_amount === null ? null : Number(r.actual_amount),
      state: r.state,
      stateLabel: engine.state(r.state)?.label ?? null,
      submittedAt: r.submitted_at?.toISOString() ?? null,
      confirmedAt: r.confirmed_at?.toISOString() ?? null,
      version: r.version,
    };
  }
}
