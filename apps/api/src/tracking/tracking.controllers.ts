import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Put, Query, Req, Res } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { NORMALIZED_STATUSES, scaleOf, setScale, type NormalizedStatus } from '#libs/planning';
import { AuditLog, booleanFromQuery, Clock, DomainError, etagOf, ParseIdPipe, ValidationFailedError, versionFromIfMatch, withTransaction } from '#libs/platform';
import { CouncilReportResponse, CouncilReportService, CreateIndicatorDto, CreateProgressReportDto, IMPORT_KINDS, ImportResultResponse, ImportsService, IndicatorQuery, IndicatorResponse, IndicatorsService, MeasurementDto, MeasurementResponse, ProgressReportContentDto, ProgressReportResponse, ProgressReportsService, ProgressTransitionDto, ROLLUP_ORGANISATIONS, RollupResponse, RollupsService, type RollupOrganisation, ScaleEntryResponse, SnapshotComparisonResponse, SnapshotResponse, SnapshotSummaryResponse, TakenSnapshotResponse, UpdateIndicatorDto, councilReportCsv, councilReportXlsx, readTable, type ImportKind } from '#libs/tracking';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiFile, ApiIdempotencyKey, ApiIfMatch, ApiPage } from '../openapi/api-docs.js';

const actorOf = (p: Principal) => ({ id: p.id, username: p.user.username });

export const CSV_TYPE = 'text/csv';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

class ScaleEntryDto {
  @ApiProperty({ example: 'A' }) @Matches(/^[A-Za-z0-9_-]{1,32}$/) code!: string;
  @ApiProperty({ example: '計画どおり' }) @IsString() @MaxLength(50) labelJa!: string;
  @ApiProperty({ enum: NORMALIZED_STATUSES }) @IsIn(NORMALIZED_STATUSES) normalized!: NormalizedStatus;
  @ApiPropertyOptional({ example: '#2E7D32' }) @IsOptional() @Matches(/^#[0-9A-Fa-f]{6}$/) colour?: string;
}
class ScaleDto {
  @ApiProperty({ type: [ScaleEntryDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(12) @ValidateNested({ each: true }) @Type(() => ScaleEntryDto) entries!: ScaleEntryDto[];
}

/** The status scale of a plan (計画通り進捗 / 一部変更・遅れ, or S/A/B/C …). */
@ApiTags('plans')
@Controller('plans')
export class StatusScaleController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditLog,
  ) {}

  @Get(':id/status-scale')
  @Access.signedIn()
  @ApiOperation({ summary: 'The plan’s progress status scale, in order' })
  @ApiOkResponse({ type: [ScaleEntryResponse] })
  get(@Param('id', ParseIdPipe) id: string) {
    return scaleOf(this.dataSource.manager, id);
  }

  @Put(':id/status-scale')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Set the plan’s status scale: Japanese label, normalised code, order, colour' })
  @ApiOkResponse({ type: [ScaleEntryResponse], description: 'the scale as stored' })
  async put(@Param('id', ParseIdPipe) id: string, @Body() dto: ScaleDto, @CurrentPrincipal() me: Principal) {
    return withTransaction(this.dataSource, async (m) => {
      if ((await m.query(`SELECT 1 FROM plan WHERE id = $1`, [id])).length === 0) throw new DomainError('NOT_FOUND', 'The plan does not exist');
      const codes = dto.entries.map((e) => e.code);
      const used: Array<{ status_code: string }> = await m.query(`SELECT DISTINCT status_code FROM progress_report WHERE plan_id = $1 AND NOT (status_code = ANY($2))`, [id, codes]);
      if (used.length > 0) throw new DomainError('CONFLICT', `Reports use statuses the new scale lacks: ${used.map((u) => u.status_code).join(', ')}`);
      await m.query(`DELETE FROM status_scale WHERE plan_id = $1 AND NOT (code = ANY($2))`, [id, codes]);
      await setScale(m, id, dto.entries.map((e) => ({ ...e, colour: e.colour ?? '#999999' })));
      await this.audit.append(m, { actorUserId: me.id, actorUsername: me.user.username, entityType: 'plan', entityId: id, action: 'set_status_scale', details: { codes } });
      return scaleOf(m, id);
    });
  }
}

class BulkItemDto {
  @ApiProperty() @IsString() @MaxLength(32) initiativeCode!: string;
  @ApiProperty() @IsString() @MaxLength(64) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(8000) narrative?: string;
}
class BulkStatusDto {
  @ApiProperty() @IsUUID() planId!: string;
  @ApiProperty({ example: 2024 }) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiProperty({ type: [BulkItemDto] }) @IsArray() @ArrayMinSize(1) @ArrayMaxSize(2000) @ValidateNested({ each: true }) @Type(() => BulkItemDto) items!: BulkItemDto[];
}

/** Progress reports (進捗報告): bureaus report per initiative and year; the secretariat confirms. */
@ApiTags('progress')
@Controller()
export class ProgressReportsController {
  constructor(
    private readonly reports: ProgressReportsService,
    private readonly imports: ImportsService,
    private readonly writes: Writes,
  ) {}

