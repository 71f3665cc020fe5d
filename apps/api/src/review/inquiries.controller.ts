import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch, type Page } from '#libs/platform';
import {
  CreateInquiryDto,
  InquiriesService,
  InquiryQuery,
  InquiryResponse,
  InquiryTransitionDto,
  InquiryUnitAnswerResponse,
  NilReturnDto,
  UpdateInquiryDto,
  type InquiryResponseView,
  type InquiryView,
} from '#libs/review';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiIfMatch, ApiPage } from '../openapi/api-docs.js';

/** 全庁照会: the all-bureau inquiry. */
@ApiTags('inquiries')
@Controller('inquiries')
export class InquiriesController {
  constructor(
    private readonly inquiries: InquiriesService,
    private readonly writes: Writes,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Inquiries (drafts only for the secretariat)' })
  @ApiPage(InquiryResponse)
  list(@CurrentPrincipal() me: Principal, @Query() query: InquiryQuery): Promise<Page<InquiryView>> {
    return this.inquiries.list(me, query);
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One inquiry with its target units (with ETag)' })
  @ApiOkResponse({ type: InquiryResponse })
  async get(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const inquiry = await this.inquiries.get(me, id);
    reply.header('etag', etagOf(inquiry.version));
    return inquiry;
  }

  @Post()
  @Access.roles(['secretariat'])
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Create an inquiry for a plan: due date, target units (all bureaus and wards by default)' })
  @ApiCreatedResponse({ type: InquiryResponse })
  create(
    @CurrentPrincipal() me: Principal,
    @Body() dto: CreateInquiryDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.inquiries.create(m, me, dto));
  }

  @Patch(':id')
  @Access.roles(['secretariat'])
  @ApiIfMatch()
  @ApiOperation({ summary: 'Change title, description, due date, or (while a draft) the target units' })
  @ApiOkResponse({ type: InquiryResponse })
  update(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdateInquiryDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.inquiries.update(m, me, id, version, dto));
  }

  @Post(':id/transitions')
  @Access.roles(['secretariat'], { deputies: true })
  @ApiIfMatch()
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'open, close or cancel (with a comment) the inquiry' })
  @ApiOkResponse({ type: InquiryResponse })
  transition(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: InquiryTransitionDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    // The pipeline begins the transaction only if the transition's hooks need one.
    return this.writes.run(req, reply, me, 200, (m) => this.inquiries.transition(m, me, id, version, dto), {
      deferTransaction: true,
    });
  }

  @Get(':id/responses')
  @Access.signedIn()
  @ApiOperation({
    summary:
      'Each target unit’s answer: pending, responded (n proposals) or nil_return (該当なし); bureaus see their own rows',
  })
  @ApiOkResponse({ type: [InquiryUnitAnswerResponse] })
  responses(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string): Promise<InquiryResponseView[]> {
    return this.inquiries.responses(me, id);
  }

  @Post(':id/nil-return')
  @Access.roles(['bureau_approver'])
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Declare 該当なし (nothing to propose) for your unit' })
  @ApiOkResponse({ type: InquiryUnitAnswerResponse, description: 'the unit’s answer, now 該当なし' })
  nilReturn(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: NilReturnDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 200, (m) => this.inquiries.nilReturn(m, me, id, dto));
  }
}
