import { ApiProperty } from '@nestjs/swagger';
import type { FiscalYearView } from '#libs/calendar';
import type { PlanView, PolicyView, ThemeView } from '../plans.service.js';

// The answers of the plan routes; each class implements its view so the two stay in step.

/** A fiscal year with its 和暦 label (令和6年度). */
export class FiscalYearResponse implements FiscalYearView {
  @ApiProperty({ example: 2027 }) fiscalYear!: number;
  @ApiProperty({ example: '令和9年度' }) label!: string;
}

export class PlanPeriodResponse {
  @ApiProperty({ type: FiscalYearResponse }) first!: FiscalYearResponse;
  @ApiProperty({ type: FiscalYearResponse }) last!: FiscalYearResponse;
}

/** 取組テーマ: an assumed theme of a policy; also how proposals and initiatives name their policy. */
export class ThemeResponse implements ThemeView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() title!: string;
}

/** A policy (方針) as proposals and initiatives name it. */
export class PolicyRefResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() title!: string;
}

/** 方針: a policy of the plan with its themes. */
export class PolicyResponse implements PolicyView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() number!: number;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [ThemeResponse] }) themes!: ThemeResponse[];
}

/** 改革プラン: a reform plan. */
export class PlanResponse implements PlanView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() code!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: PlanPeriodResponse }) period!: PlanPeriodResponse;
  @ApiProperty({ type: [FiscalYearResponse] }) fiscalYears!: FiscalYearResponse[];
  @ApiProperty() mission!: string;
  @ApiProperty() vision!: string;
  @ApiProperty() values!: string;
  @ApiProperty({ description: 'the workflow its proposals run under' }) proposalWorkflow!: string;
  @ApiProperty({ type: [PolicyResponse] }) policies!: PolicyResponse[];
  @ApiProperty({ description: 'also the ETag' }) version!: number;
}
