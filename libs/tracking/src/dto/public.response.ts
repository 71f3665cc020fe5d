import { ApiProperty } from '@nestjs/swagger';

// The answers of /api/v1/public/…: exactly the fields of public-projection.ts (the leak test
// compares both with the real answers), documented for integrators.

const COUNTS = {
  type: 'object',
  additionalProperties: { type: 'integer' },
  description: 'counts by status scale code',
} as const;
const NORMALIZED = ['ahead', 'on_track', 'delayed', 'changed', 'not_started', 'completed', 'cancelled'];
const DIRECTIONS = ['higher_better', 'lower_better', 'ceiling'];
const GRADES = ['S', 'A', 'B', 'C', '−'];

export class PublicPlanRef {
  @ApiProperty({ example: 'kaikaku-2027' }) code!: string;
  @ApiProperty() name!: string;
}

export class PublicPlanSummary extends PublicPlanRef {
  @ApiProperty({ example: 2024 }) firstFiscalYear!: number;
  @ApiProperty({ example: 2027 }) lastFiscalYear!: number;
  @ApiProperty({ example: '令和6年度～令和9年度' }) periodLabel!: string;
}

export class PublicPlanListResponse {
  @ApiProperty({ type: [PublicPlanSummary] }) items!: PublicPlanSummary[];
  @ApiProperty() total!: number;
}

export class PublicNumbered {
  @ApiProperty({ example: 1 }) number!: number;
  @ApiProperty() title!: string;
}

export class PublicPolicy extends PublicNumbered {
  @ApiProperty() description!: string;
  @ApiProperty({ type: [PublicNumbered] }) themes!: PublicNumbered[];
}

export class PublicScaleEntry {
  @ApiProperty({ example: 'on_track' }) code!: string;
  @ApiProperty({ example: '計画通り進捗' }) labelJa!: string;
  @ApiProperty({ enum: NORMALIZED }) normalized!: string;
  @ApiProperty({ example: '#2E7D32' }) colour!: string;
}

export class PublicYearTotals {
  @ApiProperty({ example: 2022 }) fiscalYear!: number;
  @ApiProperty({ example: '令和4年度' }) fiscalYearLabel!: string;
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty({ example: 137 }) total!: number;
}

/** A plan as published: 計画期間, MVV, 方針 and テーマ, its status scale, and each year's confirmed totals. */
export class PublicPlanResponse extends PublicPlanSummary {
  @ApiProperty() mission!: string;
  @ApiProperty() vision!: string;
  @ApiProperty() values!: string;
  @ApiProperty({ type: [PublicPolicy] }) policies!: PublicPolicy[];
  @ApiProperty({ type: [PublicScaleEntry] }) scale!: PublicScaleEntry[];
  @ApiProperty({
    type: [PublicYearTotals],
    description: 'fiscal years with confirmed progress, from the roll-up table',
  })
  years!: PublicYearTotals[];
}

export class PublicUnit {
  @ApiProperty({ example: 'kenko' }) code!: string;
  @ApiProperty({ example: '健康福祉局' }) nameJa!: string;
}

export class PublicPolicyCounts {
  @ApiProperty({ type: Number, nullable: true }) number!: number | null;
  @ApiProperty() title!: string;
  @ApiProperty(COUNTS) counts!: Record<string, number>;
  @ApiProperty() total!: number;
}

export class PublicUnitCounts extends PublicUnit {
  @ApiProperty(COUNTS) counts!: Record<string, number>;
  @ApiProperty() total!: number;
}

/** A year's confirmed progress counted by policy (the plan's own form) and by bureau or ward. */
export class PublicRollupResponse {
  @ApiProperty({ type: PublicPlanRef }) plan!: PublicPlanRef;
  @ApiProperty({ example: 2022 }) fiscalYear!: number;
  @ApiProperty({ example: '令和4年度' }) fiscalYearLabel!: string;
  @ApiProperty({ type: [PublicScaleEntry] }) scale!: PublicScaleEntry[];
  @ApiProperty(COUNTS) totals!: Record<string, number>;
  @ApiProperty() total!: number;
  @ApiProperty({ type: [PublicPolicyCounts] }) byPolicy!: PublicPolicyCounts[];
  @ApiProperty({ type: [PublicUnitCounts] }) byUnit!: PublicUnitCounts[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) refreshedAt!: string | null;
}

export class PublicStatus {
  @ApiProperty({ example: 'on_track' }) code!: string;
  @ApiProperty({ example: '計画通り進捗' }) labelJa!: string;
  @ApiProperty({ example: '#2E7D32' }) colour!: string;
}

export class PublicInitiativeItem {
  @ApiProperty({ example: '1-01' }) code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: PublicNumbered, nullable: true }) policy!: PublicNumbered | null;
  @ApiProperty({ type: PublicNumbered, nullable: true }) theme!: PublicNumbered | null;
  @ApiProperty({ type: PublicUnit }) owningUnit!: PublicUnit;
  @ApiProperty({
    type: PublicStatus,
    nullable: true,
    description: 'the confirmed annual status of the year; null: none confirmed',
  })
  status!: PublicStatus | null;
}

