import { Injectable } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel } from '#libs/calendar';
import { AuditLog, DomainError, execute, NotFoundError, type Page, pageOf, PageQuery, trimmed, ValidationFailedError, VersionConflictError } from '#libs/platform';
import { achievementRate, DEFAULT_GRADING, gradeOf, type Direction, type Grade } from './achievement.js';

const DIRECTIONS = ['higher_better', 'lower_better', 'ceiling'] as const;

export class CreateIndicatorDto {
  @ApiProperty() @IsUUID() planId!: string;
  @ApiProperty({ example: 'kpi-07' }) @Matches(/^[A-Za-z0-9_.-]{1,32}$/) code!: string;
  @ApiProperty({ example: '実質公債費比率' }) @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) name!: string;
  @ApiPropertyOptional({ example: '%' }) @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional({ minimum: 0, maximum: 6 }) @IsOptional() @IsInt() @Min(0) @Max(6) decimals?: number;
  @ApiProperty({ enum: DIRECTIONS }) @IsIn(DIRECTIONS) direction!: Direction;
  @ApiProperty({ example: 2021 }) @IsInt() @Min(1989) @Max(2200) baselineYear!: number;
  @ApiProperty({ example: 5.4 }) @IsNumber({ allowNaN: false, allowInfinity: false }) baselineValue!: number;
  @ApiProperty({ example: 2023 }) @IsInt() @Min(1989) @Max(2200) targetYear!: number;
  @ApiProperty({ example: 5.2 }) @IsNumber({ allowNaN: false, allowInfinity: false }) targetValue!: number;
  @ApiPropertyOptional({ example: 0.1, description: 'grading rule: achievement within ±band×100 points of the baseline is B (default 0.1: ±10 points); for a ceiling, over it by at most band (relative) is B' })
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(0.99) gradingBand?: number;
}

export class UpdateIndicatorDto {
  @ApiPropertyOptional() @IsOptional() @Transform(trimmed) @IsString() @MinLength(1) @MaxLength(200) name?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20) unit?: string;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(0) @Max(6) decimals?: number;
  @ApiPropertyOptional({ enum: DIRECTIONS }) @IsOptional() @IsIn(DIRECTIONS) direction?: Direction;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1989) @Max(2200) targetYear?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) targetValue?: number;
  @ApiPropertyOptional() @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @Min(0) @Max(0.99) gradingBand?: number;
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

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Row = any;

const yv = (fiscalYear: number, value: unknown): YearValue => ({ fiscalYear, label: fiscalYearLabel(fiscalYear), value: Number(value) });

