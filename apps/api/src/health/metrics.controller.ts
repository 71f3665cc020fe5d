import { Controller, Get, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Metrics } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { ApiFile } from '../openapi/api-docs.js';

/** Prometheus's scrape target: outside /api/v1 like the probes, for operators only. */
@ApiTags('health')
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: Metrics) {}

  @Get()
  @Access.operators()
  @ApiOperation({
    summary: 'Prometheus metrics of this API instance (requests per route, pool, outbox, audit sealing, process)',
  })
  @ApiFile('text/plain', 'the metrics in the Prometheus text exposition format')
  async scrape(@Res() reply: FastifyReply): Promise<void> {
    const { contentType, body } = await this.metrics.exposition();
    reply.header('content-type', contentType).header('cache-control', 'no-store').send(body);
  }
}
