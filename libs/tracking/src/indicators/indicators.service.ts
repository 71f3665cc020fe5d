import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
} from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import {
  AuditLog,
  DomainError,
  NotFoundError,
  type Page,
  pageOf,
  PageQuery,
  trimmed,
  ValidationFailedError,
  VersionConflictError,
} from '#libs/platform';
import { achievementRate, DEFAULT_GRADING, gradeOf, type Direction, type Grade } from './achievement.js';
import {
  countIndicators,
  indicatorCodeTaken,
  indicatorIdsPage,
  insertIndicator,
  measuredValue,
  planExists,
  selectIndicator,
  selectMeasurements,
  updateIndicator,
  upsertMeasurement,
} from './indicator.queries.js';

const DIRECTIONS = ['higher_better', 'lower_better', 'ceiling'] as const;

export class CreateIndicatorDto {
  @ApiProperty() @IsUUID() planId!: string;
  @ApiProperty({ example: 'kpi-07' }) @Matches(/^[A-Za-z0-9_.-]{1,32}$/) code!: string;
  @ApiProperty({ example: '実質公債費比率' })
  @Transform(trimmed)
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
  @ApiPropertyOptional({ example: '%' }) @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 6 }) @IsOptional() @IsInt() @Min(0) @Max(6) decimals?: number;
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction!: Direction;
  @ApiProperty({ example: 2021 }) @IsInt() @Min(1989) @Max(2200) baselineYear!: number;
  @ApiProperty({ example: 5.4 }) @IsNumber({ allowNaN: false, allowInfinity: false }) baselineValue!: number;
  @ApiProperty({ example: 2023 }) @IsInt() @Min(1989) @Max(2200) targetYear!: number;
  @ApiProperty({ example: 5.2 }) @IsNumber({ allowNaN: false, allowInfinity: false }) targetValue!: number;
  @ApiPropertyOptional({
    example: 0.1,
    description:
      'grading rule: achievement within ±band×100 points of the baseline is B (default 0.1: ±10 points); for a ceiling, over it by at most band (relative) is B',
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.99)
  gradingBand?: number;
}

export class UpdateIndicatorDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(6) decimals?: number;
  @ApiPropertyOptional({ enum: DIRECTIONS }) @IsOptional() @IsIn(DIRECTIONS) direction?: Direction;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1989) @Max(2200) targetYear?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) targetValue?: number;
  @ApiPropertyOptional()
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(0.99)
  gradingBand?: number;
}

export class MeasurementDto {
  @ApiProperty({ example: 2022 }) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiProperty({ example: 5.4 }) @IsNumber({ allowNaN: false, allowInfinity: false }) value!: number;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(2000) note?: string;
}

export class IndicatorQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
}

export interface YearValue {
  fiscalYear: number;
  label: string;
  value: number;
}

export interface IndicatorView {
  id: string;
  planId: string;
  code: string;
  name: string;
  unit: string;
  decimals: number;
  direction: Direction;
  baseline: YearValue;
  target: YearValue;
  measurements: Array<YearValue & { note: string }>;
  /** The latest measurement, and how it stands. */
  actual: YearValue | null;
  achievementRate: number | null;
  grade: Grade;
  /** The grading rule's band (see GradingRule). */
  gradingBand: number;
  version: number;
}

const yv = (fiscalYear: number, value: unknown): YearValue => ({
  fiscalYear,
  label: fiscalYearLabel(fiscalYear),
  value: Number(value),
});