  @Get('initiatives/:id/progress-reports')
  @Access.signedIn()
  @ApiOperation({ summary: 'An initiative’s progress reports (drafts only for its bureau and the secretariat)' })
  @ApiOkResponse({ type: [ProgressReportResponse] })
  list(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.reports.list(me, id);
  }

  @Post('initiatives/:id/progress-reports')
  @Access.roles(['bureau_editor'])
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Draft the year’s progress report of one of your unit’s initiatives' })
  @ApiCreatedResponse({ type: ProgressReportResponse })
  create(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: CreateProgressReportDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.writes.run(req, reply, me, 201, (m) => this.reports.create(m, me, id, dto));
  }

  @Get('progress-reports/:id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One progress report (with ETag)' })
  @ApiOkResponse({ type: ProgressReportResponse })
  async get(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const report = await this.reports.get(me, id);
    reply.header('etag', etagOf(report.version));
    return report;
  }

  @Patch('progress-reports/:id')
  @Access.roles(['bureau_editor'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'Edit a draft report' })
  @ApiOkResponse({ type: ProgressReportResponse })
  update(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Body() dto: ProgressReportContentDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.reports.update(m, me, id, version, dto));
  }

  @Post('progress-reports/:id/transitions')
  @Access.roles(['bureau_editor', 'secretariat'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'submit (bureau), confirm or return with a comment (secretariat)' })
  @ApiOkResponse({ type: ProgressReportResponse })
  transition(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Body() dto: ProgressTransitionDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.reports.transition(m, me, id, version, dto));
  }

  @Post('progress-reports/bulk')
  @HttpCode(200)
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Set many initiatives’ statuses for a year at once (confirmed); all or none' })
  @ApiOkResponse({ type: ImportResultResponse })
  bulk(@CurrentPrincipal() me: Principal, @Body() dto: BulkStatusDto) {
    return this.imports.bulkStatus(dto.planId, dto.fiscalYear, dto.items, actorOf(me));
  }
}

