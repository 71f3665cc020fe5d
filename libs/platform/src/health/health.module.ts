import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthHttpServer } from './health-http-server.js';
import { PostgresHealthIndicator } from './postgres-health.indicator.js';
import { QueueHealthIndicator } from './queue-health.indicator.js';
import { ReadinessService } from './readiness.service.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  providers: [PostgresHealthIndicator, QueueHealthIndicator, ReadinessService, HealthHttpServer],
  exports: [ReadinessService, HealthHttpServer],
})
export class HealthModule {}
