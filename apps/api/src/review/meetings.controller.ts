import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { ParseIdPipe, type Page } from '#libs/platform';
import {
  AgendaDto,
  CreateMeetingDto,
  MeetingQuery,
  MeetingResponse,
  MeetingsService,
  type MeetingView,
} from '#libs/review';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiPage } from '../openapi/api-docs.js';

@ApiTags('meetings')
@Controller('meetings')
export class MeetingsController {
  constructor(
    private readonly meetings: MeetingsService,
    private readonly writes: Writes,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Committee, HQ and council meetings' })
  @ApiPage(MeetingResponse)
  list(@CurrentPrincipal() me: Principal, @Query() query: MeetingQuery): Promise<Page<MeetingView>> {
    return this.meetings.list(me, query);
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One meeting with its agenda (the proposals the caller may see)' })
  @ApiOkResponse({ type: MeetingResponse })
  get(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string): Promise<MeetingView> {
    return this.meetings.get(me, id);
  }

  @Post()
  @Access.roles(['secretariat'])
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Schedule a meeting' })
  @ApiCreatedResponse({ type: MeetingResponse })
  create(
    @CurrentPrincipal() me: Principal,
    @Body() dto: CreateMeetingDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.meetings.create(m, me, dto));
  }

  @Post(':id/agenda')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Put proposals on the agenda (each at the stage this meeting decides)' })
  @ApiOkResponse({ type: MeetingResponse })
  agenda(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: AgendaDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 200, (m) => this.meetings.addToAgenda(m, me, id, dto));
  }
}
