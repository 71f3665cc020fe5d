import { Controller, Get, Param, Query, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiNotModifiedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AppConfig } from '#libs/platform';
import {
  openDataCsv,
  PublicCache,
  PublicDataService,
  PublicIndicatorListResponse,
  PublicInitiativeListResponse,
  PublicInitiativeResponse,
  PublicOpenDataResponse,
  PublicPlanListResponse,
  PublicPlanResponse,
  PublicRollupResponse,
  rendered,
  type PublicAnswer,
} from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { ApiFile, ApiProblem } from '../openapi/api-docs.js';
import { PublicRateLimitGuard, sendPublic } from './public-answer.js';

export const PLAN_CODE = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const INITIATIVE_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$/;

export class PublicPlanParams {
  @ApiProperty({ example: 'kaikaku-stage3' }) @Matches(PLAN_CODE) plan!: string;
}
export class PublicYearParams extends PublicPlanParams {
  @ApiProperty({ example: 2022, description: 'fiscal year (the Gregorian year it starts in)' })
  @Type(() => Number)
  @IsInt()
  @Min(1989)
  @Max(2200)
  fiscalYear!: number;
}
export class PublicInitiativeParams extends PublicPlanParams {
  @ApiProperty({ example: '1-01' }) @Matches(INITIATIVE_CODE) code!: string;
}
export class PublicPageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1, description: '50 initiatives a page' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  page: number = 1;
}
export class OpenDataQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv']) format:
    'json' | 'csv' = 'json';
}

const JSON_TYPE = 'application/json; charset=utf-8';
const json = (answer: PublicAnswer) => rendered(JSON.stringify(answer), JSON_TYPE);

/**
 * The read-only public API (公開API): what the citizens' pages show, as JSON and open data.
 * No sign-in, no cookie; ETag and Cache-Control on every answer, 304 on If-None-Match, and a
 * per-address limit shared by all instances (429).
 */
@ApiTags('public')
@Controller('public')
@UseGuards(PublicRateLimitGuard)
@Access.public()
@ApiNotModifiedResponse({ description: 'If-None-Match names the current ETag: no body' })
@ApiProblem(429, 'too many requests from this address (RATE_LIMITED, with Retry-After)')
export class PublicApiController {
  constructor(
    private readonly data: PublicDataService,
    private readonly cache: PublicCache,
    private readonly config: AppConfig,
  ) {}

  @Get('plans')
  @ApiOperation({ summary: 'The plans, as published' })
  @ApiOkResponse({ type: PublicPlanListResponse })
  async plans(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPublic(
      req,
      reply,
      await this.cache.answer('api:plans', async () => json(await this.data.plans())),
      this.config,
    );
  }

  @Get('plans/:plan')
  @ApiOperation({
    summary: 'A plan: period, mission, vision, values, policies, status scale and each year’s confirmed totals',
  })
  @ApiOkResponse({ type: PublicPlanResponse })
  async plan(@Param() p: PublicPlanParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPublic(
      req,
      reply,
      await this.cache.answer(`api:plan:${p.plan}`, async () => json(await this.data.plan(p.plan))),
      this.config,
    );
  }

  @Get('plans/:plan/rollups/:fiscalYear')
  @ApiOperation({
    summary:
      'A year’s confirmed progress counted by policy (the plan’s form) and by bureau or ward, from the roll-up table',
  })
  @ApiOkResponse({ type: PublicRollupResponse })
  async rollup(@Param() p: PublicYearParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPublic(
      req,
      reply,
      await this.cache.answer(`api:rollup:${p.plan}:${p.fiscalYear}`, async () =>
        json(await this.data.rollup(p.plan, p.fiscalYear)),
      ),
      this.config,
    );
  }

  @Get('plans/:plan/years/:fiscalYear/initiatives')
  @ApiOperation({ summary: 'The plan’s initiatives with their confirmed status of the year, 50 a page' })
  @ApiOkResponse({ type: PublicInitiativeListResponse })
  async initiatives(
    @Param() p: PublicYearParams,
    @Query() q: PublicPageQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const key = `api:initiatives:${p.plan}:${p.fiscalYear}:${q.page}`;
    return sendPublic(
      req,
      reply,
      await this.cache.answer(key, async () => json(await this.data.initiatives(p.plan, p.fiscalYear, q.page))),
      this.config,
    );
  }

  @Get('plans/:plan/initiatives/:code')
  @ApiOperation({ summary: 'One initiative: yearly plan and its history of confirmed progress reports' })
  @ApiOkResponse({ type: PublicInitiativeResponse })
  async initiative(@Param() p: PublicInitiativeParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPublic(
      req,
      reply,
      await this.cache.answer(`api:initiative:${p.plan}:${p.code}`, async () =>
        json(await this.data.initiative(p.plan, p.code)),
      ),
      this.config,
    );
  }

  @Get('plans/:plan/indicators')
  @ApiOperation({ summary: 'The plan’s KPIs (検証指標): baseline, measurements, target and grade' })
  @ApiOkResponse({ type: PublicIndicatorListResponse })
  async indicators(@Param() p: PublicPlanParams, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return sendPublic(
      req,
      reply,
      await this.cache.answer(`api:indicators:${p.plan}`, async () => json(await this.data.indicators(p.plan))),
      this.config,
    );
  }

  @Get('plans/:plan/open-data/:fiscalYear')
  @ApiOperation({
    summary: 'A plan’s year as open data: JSON with the licence and column definitions, or CSV (UTF-8 with BOM)',
  })
  @ApiFile('text/csv', 'one row per initiative; JSON also carries the licence and the columns', PublicOpenDataResponse)
  async openData(
    @Param() p: PublicYearParams,
    @Query() q: OpenDataQuery,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const answer = await this.cache.answer(`api:open-data:${p.plan}:${p.fiscalYear}:${q.format}`, async () => {
      const data = await this.data.openData(p.plan, p.fiscalYear);
      if (q.format === 'json') return json(data);
      return rendered(
        openDataCsv(data.rows as Record<string, unknown>[]),
        'text/csv; charset=utf-8',
        `${p.plan}-${p.fiscalYear}.csv`,
      );
    });
    return sendPublic(req, reply, answer, this.config);
  }
}