/** Indicators (検証指標): baseline, target, a measurement per fiscal year, and how far each got. */
@Injectable()
export class IndicatorsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  async list(query: IndicatorQuery): Promise<Page<IndicatorView>> {
    const params: unknown[] = [];
    const where = query.planId ? `WHERE plan_id = $${params.push(query.planId)}` : '';
    const [{ total }] = await this.dataSource.query(`SELECT count(*)::int AS total FROM indicator ${where}`, params);
    const rows: Row[] = await this.dataSource.query(`SELECT id FROM indicator ${where} ORDER BY code LIMIT $${params.length + 1} OFFSET $${params.length + 2}`, [
      ...params,
      query.pageSize,
      query.offset,
    ]);
    return pageOf(await Promise.all(rows.map((r) => this.get(r.id))), total, query);
  }

  /** `asOf`: the fiscal year to grade (the latest measurement up to it); default the latest. */
  async get(id: string, m: EntityManager = this.dataSource.manager, asOf?: number): Promise<IndicatorView> {
    const [r]: Row[] = await m.query(`SELECT * FROM indicator WHERE id = $1`, [id]);
    if (!r) throw new NotFoundError('The indicator');
    const ms: Row[] = await m.query(`SELECT fiscal_year, value, note FROM measurement WHERE indicator_id = $1 ORDER BY fiscal_year`, [id]);
    const measurements = ms.map((x) => ({ ...yv(x.fiscal_year, x.value), note: x.note }));
    const latest = [...measurements].reverse().find((x) => asOf === undefined || x.fiscalYear <= asOf) ?? null;
    const facts = { direction: r.direction as Direction, baseline: Number(r.baseline_value), target: Number(r.target_value) };
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

  async create(m: EntityManager, actor: { id: string | null; username: string | null }, dto: CreateIndicatorDto): Promise<IndicatorView> {
    if ((await m.query(`SELECT 1 FROM plan WHERE id = $1`, [dto.planId])).length === 0) throw new ValidationFailedError([{ field: 'planId', message: 'names no plan' }]);
    if ((await m.query(`SELECT 1 FROM indicator WHERE plan_id = $1 AND code = $2`, [dto.planId, dto.code])).length > 0) {
      throw new DomainError('CONFLICT', `The plan has an indicator ${dto.code}`, [{ field: 'code', message: 'is taken' }]);
    }
    const [{ id }] = await m.query(
      `INSERT INTO indicator (plan_id, code, name, unit, decimals, direction, baseline_year, baseline_value, target_year, target_value, grading_band)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id`,
      [dto.planId, dto.code, dto.name, dto.unit ?? '', dto.decimals ?? 0, dto.direction, dto.baselineYear, dto.baselineValue, dto.targetYear, dto.targetValue, dto.gradingBand ?? DEFAULT_GRADING.band],
    );
    await this.audit.append(m, { actorUserId: actor.id, actorUsername: actor.username, entityType: 'indicator', entityId: id, action: 'create', details: { code: dto.code } });
    return this.get(id, m);
  }

  async update(m: EntityManager, actor: { id: string; username: string }, id: string, expectedVersion: number, dto: UpdateIndicatorDto): Promise<IndicatorView> {
    const current = await this.get(id, m);
    const { affected } = await execute(
      m,
      `UPDATE indicator SET name = $3, unit = $4, decimals = $5, direction = $6, target_year = $7, target_value = $8, grading_band = $9,
              version = version + 1, updated_at = now()
        WHERE id = $1 AND version = $2`,
      [
        id,
        expectedVersion,
        dto.name ?? current.name,
        dto.unit ?? current.unit,
        dto.decimals ?? current.decimals,
        dto.direction ?? current.direction,
        dto.targetYear ?? current.target.fiscalYear,
        dto.targetValue ?? current.target.value,
        dto.gradingBand ?? current.gradingBand,
      ],
    );
    if (affected !== 1) throw new VersionConflictError(current.version);
    await this.audit.append(m, { actorUserId: actor.id, actorUsername: actor.username, entityType: 'indicator', entityId: id, action: 'edit', details: { changedFields: Object.keys(dto) } });
    return this.get(id, m);
  }

  /** Records (or corrects) the value of a fiscal year; the audit log keeps the earlier value. */
  async measure(m: EntityManager, actor: { id: string | null; username: string | null }, id: string, dto: MeasurementDto): Promise<IndicatorView> {
    const [before] = await m.query(`SELECT value FROM measurement WHERE indicator_id = $1 AND fiscal_year = $2`, [id, dto.fiscalYear]);
    await this.get(id, m);
    await m.query(
      `INSERT INTO measurement (indicator_id, fiscal_year, value, note, recorded_by) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (indicator_id, fiscal_year) DO UPDATE SET value = $3, note = $4, recorded_by = $5, recorded_at = now()`,
      [id, dto.fiscalYear, dto.value, dto.note ?? '', actor.id],
    );
    await this.audit.append(m, {
      actorUserId: actor.id,
      actorUsername: actor.username,
      entityType: 'indicator',
      entityId: id,
      action: before ? 'correct_measurement' : 'measure',
      details: { fiscalYear: dto.fiscalYear, value: dto.value, previous: before ? Number(before.value) : null },
    });
    return this.get(id, m);
  }
}
