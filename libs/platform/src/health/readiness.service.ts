import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { QueueHealthIndicator } from './queue-health.indicator.js';

export interface ReadinessAnswer {
  httpStatus: 200 | 503;
  body: unknown;
}

/** Readiness = PostgreSQL answers and the queue backend is usable; each is named in the answer. */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  async check(): Promise<ReadinessAnswer> {
    try {
      const body = await this.health.check([
        () => this.db.pingCheck('postgres').withTimeout(1500),
        () => this.queue.check(),
      ]);
      return { httpStatus: 200, body };
    } catch (error) {
      if (error instanceof ServiceUnavailableException) return { httpStatus: 503, body: error.getResponse() };
      throw error;
    }
  }
}

/** Liveness: the process runs its event loop. Nothing external, or a database outage would restart every pod. */
export function liveness() {
  return { status: 'ok', uptimeSeconds: Math.round(process.uptime()) };
}
