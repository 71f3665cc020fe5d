import { Controller, Get, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { liveness, LivenessResponse, ReadinessResponse, ReadinessService } from '#libs/platform';
import { Access } from '../access/access.decorator.js';

/** Probes for orchestrators and load balancers. No authentication: they reveal nothing but up or down. */
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @Access.public()
  @Get()
  @ApiOperation({ summary: 'Liveness: the process is running' })
  @ApiOkResponse({ type: LivenessResponse, description: 'alive' })
  live() {
    return liveness();
  }

  @Access.public()
  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and the queue backend are usable' })
  @ApiOkResponse({ type: ReadinessResponse, description: 'ready; `info` names each backing service' })
  @ApiServiceUnavailableResponse({
    type: ReadinessResponse,
    description: 'not ready; `error` names the failing service',
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const answer = await this.readiness.check();
    reply.status(answer.httpStatus);
    return answer.body;
  }
}
