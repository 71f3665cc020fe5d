import { Body, Controller, Get, Headers, Param, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import { etagOf, ParseIdPipe, versionFromIfMatch, type Page } from '#libs/platform';
import {
  AvailableActionResponse,
  CorrectProposalDto,
  CreateProposalDto,
  HistoryEntryResponse,
  ProposalContentDto,
  ProposalQuery,
  ProposalResponse,
  ProposalRevisionResponse,
  ProposalsService,
  TransitionDto,
  type ProposalView,
} from '#libs/review';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiIfMatch, ApiPage } from '../openapi/api-docs.js';

/** Every role a workflow may name; which one may take which action is the workflow's (data) decision. */
const WORKFLOW_ROLES = ['bureau_editor', 'bureau_approver', 'secretariat', 'committee_reviewer', 'hq_member'] as const;

/** Proposals (取組提案) and their way through the cycle. */
@ApiTags('proposals')
@Controller('proposals')
export class ProposalsController {
  constructor(
    private readonly proposals: ProposalsService,
    private readonly writes: Writes,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Proposals the caller may see, filtered by inquiry, plan, state or unit' })
  @ApiPage(ProposalResponse)
  list(@CurrentPrincipal() me: Principal, @Query() query: ProposalQuery): Promise<Page<ProposalView>> {
    return this.proposals.list(me, query);
  }

  @Get(':id')
  @Access.signedIn({ object: 'proposal' })
  @ApiOperation({ summary: 'One proposal (with ETag)' })
  @ApiOkResponse({ type: ProposalResponse, description: 'with its ETag' })
  async get(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const proposal = await this.proposals.get(me, id);
    reply.header('etag', etagOf(proposal.version));
    return proposal;
  }

  @Post()
  @Access.roles(['bureau_editor'])
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Draft a proposal for your unit in answer to an open inquiry' })
  @ApiCreatedResponse({ type: ProposalResponse })
  create(
    @CurrentPrincipal() me: Principal,
    @Body() dto: CreateProposalDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.writes.run(req, reply, me, 201, (m) => this.proposals.create(m, me, dto));
  }

  @Patch(':id')
  @Access.roles(['bureau_editor', 'secretariat'], { object: 'proposal' })
  @ApiIfMatch()
  @ApiOperation({
    summary:
      'Edit the content (bureau: draft or returned; secretariat: under review); kept as a revision once submitted',
  })
  @ApiOkResponse({ type: ProposalResponse })
  update(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: ProposalContentDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.proposals.update(m, me, id, version, dto));
  }

  @Post(':id/transitions')
  @Access.roles(WORKFLOW_ROLES, { object: 'proposal', deputies: true })
  @ApiIfMatch()
  @ApiIdempotencyKey()
  @ApiOperation({ summary: 'Take a workflow action: submit, approve, return, reject, withdraw, merge, report' })
  @ApiOkResponse({ type: ProposalResponse, description: 'the proposal in its new state' })
  transition(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: TransitionDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    // The pipeline begins the transaction only if the transition's hooks need one.
    return this.writes.run(req, reply, me, 200, (m) => this.proposals.transition(m, me, id, version, dto), {
      deferTransaction: true,
    });
  }

  @Get(':id/actions')
  @Access.signedIn({ object: 'proposal' })
  @ApiOperation({ summary: 'The actions the caller may take now' })
  @ApiOkResponse({ type: [AvailableActionResponse] })
  actions(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.proposals.actions(me, id);
  }

  @Get(':id/history')
  @Access.signedIn({ object: 'proposal' })
  @ApiOperation({ summary: 'Every step: actor, from, to, action, comment, time, version (from the audit log)' })
  @ApiOkResponse({ type: [HistoryEntryResponse] })
  history(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.proposals.history(me, id);
  }

  @Get(':id/revisions')
  @Access.signedIn({ object: 'proposal' })
  @ApiOperation({ summary: 'The content revisions kept since the first submission' })
  @ApiOkResponse({ type: [ProposalRevisionResponse] })
  revisions(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.proposals.revisions(me, id);
  }

  @Post(':id/corrections')
  @Access.roles(['secretariat'], { object: 'proposal' })
  @ApiIfMatch()
  @ApiIdempotencyKey()
  @ApiOperation({
    summary: 'Correct a decided proposal: a new revision with its reason (the decision itself is not edited)',
  })
  @ApiOkResponse({ type: ProposalResponse })
  correct(
    @CurrentPrincipal() me: Principal,
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: CorrectProposalDto,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const version = versionFromIfMatch(ifMatch);
    return this.writes.run(req, reply, me, 200, (m) => this.proposals.correct(m, me, id, version, dto));
  }
}
