import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UnitNameRef } from '#libs/identity';
import { PolicyRefResponse, ThemeResponse } from '#libs/planning';
import { LabelResponse } from '#libs/platform';
import type { Direction, Grade } from '../indicators/achievement.js';
import type { IndicatorView, YearValue } from '../indicators/indicators.service.js';
import { IMPORT_KINDS, type ImportKind, type ImportResult, type RowError } from '../imports/imports.service.js';
import type { InitiativeView } from '../initiatives.service.js';
import type { ProgressReportView } from '../progress/progress-reports.service.js';
import type {
  CouncilReport,
  NormalizedStatus,
  ReportIndicator,
  ReportIndicatorValue,
  ReportInitiative,
  ReportPolicy,
  ScaleEntry,
  SummaryRow,
} from '../report/council-report.js';
import type { RollupDimension, RollupRow, RollupView } from '../rollups/rollups.service.js';

// The answers of the tracking routes. Classes implement their views where the service
// names one, so the compiler keeps the OpenAPI document and the service in step.

const COUNTS = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'by status scale code',
} as const;
const NORMALIZED = ['ahead', 'on_track', 'delayed', 'changed', 'not_started', 'completed', 'cancelled'];
const DIRECTIONS = ['higher_better', 'lower_better', 'ceiling'];
const GRADES = ['S', 'A', 'B', 'C', '−'];

export class PlanCodeRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
}

export class InitiativeScheduleStep {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty({ example: '検討' }) step!: string;
}

export class IndicatorRef {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

/** 取組: an initiative reported to the council (or imported). */
export class InitiativeResponse implements InitiativeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: '2-03' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: PlanCodeRef }) plan!: PlanCodeRef;
  @ApiProperty({ type: PolicyRefResponse, nullable: true }) policy!: PolicyRefResponse | null;
  @ApiProperty({ type: ThemeResponse, nullable: true }) theme!: ThemeResponse | null;
  @ApiProperty({ type: UnitNameRef }) owningUnit!: UnitNameRef;
  @ApiProperty({ type: [UnitNameRef] }) collaboratingUnits!: UnitNameRef[];
  @ApiProperty({ type: [InitiativeScheduleStep] }) schedule!: InitiativeScheduleStep[];
  @ApiProperty({ type: [IndicatorRef] }) relatedIndicators!: IndicatorRef[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) proposalId!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) reportedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) councilMeetingId!: string | null;
}

/** One step of a plan's status scale (進捗状況の区分). */
export class ScaleEntryResponse implements ScaleEntry {
  @ApiProperty({ example: 'on_plan' }) code!: string;
  @ApiProperty({ example: '計画通り進捗' }) labelJa!: string;
  @ApiProperty({ enum: NORMALIZED, enumName: 'NormalizedStatus' }) normalized!: NormalizedStatus;
  @ApiProperty({ example: '#1a7f37', description: '#RRGGBB' }) colour!: string;
}

export class ProgressStatusResponse {
  @ApiProperty() code!: string;
  @ApiProperty() label!: string;
  @ApiProperty() normalized!: string;
  @ApiProperty() colour!: string;
}

/** 進捗報告: a progress report of an initiative for a fiscal year. */
export class ProgressReportResponse implements ProgressReportView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) initiativeId!: string;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty({ example: '令和6年度' }) fiscalYearLabel!: string;
  @ApiProperty({ enum: ['annual', 'midyear'] }) period!: 'annual' | 'midyear';
  @ApiProperty({ type: ProgressStatusResponse }) status!: ProgressStatusResponse;
  @ApiProperty() narrative!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: Number, nullable: true, description: '千円' }) plannedAmount!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '千円' }) actualAmount!: number | null;
  @ApiProperty() state!: string;
  @ApiProperty({ type: LabelResponse, nullable: true }) stateLabel!: LabelResponse | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) submittedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt!: string | null;
  @ApiProperty({ description: 'also the ETag' }) version!: number;
}

export class YearValueResponse implements YearValue, ReportIndicatorValue {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty({ example: '令和6年度' }) label!: string;
  @ApiProperty() value!: number;
}

