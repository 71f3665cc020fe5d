import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch } from '#libs/platform';
import {
  CreateIndicatorDto,
  IndicatorQuery,
  IndicatorResponse,
  IndicatorsService,
  MeasurementDto,
  MeasurementResponse,
  UpdateIndicatorDto,
} from '#libs/tracking';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIfMatch, ApiPage } from '../openapi/api-docs.js';
import { actorOf } from './tracking-http.js';

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
  create(
    @CurrentPrincipal() me: Principal,
    @Body() dto: CreateIndicatorDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.indicators.create(m, actorOf(me), dto));
  }

  @Patch(':id')
  @Access.roles(['secretariat'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change an indicator' })
  @ApiOkResponse({ type: IndicatorResponse })
  update(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateIndicatorDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
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
  measure(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: MeasurementDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.indicators.measure(m, actorOf(me), id, dto));
  }
}
