import { Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService } from '@nestjs/terminus';
import { shutdownState } from '../lifecycle/http-drain.js';
import { PostgresHealthIndicator } from './postgres-health.indicator.js';
import { QueueHealthIndicator } from './queue-health.indicator.js';

export interface ReadinessAnswer {
  httpStatus: 200 | 503;
  body: unknown;
}

/**
 * Readiness = PostgreSQL answers (on a connection of its own: busy is not down) and the
 * queue backend is usable; each is named in the answer.
 */
@Injectable()
export class ReadinessService {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: PostgresHealthIndicator,
    private readonly queue: QueueHealthIndicator,
  ) {}

  async check(): Promise<ReadinessAnswer> {
    if (shutdownState.draining) {
      // Leaving: a balancer should route elsewhere while what was sent here is answered.
      return {
        httpStatus: 503,
        body: { status: 'error', error: { shutdown: { status: 'down', message: 'shutting down' } } },
      };
    }
    try {
      const body = await this.health.check([() => this.db.check(1500), () => this.queue.check()]);
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