export class MeasurementResponse extends YearValueResponse {
  @ApiProperty() note!: string;
}

/** 検証指標: an indicator (KPI) with its measurements and how it stands. */
export class IndicatorResponse implements IndicatorView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() decimals!: number;
  @ApiProperty({ enum: DIRECTIONS, enumName: 'IndicatorDirection' }) direction!: Direction;
  @ApiProperty({ type: YearValueResponse }) baseline!: YearValueResponse;
  @ApiProperty({ type: YearValueResponse }) target!: YearValueResponse;
  @ApiProperty({ type: [MeasurementResponse] }) measurements!: MeasurementResponse[];
  @ApiProperty({ type: YearValueResponse, nullable: true, description: 'the latest measurement' })
  actual!: YearValueResponse | null;
  @ApiProperty({ type: Number, nullable: true, description: 'percent' }) achievementRate!: number | null;
  @ApiProperty({ enum: GRADES, enumName: 'IndicatorGrade' }) grade!: Grade;
  @ApiProperty() gradingBand!: number;
  @ApiProperty({ description: 'also the ETag' }) version!: number;
}

export class RollupKeyResponse {
  @ApiProperty({ type: String, nullable: true }) id!: string | null;
  @ApiProperty() code!: string;
  @ApiProperty() label!: string;
}

export class RollupRowResponse implements RollupRow {
  @ApiProperty({ type: RollupKeyResponse }) key!: RollupKeyResponse;
  @ApiProperty(COUNTS) counts!: Record<string, number>;
  @ApiProperty() total!: number;
}

/** 進捗状況の集計: initiatives per status for a plan's year, optionally by policy or unit. */
export class RollupResponse implements RollupView {
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ type: [ScaleEntryResponse] }) scale!: ScaleEntryResponse[];
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty() total!: number;
  @ApiPropertyOptional({ enum: ['policy', 'orgUnit'] }) by?: RollupDimension;
  @ApiPropertyOptional({ type: [RollupRowResponse] }) rows?: RollupRowResponse[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) refreshedAt!: string | null;
}

/** A frozen snapshot in the list. */
export class SnapshotSummaryResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty() contentHash!: string;
}

/** The snapshot just taken. */
export class TakenSnapshotResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty() contentHash!: string;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty() total!: number;
}

export class SnapshotRollupEntry {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) policyId!: string | null;
  @ApiProperty({ format: 'uuid' }) orgUnitId!: string;
  @ApiProperty() statusCode!: string;
  @ApiProperty() count!: number;
}

export class SnapshotInitiativeEntry {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() statusCode!: string;
  @ApiProperty() reason!: string;
}

export class SnapshotContentResponse {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty({ type: [ScaleEntryResponse] }) scale!: ScaleEntryResponse[];
  @ApiProperty({ type: [SnapshotRollupEntry] }) rollup!: SnapshotRollupEntry[];
  @ApiProperty({ type: [SnapshotInitiativeEntry] }) initiatives!: SnapshotInitiativeEntry[];
}

/** One snapshot, as frozen. */
export class SnapshotResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date-time' }) takenAt!: string;
  @ApiProperty() contentHash!: string;
  @ApiProperty({ type: SnapshotContentResponse }) content!: SnapshotContentResponse;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty() total!: number;
}

export class SnapshotSideResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() title!: string;
  @ApiProperty(COUNTS) totals!: Record<string, number>;
}

export class StatusRefResponse {
  @ApiProperty() code!: string;
  @ApiProperty({ type: String, nullable: true }) label!: string | null;
}

export class SnapshotChangeResponse {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: StatusRefResponse, nullable: true }) from!: StatusRefResponse | null;
  @ApiProperty({ type: StatusRefResponse, nullable: true }) to!: StatusRefResponse | null;
  @ApiProperty() reason!: string;
}

/** What changed between two snapshots. */
export class SnapshotComparisonResponse {
  @ApiProperty({ type: SnapshotSideResponse }) from!: SnapshotSideResponse;
  @ApiProperty({ type: SnapshotSideResponse }) to!: SnapshotSideResponse;
  @ApiProperty({ type: [SnapshotChangeResponse] }) changes!: SnapshotChangeResponse[];
}

