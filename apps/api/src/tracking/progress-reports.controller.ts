import { Body, Controller, Get, Headers, HttpCode, Param, Patch, Post, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch } from '#libs/platform';
import {
  CreateProgressReportDto,
  ImportResultResponse,
  ImportsService,
  ProgressReportContentDto,
  ProgressReportResponse,
  ProgressReportsService,
  ProgressTransitionDto,
} from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiIfMatch } from '../openapi/api-docs.js';
import { actorOf } from './tracking-http.js';

class BulkItemDto {
  @ApiProperty() @IsString() @MaxLength(32) initiativeCode!: string;
  @ApiProperty() @IsString() @MaxLength(64) status!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(4000) reason?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(8000) narrative?: string;
}
class BulkStatusDto {
  @ApiProperty() @IsUUID() planId!: string;
  @ApiProperty({ example: 2024 }) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiProperty({ type: [BulkItemDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(2000)
  @ValidateNested({ each: true })
  @Type(() => BulkItemDto)
  items!: BulkItemDto[];
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
  create(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: CreateProgressReportDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.reports.create(m, me, id, dto));
  }

  @Get('progress-reports/:id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One progress report (with ETag)' })
  @ApiOkResponse({ type: ProgressReportResponse })
  async get(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const report = await this.reports.get(me, id);
    reply.header('etag', etagOf(report.version));
    return report;
  }

  @Patch('progress-reports/:id')
  @Access.roles(['bureau_editor'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'Edit a draft report' })
  @ApiOkResponse({ type: ProgressReportResponse })
  update(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ProgressReportContentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.reports.update(m, me, id, version, dto));
  }

  @Post('progress-reports/:id/transitions')
  @Access.roles(['bureau_editor', 'secretariat'], { deputies: true })
  @ApiIfMatch()
  @ApiOperation({ summary: 'submit (bureau), confirm or return with a comment (secretariat)' })
  @ApiOkResponse({ type: ProgressReportResponse })
  transition(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ProgressTransitionDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    // The pipeline begins the transaction only if the transition's hooks need one (confirm's recount does).
    return this.writes.run(req, reply, me, 200, (m) => this.reports.transition(m, me, id, version, dto), {
      deferTransaction: true,
    });
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
