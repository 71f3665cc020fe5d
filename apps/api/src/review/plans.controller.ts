import { Body, Controller, Get, Headers, Param, Patch, Post, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '#libs/identity';
import {
  CreatePlanDto,
  CreatePolicyDto,
  PlanResponse,
  PlansService,
  PolicyResponse,
  UpdatePlanDto,
  type PlanView,
  type PolicyView,
} from '#libs/planning';
import { etagOf, ParseIdPipe, versionFromIfMatch } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { Writes } from '../http/writes.js';
import { ApiIdempotencyKey, ApiIfMatch } from '../openapi/api-docs.js';

const actorOf = (p: Principal) => ({ id: p.id, username: p.user.username });

@ApiTags('plans')
@Controller('plans')
export class PlansController {
  constructor(
    private readonly plans: PlansService,
    private readonly writes: Writes,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Reform plans, newest first' })
  @ApiOkResponse({ type: [PlanResponse] })
  list(): Promise<PlanView[]> {
    return this.plans.list();
  }

  @Get(':id')
  @Access.signedIn()
  @ApiOperation({ summary: 'One plan: period (with 和暦 labels), mission, vision, values, policies and themes' })
  @ApiOkResponse({ type: PlanResponse })
  async get(@Param('id', ParseIdPipe) id: string, @Res({ passthrough: true }) reply: FastifyReply): Promise<PlanView> {
    const plan = await this.plans.get(id);
    reply.header('etag', etagOf(plan.version));
    return plan;
  }

  @Post()
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Create a plan' })
  @ApiIdempotencyKey()
  @ApiCreatedResponse({ type: PlanResponse })
  create(
    @Body() dto: CreatePlanDto,
    @CurrentPrincipal() me: Principal,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlanView> {
    return this.writes.run(req, reply, me, 201, (m) => this.plans.create(dto, actorOf(me), m));
  }

  @Patch(':id')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Change a plan' })
  @ApiIfMatch()
  @ApiOkResponse({ type: PlanResponse })
  async update(
    @Param('id', ParseIdPipe) id: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Body() dto: UpdatePlanDto,
    @CurrentPrincipal() me: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<PlanView> {
    const plan = await this.plans.update(id, versionFromIfMatch(ifMatch), dto, actorOf(me));
    reply.header('etag', etagOf(plan.version));
    return plan;
  }

  @Get(':id/policies')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'The policies (方針) of a plan with their themes' })
  @ApiOkResponse({ type: [PolicyResponse] })
  async policies(@Param('id', ParseIdPipe) id: string): Promise<PolicyView[]> {
    return (await this.plans.get(id)).policies;
  }

  @Post(':id/policies')
  @Access.roles(['secretariat'])
  @ApiOperation({ summary: 'Add a policy to a plan' })
  @ApiCreatedResponse({ type: PolicyResponse })
  addPolicy(
    @Param('id', ParseIdPipe) id: string,
    @Body() dto: CreatePolicyDto,
    @CurrentPrincipal() me: Principal,
  ): Promise<PolicyView> {
    return this.plans.addPolicy(id, dto, actorOf(me));
  }
}