export class RowErrorResponse implements RowError {
  @ApiProperty({ description: 'row number in the file (1 = first data row)' }) row!: number;
  @ApiProperty() column!: string;
  @ApiProperty() problem!: string;
}

/** What an import (or a dry run of one) did. */
export class ImportResultResponse implements ImportResult {
  @ApiProperty({ enum: IMPORT_KINDS, enumName: 'ImportKind' }) kind!: ImportKind;
  @ApiProperty() dryRun!: boolean;
  @ApiProperty() rows!: number;
  @ApiProperty() created!: number;
  @ApiProperty() updated!: number;
  @ApiProperty({ type: [RowErrorResponse] }) errors!: RowErrorResponse[];
}

export class ReportPlanResponse {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: '令和6年度～令和9年度' }) periodLabel!: string;
}

export class SummaryRowResponse implements SummaryRow {
  @ApiProperty() policyNumber!: number;
  @ApiProperty() policyTitle!: string;
  @ApiProperty(COUNTS) counts!: Record<string, number>;
  @ApiProperty() total!: number;
}

export class ReportSummaryResponse {
  @ApiProperty({ type: [SummaryRowResponse] }) rows!: SummaryRowResponse[];
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty() total!: number;
  @ApiProperty() unreported!: number;
}

export class ReportInitiativeResponse implements ReportInitiative {
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() unitName!: string;
  @ApiProperty({ type: String, nullable: true, description: 'null: no confirmed report for the year' }) statusCode!:
    string | null;
  @ApiProperty({ type: String, nullable: true }) statusLabel!: string | null;
  @ApiProperty() narrative!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ type: Number, nullable: true, description: '千円' }) plannedAmount!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '千円' }) actualAmount!: number | null;
}

export class ReportPolicyResponse implements ReportPolicy {
  @ApiProperty() number!: number;
  @ApiProperty() title!: string;
  @ApiProperty({ type: [ReportInitiativeResponse] }) initiatives!: ReportInitiativeResponse[];
}

export class ReportIndicatorResponse implements ReportIndicator {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() decimals!: number;
  @ApiProperty({ enum: DIRECTIONS, enumName: 'IndicatorDirection' }) direction!: Direction;
  @ApiProperty({ type: YearValueResponse }) baseline!: YearValueResponse;
  @ApiProperty({ type: YearValueResponse }) target!: YearValueResponse;
  @ApiProperty({ type: YearValueResponse, nullable: true }) actual!: YearValueResponse | null;
  @ApiProperty({ type: Number, nullable: true, description: 'percent, e.g. 62.5' }) achievementRate!: number | null;
  @ApiProperty({ enum: GRADES, enumName: 'IndicatorGrade' }) grade!: Grade;
  @ApiPropertyOptional({ description: 'the grading rule’s band (0.1 = ±10 points); absent: the default' })
  gradingBand?: number;
}

/** The signed audit checkpoint a report was made under. */
export class ReportAuditCheckpointResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() seq!: number;
  @ApiProperty() headHash!: string;
  @ApiProperty({ format: 'date-time' }) signedAt!: string;
  @ApiProperty() keyId!: string;
}

/** 市議会報告: the council report of a plan's year. */
export class CouncilReportResponse implements CouncilReport {
  @ApiProperty({ type: ReportPlanResponse }) plan!: ReportPlanResponse;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ type: [ScaleEntryResponse] }) scale!: ScaleEntryResponse[];
  @ApiProperty({ type: ReportSummaryResponse }) summary!: ReportSummaryResponse;
  @ApiProperty({ type: [ReportPolicyResponse] }) policies!: ReportPolicyResponse[];
  @ApiProperty({ type: [ReportIndicatorResponse] }) indicators!: ReportIndicatorResponse[];
  @ApiProperty({ format: 'date-time' }) generatedAt!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) snapshotId!: string | null;
  @ApiPropertyOptional({
    type: ReportAuditCheckpointResponse,
    nullable: true,
    description: 'the latest signed audit checkpoint when the report was made (null: none yet)',
  })
  auditCheckpoint?: ReportAuditCheckpointResponse | null;
}
