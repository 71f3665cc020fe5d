import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { lowerCased, PageQuery, trimmed } from '#libs/platform';
import { ORG_UNIT_CODE_PATTERN } from '#libs/identity';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** One fiscal year of a proposal's schedule: what happens that year (検討, 試行, 実施, 拡充 …). */
export class ScheduleStepDto {
  @ApiProperty({ example: 2024, description: 'fiscal year (2024 = 令和6年度)' })
  @IsInt()
  @Min(1989)
  @Max(2200)
  fiscalYear!: number;

  @ApiProperty({ example: '検討' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  step!: string;
}

/** The content of a proposal (all of it optional when editing). */
export class ProposalContentDto {
  @ApiPropertyOptional({ example: '窓口予約システムの全区展開' })
  @IsOptional()
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  summary?: string;

  @ApiPropertyOptional({ description: 'number of the plan policy (方針) it belongs to', example: 2 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  policyNumber?: number;

  @ApiPropertyOptional({ description: 'number of the assumed theme within that policy', example: 1 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(99)
  themeNumber?: number;

  @ApiPropertyOptional({ type: [String], description: 'codes of collaborating units' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(30)
  @ArrayUnique()
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v)) : value,
  )
  @Matches(ORG_UNIT_CODE_PATTERN, { each: true })
  collaboratingUnits?: string[];

  @ApiPropertyOptional({ description: 'expected effect (期待される効果)' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  expectedEffect?: string;

  @ApiPropertyOptional({ description: 'expected effect amount in thousand yen (効果額, 千円)', example: 12000 })
  @IsOptional()
  @IsInt()
  @Min(-1_000_000_000)
  @Max(1_000_000_000)
  expectedAmount?: number;

  @ApiPropertyOptional({ type: [ScheduleStepDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => ScheduleStepDto)
  schedule?: ScheduleStepDto[];

  @ApiPropertyOptional({ type: [String], description: 'related indicators (検証指標), by name' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @MaxLength(200, { each: true })
  relatedIndicators?: string[];
}

export class CreateProposalDto extends ProposalContentDto {
  @ApiProperty({ description: 'the inquiry (全庁照会) it answers' })
  @IsUUID()
  inquiryId!: string;

  @ApiProperty({ example: '窓口予約システムの全区展開' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  declare title: string;

  @ApiPropertyOptional({
    description: 'code of the owning unit; defaults to the editor’s unit when they edit for one unit only',
    example: 'chuo',
  })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  owningUnit?: string;
}

export class CorrectProposalDto {
  @ApiProperty({ type: ProposalContentDto })
  @ValidateNested()
  @Type(() => ProposalContentDto)
  changes!: ProposalContentDto;

  @ApiProperty({ description: 'why a decided proposal is corrected (訂正理由)' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  reason!: string;
}

export class TransitionDto {
  @ApiProperty({ example: 'approve' })
  @Matches(/^[a-z][a-z0-9_]{0,63}$/)
  action!: string;

  @ApiPropertyOptional({ description: 'required to return or reject' })
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  comment?: string;

  @ApiPropertyOptional({ description: 'merge: the proposal this one is merged into' })
  @IsOptional()
  @IsUUID()
  targetProposalId?: string;

  @ApiPropertyOptional({
    description: 'the meeting deciding it; by default the meeting of this stage with the proposal on its agenda',
  })
  @IsOptional()
  @IsUUID()
  meetingId?: string;
}

export class ProposalQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() inquiryId?: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,63}$/) state?: string;
  @ApiPropertyOptional({ description: 'unit code' })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  owningUnit?: string;
}

export class CreateInquiryDto {
  @ApiProperty() @IsUUID() planId!: string;

  @ApiProperty({ example: '令和6年度 市役所改革プラン取組 全庁照会' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;

  @ApiProperty({ example: '2026-12-11', description: 'reply deadline (YYYY-MM-DD, Japan)' })
  @Matches(DAY)
  @IsISO8601({ strict: true })
  dueDate!: string;

  @ApiPropertyOptional({
    type: [String],
    description: 'codes of the target units; all active bureaus and wards when omitted',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(ORG_UNIT_CODE_PATTERN, { each: true })
  targetUnits?: string[];
}

export class UpdateInquiryDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) title?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) description?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(DAY) @IsISO8601({ strict: true }) dueDate?: string;
  @ApiPropertyOptional({ type: [String], description: 'only while the inquiry is a draft' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @Matches(ORG_UNIT_CODE_PATTERN, { each: true })
  targetUnits?: string[];
}

export class InquiryTransitionDto {
  @ApiProperty({ enum: ['open', 'close', 'cancel'] }) @Matches(/^[a-z][a-z0-9_]{0,63}$/) action!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) comment?: string;
}

export class NilReturnDto {
  @ApiPropertyOptional({ description: 'the unit declaring 該当なし; defaults to the approver’s unit', example: 'kita' })
  @IsOptional()
  @Transform(lowerCased)
  @Matches(ORG_UNIT_CODE_PATTERN)
  orgUnit?: string;

  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) comment?: string;
}

export class InquiryQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z][a-z0-9_]{0,63}$/) state?: string;
}

export const MEETING_KINDS = ['committee', 'hq', 'council'] as const;
export type MeetingKind = (typeof MEETING_KINDS)[number];

export class CreateMeetingDto {
  @ApiProperty() @IsUUID() planId!: string;
  @ApiProperty({ enum: MEETING_KINDS }) @IsIn(MEETING_KINDS) kind!: MeetingKind;
  @ApiProperty({ example: '第1回 市役所改革推進委員会' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  title!: string;
  @ApiProperty({ example: '2027-01-20' }) @Matches(DAY) @IsISO8601({ strict: true }) heldOn!: string;
}

export class AgendaDto {
  @ApiProperty({ type: [String] })
  @IsArray()
  @ArrayMaxSize(200)
  @ArrayUnique()
  @IsUUID('all', { each: true })
  proposalIds!: string[];
}

export class MeetingQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional({ enum: MEETING_KINDS }) @IsOptional() @IsIn(MEETING_KINDS) kind?: MeetingKind;
}
