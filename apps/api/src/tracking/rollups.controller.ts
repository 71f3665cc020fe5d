import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Max, MaxLength, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { Clock, ParseIdPipe, withTransaction } from '#libs/platform';
import {
  CouncilReportService,
  ROLLUP_ORGANISATIONS,
  RollupAnswers,
  RollupResponse,
  RollupsService,
  type RollupOrganisation,
  SnapshotComparisonResponse,
  SnapshotResponse,
  SnapshotSummaryResponse,
  TakenSnapshotResponse,
} from '#libs/tracking';
import { DataSource } from 'typeorm';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { matchesIfNoneMatch } from '../public/public-answer.js';
import { actorOf } from './tracking-http.js';

class RollupQuery {
  @ApiPropertyOptional({ description: 'default: the one plan covering the year' })
  @IsOptional()
  @IsUUID()
  planId?: string;
  @ApiProperty({ example: 2022 }) @Type(() => Number) @IsInt() @Min(1989) @Max(2200) fiscalYear!: number;
  @ApiPropertyOptional({ enum: ['policy', 'orgUnit'] }) @IsOptional() @IsIn(['policy', 'orgUnit']) by?:
    'policy' | 'orgUnit';
  @ApiPropertyOptional({
    enum: ROLLUP_ORGANISATIONS,
    default: 'fiscal_year',
    description: 'by=orgUnit: the units (and names) of that year’s organisation, or restated by today’s',
  })
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
    private readonly answers: RollupAnswers,
    private readonly reports: CouncilReportService,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  @Get('progress')
  @Access.signedIn()
  @ApiOperation({
    summary: 'Counts per progress status for a plan’s fiscal year, with totals; by=policy or by=orgUnit for rows',
    description:
      'With an ETag (Cache-Control: private, no-cache): If-None-Match naming it answers 304 while the counts, ' +
      'scale and labels are unchanged; any recount committed before the request gives the new counts.',
  })
  @ApiOkResponse({
    type: RollupResponse,
    headers: { ETag: { description: 'of this answer', schema: { type: 'string' } } },
  })
  @ApiNotModifiedResponse({ description: 'If-None-Match names the current ETag: no body' })
  async progress(@Query() q: RollupQuery, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const answer = await this.answers.answer(await this.reports.planFor(q.fiscalYear, q.planId), q.fiscalYear, q.by, {
      as: q.organisation ?? 'fiscal_year',
      now: this.clock.now(),
    });
    // Revalidated on every use: the browser keeps the answer, and sends its tag back.
    reply.header('etag', answer.etag).header('cache-control', 'private, no-cache');
    if (matchesIfNoneMatch(req.headers['if-none-match'], answer.etag)) return reply.code(304).send();
    return reply.code(200).header('content-type', 'application/json; charset=utf-8').send(answer.body);
  }

  @Post('snapshots')
  @Access.roles(['secretariat'])
  @ApiOperation({
    summary: 'Freeze the year’s roll-up and statuses as reported to the council (never changes afterwards)',
  })
  @ApiCreatedResponse({ type: TakenSnapshotResponse })
  async snapshot(@Body() dto: SnapshotDto, @CurrentPrincipal() me: Principal) {
    const planId = await this.reports.planFor(dto.fiscalYear, dto.planId);
    return withTransaction(this.dataSource, (m) =>
      this.rollups.takeSnapshot(m, planId, dto.fiscalYear, dto.title, actorOf(me), dto.meetingId),
    );
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