/** Indicators (検証指標): baseline, target, a measurement per fiscal year, and how far each got. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async list(query: IndicatorQuery): Promise<Page<IndicatorView>> {
    const m = this.dataSource.manager;
    const total = await countIndicators(m, query.planId);
    const ids = await indicatorIdsPage(m, query.planId, query.pageSize, query.offset);
    return pageOf(await Promise.all(ids.map((id) => this.get(id))), total, query);
  }

  /** `asOf`: the fiscal year to grade (the latest measurement up to it); default the latest. */
  async get(id: string, m: EntityManager = this.dataSource.manager, asOf?: number): Promise<IndicatorView> {
    const r = await selectIndicator(m, id);
    if (!r) throw new NotFoundError('The indicator');
    const measurements = (await selectMeasurements(m, id)).map((x) => ({
      ...yv(x.fiscal_year, x.value),
      note: x.note,
    }));
    const latest = [...measurements].reverse().find((x) => asOf === undefined || x.fiscalYear <= asOf) ?? null;
    const facts = { direction: r.direction, baseline: Number(r.baseline_value), target: Number(r.target_value) };
    const rule = { band: Number(r.grading_band) };
    return {
      id: r.id,
      planId: r.plan_id,
      code: r.code,
      name: r.name,
      unit: r.unit,
      decimals: r.decimals,
      direction: r.direction,
      baseline: yv(r.baseline_year, r.baseline_value),
      target: yv(r.target_year, r.target_value),
      measurements,
      actual: latest ? { fiscalYear: latest.fiscalYear, label: latest.label, value: latest.value } : null,
      achievementRate: achievementRate(facts, latest?.value ?? null),
      grade: gradeOf(facts, latest?.value ?? null, rule),
      gradingBand: rule.band,
      version: r.version,
    };
  }

  async create(
    m: EntityManager,
    actor: { id: string | null; username: string | null },
    dto: CreateIndicatorDto,
  ): Promise<IndicatorView> {
    if (!(await planExists(m, dto.planId)))
      throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    if (await indicatorCodeTaken(m, dto.planId, dto.code)) {
      throw new DomainError('CONFLICT', `The plan has an indicator ${dto.code}`, [
        { field: 'code', message: 'is taken' },
      ]);
    }
    const id = await insertIndicator(m, {
      planId: dto.planId,
      code: dto.code,
      name: dto.name,
      unit: dto.unit ?? '',
      decimals: dto.decimals ?? 0,
      direction: dto.direction,
      baselineYear: dto.baselineYear,
      baselineValue: dto.baselineValue,
      targetYear: dto.targetYear,
      targetValue: dto.targetValue,
      gradingBand: dto.gradingBand ?? DEFAULT_GRADING.band,
    });
    await this.audit.append(m, {
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: 'indicator',
      entityId: id,
      action: 'create',
      details: { code: dto.code },
    });
    return this.get(id, m);
  }

  async update(
    m: EntityManager,
    actor: { id: string; username: string },
    id: string,
    expectedVersion: number,
    dto: UpdateIndicatorDto,
  ): Promise<IndicatorView> {
    const current = await this.get(id, m);
    const affected = await updateIndicator(m, id, expectedVersion, {
      name: dto.name ?? current.name,
      unit: dto.unit ?? current.unit,
      decimals: dto.decimals ?? current.decimals,
      direction: dto.direction ?? current.direction,
      targetYear: dto.targetYear ?? current.target.fiscalYear,
      targetValue: dto.targetValue ?? current.target.value,
      gradingBand: dto.gradingBand ?? current.gradingBand,
    });
    if (affected !== 1) throw new VersionConflictError(current.version);
    await this.audit.append(m, {
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: 'indicator',
      entityId: id,
      action: 'edit',
      details: { changedFields: Object.keys(dto) },
    });
    return this.get(id, m);
  }

  /** Records (or corrects) the value of a fiscal year; the audit log keeps the earlier value. */
  async measure(
    m: EntityManager,
    actor: { id: string | null; username: string | null },
    id: string,
    dto: MeasurementDto,
  ): Promise<IndicatorView> {
    const before = await measuredValue(m, id, dto.fiscalYear);
    await this.get(id, m);
    await upsertMeasurement(m, {
      indicatorId: id,
      fiscalYear: dto.fiscalYear,
      value: dto.value,
      note: dto.note ?? '',
      recordedBy: actor.id,
    });
    await this.audit.append(m, {
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: 'indicator',
      entityId: id,
      action: before !== undefined ? 'correct_measurement' : 'measure',
      details: { fiscalYear: dto.fiscalYear, value: dto.value, previous: before !== undefined ? Number(before) : null },
    });
    return this.get(id, m);
  }
}