/** Indicators (検証指標) and their measurements. */
@ApiTags('indicators')
@Controller('indicators')
export class IndicatorsController {
  constructor(
    private readonly indicators: IndicatorsService,
    private readonly writes: Writes,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Indicators with baseline, target, latest value, achievement rate and grade' })
  @ApiPage(IndicatorResponse)
  list(@Query() query: IndicatorQuery) {
    return this.indicators.list(query);
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One indicator (with ETag)' })
  @ApiOkResponse({ type: IndicatorResponse })
  async get(@Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    const i = await this.indicators.get(id);
    reply.header('etag', etagOf(i.version));
    return i;
  }

  @Post()
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Define an indicator: unit, decimals, direction, baseline, target' })
  @ApiCreatedResponse({ type: IndicatorResponse })
  create(@CurrentPrincipal() me: Principal, @Body() dto: CreateIndicatorDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.writes.run(req, reply, me, 201, (m) => this.indicators.create(m, actorOf(me), dto));
  }

  @Patch(':id')
  @Access.roles(['secretariat'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change an indicator' })
  @ApiOkResponse({ type: IndicatorResponse })
  update(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Headers('if-match') ifMatch: string | undefined, @Body() dto: UpdateIndicatorDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.indicators.update(m, actorOf(me), id, version, dto));
  }

  @Get(':id/measurements')
  @Access.signedIn()
  @ApiOperation({ summary: 'The measured values per fiscal year' })
  @ApiOkResponse({ type: [MeasurementResponse] })
  async measurements(@Param('id', ParseIdPipe) id: string) {
    return (await this.indicators.get(id)).measurements;
  }

  @Post(':id/measurements')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Record (or correct) a fiscal year’s value' })
  @ApiCreatedResponse({ type: IndicatorResponse, description: 'the indicator with the new measurement' })
  measure(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string, @Body() dto: MeasurementDto, @Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    return this.writes.run(req, reply, me, 201, (m) => this.indicators.measure(m, actorOf(me), id, dto));
  }
}

class RollupQuery {
  @ApiPropertyOptional({ description: 'default: the one plan covering the year' }) @IsOptional() @IsUUID() planId?: string;
  @ApiProperty({ example: 2022 }) @Type(() => Number) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiPropertyOptional({ enum: ['policy', 'orgUnit'] }) @IsOptional() @IsIn(['policy', 'orgUnit']) by?: 'policy' | 'orgUnit';
  @ApiPropertyOptional({ enum: ROLLUP_ORGANISATIONS, default: 'fiscal_year', description: 'by=orgUnit: the units (and names) of that year’s organisation, or restated by today’s' })
  @IsOptional()
  @IsIn(ROLLUP_ORGANISATIONS)
  organisation?: RollupOrganisation;
}
class SnapshotDto {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiProperty() @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiProperty({ example: '令和4年度 市議会報告' }) @IsString() @MaxLength(200) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsUUID() meetingId?: string;
}
class SnapshotListQuery {
  @ApiProperty() @IsUUID() planId!: string;
}
class CompareQuery {
  @ApiProperty() @IsUUID() from!: string;
  @ApiProperty() @IsUUID() to!: string;
}

/** Roll-ups of progress, and the snapshots frozen for the council. */
@ApiTags('rollups')
@Controller('rollups')
export class RollupsController {
  constructor(
    private readonly rollups: RollupsService,
    private readonly reports: CouncilReportService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Get('progress')
  @Access.signedIn()
  @ApiOperation({ summary: 'Counts per progress status for a plan’s fiscal year, with totals; by=policy or by=orgUnit for rows' })
  @ApiOkResponse({ type: RollupResponse })
  async progress(@Query() q: RollupQuery) {
    return this.rollups.read(await this.reports.planFor(q.fiscalYear, q.planId), q.fiscalYear, q.by, undefined, { as: q.organisation ?? 'fiscal_year', now: this.clock.now() });
  }

  @Post('snapshots')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Freeze the year’s roll-up and statuses as reported to the council (never changes afterwards)' })
  @ApiCreatedResponse({ type: TakenSnapshotResponse })
  async snapshot(@Body() dto: SnapshotDto, @CurrentPrincipal() me: Principal) {
    const planId = await this.reports.planFor(dto.fiscalYear, dto.planId);
    return withTransaction(this.dataSource, (m) => this.rollups.takeSnapshot(m, planId, dto.fiscalYear, dto.title, actorOf(me), dto.meetingId));
  }

  @Get('snapshots')
  @Access.signedIn()
  @ApiOperation({ summary: 'The snapshots of a plan' })
  @ApiOkResponse({ type: [SnapshotSummaryResponse] })
  snapshots(@Query() q: SnapshotListQuery) {
    return this.rollups.snapshots(q.planId);
  }

  @Get('snapshots/compare')
  @Access.signedIn()
  @ApiOperation({ summary: 'What changed between two snapshots: statuses moved, with their reasons' })
  @ApiOkResponse({ type: SnapshotComparisonResponse })
  compare(@Query() q: CompareQuery) {
    return this.rollups.compare(q.from, q.to);
  }

  @Get('snapshots/:id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One snapshot, as frozen' })
  @ApiOkResponse({ type: SnapshotResponse })
  get(@Param('id', ParseIdPipe) id: string) {
    return this.rollups.snapshot(id);
  }
}

class CouncilReportQuery {
  @ApiPropertyOptional() @IsOptional() @IsUUID() planId?: string;
  @ApiProperty({ example: 2022 }) @Type(() => Number) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv', 'xlsx']) format?: 'json' | 'csv' | 'xlsx';
  @ApiPropertyOptional({ description: 'make it from a frozen snapshot' }) @IsOptional() @IsUUID() snapshotId?: string;
}

@ApiTags('reports')
@Controller('reports')
export class ReportsController {
  constructor(private readonly reports: CouncilReportService) {}

  @Get('council')
  @Access.signedIn()
  @ApiOperation({ summary: 'The council report (市議会報告): JSON, CSV (UTF-8 with BOM) or xlsx (summary, one sheet per policy, KPIs)' })
  @ApiFile([CSV_TYPE, XLSX_TYPE], 'the report: JSON (default), or with ?format= CSV (UTF-8 with BOM) or xlsx (summary, one sheet per policy, KPIs)', CouncilReportResponse)
  async council(@Query() q: CouncilReportQuery, @Res() reply: FastifyReply) {
    const report = await this.reports.build(await this.reports.planFor(q.fiscalYear, q.planId), q.fiscalYear, q.snapshotId);
    const name = `council-report-${report.plan.code}-${q.fiscalYear}`;
    if (q.format === 'csv') {
      reply.header('content-type', 'text/csv; charset=utf-8').header('content-disposition', `attachment; filename="${name}.csv"`).send(councilReportCsv(report));
      return;
    }
    if (q.format === 'xlsx') {
      reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await councilReportXlsx(report));
      return;
    }
    reply.header('content-type', 'application/json; charset=utf-8').send(report);
  }
}

class ImportQuery {
  @ApiPropertyOptional({ description: 'default: the plan with this code' }) @IsOptional() @IsUUID() planId?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[a-z0-9][a-z0-9_.-]{0,63}$/) planCode?: string;
  @ApiPropertyOptional({ default: false }) @IsOptional() @Transform(booleanFromQuery) @IsBoolean() dryRun?: boolean;
}


@ApiTags('imports')
@Controller('imports')
export class ImportsController {
  constructor(
    private readonly imports: ImportsService,
    private readonly dataSource: DataSource,
  ) {}