export class PublicInitiativeListResponse {
  @ApiProperty({ type: PublicPlanRef }) plan!: PublicPlanRef;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ type: [PublicInitiativeItem] }) items!: PublicInitiativeItem[];
  @ApiProperty() total!: number;
  @ApiProperty() page!: number;
  @ApiProperty({ example: 50 }) pageSize!: number;
}

export class PublicScheduleStep {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ example: '検討' }) step!: string;
}

export class PublicIndicatorRef {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
}

export class PublicProgressEntry {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ enum: ['annual', 'midyear'] }) period!: string;
  @ApiProperty({ type: PublicStatus }) status!: PublicStatus;
  @ApiProperty() reason!: string;
  @ApiProperty() narrative!: string;
  @ApiProperty({ type: Number, nullable: true, description: '計画効果額（千円）' }) plannedAmount!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: '実績効果額（千円）' }) actualAmount!: number | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt!: string | null;
}

/** One initiative as published, with its history: every confirmed progress report. */
export class PublicInitiativeResponse {
  @ApiProperty({ type: PublicPlanRef }) plan!: PublicPlanRef;
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: PublicNumbered, nullable: true }) policy!: PublicNumbered | null;
  @ApiProperty({ type: PublicNumbered, nullable: true }) theme!: PublicNumbered | null;
  @ApiProperty({ type: PublicUnit }) owningUnit!: PublicUnit;
  @ApiProperty({ type: [PublicUnit] }) collaboratingUnits!: PublicUnit[];
  @ApiProperty({ type: [PublicScheduleStep] }) schedule!: PublicScheduleStep[];
  @ApiProperty({ type: [PublicIndicatorRef] }) relatedIndicators!: PublicIndicatorRef[];
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when it was reported to the council',
  })
  reportedAt!: string | null;
  @ApiProperty({ type: [PublicProgressEntry] }) history!: PublicProgressEntry[];
}

export class PublicYearValue {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() label!: string;
  @ApiProperty() value!: number;
}

export class PublicIndicator {
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty() unit!: string;
  @ApiProperty() decimals!: number;
  @ApiProperty({ enum: DIRECTIONS }) direction!: string;
  @ApiProperty({ type: PublicYearValue }) baseline!: PublicYearValue;
  @ApiProperty({ type: PublicYearValue }) target!: PublicYearValue;
  @ApiProperty({ type: [PublicYearValue] }) measurements!: PublicYearValue[];
  @ApiProperty({ type: PublicYearValue, nullable: true }) actual!: PublicYearValue | null;
  @ApiProperty({ type: Number, nullable: true }) achievementRate!: number | null;
  @ApiProperty({ enum: GRADES }) grade!: string;
}

export class PublicIndicatorListResponse {
  @ApiProperty({ type: PublicPlanRef }) plan!: PublicPlanRef;
  @ApiProperty({ type: [PublicIndicator] }) items!: PublicIndicator[];
  @ApiProperty() total!: number;
}

export class PublicLicence {
  @ApiProperty({ example: 'クリエイティブ・コモンズ 表示 4.0 国際 (CC BY 4.0)' }) name!: string;
  @ApiProperty() url!: string;
  @ApiProperty() notice!: string;
}

export class PublicOpenDataColumn {
  @ApiProperty({ example: 'statusLabel' }) key!: string;
  @ApiProperty({ example: '進捗状況' }) header!: string;
  @ApiProperty({ enum: ['integer', 'string'] }) type!: string;
  @ApiProperty() description!: string;
}

export class PublicOpenDataRow {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty() code!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ type: Number, nullable: true }) policyNumber!: number | null;
  @ApiProperty({ type: String, nullable: true }) policyTitle!: string | null;
  @ApiProperty({ type: String, nullable: true }) themeTitle!: string | null;
  @ApiProperty() unitName!: string;
  @ApiProperty({ type: String, nullable: true }) statusCode!: string | null;
  @ApiProperty({ type: String, nullable: true }) statusLabel!: string | null;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: String, nullable: true }) narrative!: string | null;
  @ApiProperty({ type: Number, nullable: true }) plannedAmount!: number | null;
  @ApiProperty({ type: Number, nullable: true }) actualAmount!: number | null;
}

/** A plan's year as open data (JSON); the CSV has the same rows and the columns' headers. */
export class PublicOpenDataResponse {
  @ApiProperty({ type: PublicLicence }) licence!: PublicLicence;
  @ApiProperty({ type: [PublicOpenDataColumn] }) columns!: PublicOpenDataColumn[];
  @ApiProperty({ type: PublicPlanRef }) plan!: PublicPlanRef;
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() fiscalYearLabel!: string;
  @ApiProperty({ type: [PublicOpenDataRow] }) rows!: PublicOpenDataRow[];
}