  @Post(':kind')
  @HttpCode(200)
  @Access.roles(['secretariat'])
  @ApiConsumes(CSV_TYPE, XLSX_TYPE)
  @ApiBody({ description: 'the file itself: CSV (UTF-8) or xlsx' })
  @ApiOperation({ summary: 'Import initiatives (with a year’s status), progress reports or measurements; ?dryRun=true checks only; all rows or none' })
  @ApiOkResponse({ type: ImportResultResponse, description: 'what was (or, with dryRun, would be) created and updated; row errors leave everything unchanged' })
  async import(@Param('kind') kind: string, @Query() q: ImportQuery, @Req() req: FastifyRequest, @CurrentPrincipal() me: Principal) {
    if (!(IMPORT_KINDS as readonly string[]).includes(kind)) throw new ValidationFailedError([{ field: 'kind', message: `must be one of ${IMPORT_KINDS.join(', ')}` }]);
    const type = String(req.headers['content-type'] ?? '').split(';')[0].trim();
    if (type !== CSV_TYPE && type !== XLSX_TYPE) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Send the file as ${CSV_TYPE} or ${XLSX_TYPE}`);
    const body = req.body;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new ValidationFailedError([{ field: 'body', message: 'is empty' }]);
    let planId = q.planId;
    if (!planId && q.planCode) planId = (await this.dataSource.query(`SELECT id FROM plan WHERE code = $1`, [q.planCode]))[0]?.id;
    if (!planId) throw new ValidationFailedError([{ field: 'planId', message: 'name the plan (planId or planCode)' }]);
    let table;
    try {
      table = await readTable(body, type === CSV_TYPE ? 'csv' : 'xlsx');
    } catch (error) {
      throw new ValidationFailedError([{ field: 'body', message: `cannot be read: ${(error as Error).message}` }]);
    }
    return this.imports.run(kind as ImportKind, planId, table, { dryRun: q.dryRun ?? false, actor: actorOf(me) });
  }
}
