import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { AppConfig } from '../config/app-config.js';
import { reconnectForever, redisOptionsFromUrl } from '../jobs/redis-options.js';
import { BULLMQ_SCHEMA } from '../jobs/queue-backend.js';
import { DataSource } from 'typeorm';

/** Reads `key:value` lines of Redis INFO. */
export function parseRedisInfo(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0 && !line.startsWith('#')) out[line.slice(0, i)] = line.slice(i + 1).trim();
  }
  return out;
}

/**
 * What BullMQ needs of Redis. An evicting policy silently drops queue keys: not ready.
 * Without AOF a restart loses jobs added since the last snapshot: serving, but degraded.
 */
export function judgeRedis(info: Record<string, string>): { ok: boolean; degraded?: string; problem?: string } {
  const policy = info['maxmemory_policy'];
  if (policy !== undefined && policy !== 'noeviction') {
    return { ok: false, problem: `maxmemory-policy is ${policy}; BullMQ requires noeviction` };
  }
  if (info['aof_enabled'] !== undefined && info['aof_enabled'] !== '1') {
    return { ok: true, degraded: 'appendonly is off; queued jobs may be lost on a Redis restart' };
  }
  return { ok: true };
}

/**
 * Readiness of the queue backend. It has its own connection that never queues commands
 * while Redis is away, so a probe answers at once, and reconnects by itself, so readiness
 * turns green again without a restart.
 */
@Injectable()
export class QueueHealthIndicator implements OnApplicationShutdown {
  private readonly client: Redis | null = null;
  private readonly backend: AppConfig['QUEUE_BACKEND'];

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
    config: AppConfig,
  ) {
    this.backend = config.QUEUE_BACKEND;
    if (this.backend === 'postgres') return;
    this.client = new Redis({
      ...redisOptionsFromUrl(config.REDIS_URL),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectForever,
      connectionName: 'kaikaku:health',
      lazyConnect: true,
    });
    this.client.on('error', () => undefined);
    this.client.connect().catch(() => undefined);
  }

  /** The name the queue backend has in readiness answers. */
  get key(): string {
    return this.backend === 'postgres' ? 'queue-postgres' : 'redis';
  }

  check() {
    const session = this.health.check(this.key);
    if (this.backend === 'postgres' || !this.client) {
      return (async () => {
        try {
          // BullMQ's schema exists and answers (its migrations ran with `migrate`).
          const rows = await withTimeout(
            this.dataSource.query<Array<{ n: number }>>(
              `SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1`,
              [BULLMQ_SCHEMA],
            ),
            1500,
          );
          if (rows[0].n === 0) return session.down({ message: `the ${BULLMQ_SCHEMA} schema is missing: run migrate` });
          return session.up({ schema: BULLMQ_SCHEMA });
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      })();
    }
    const client = this.client;
    return (async () => {
      try {
        const info = parseRedisInfo(await withTimeout(client.info(), 1500));
        const verdict = judgeRedis(info);
        if (!verdict.ok) return session.down({ message: verdict.problem });
        if (verdict.degraded) return session.degraded({ message: verdict.degraded });
        return session.up({ version: info['redis_version'] });
      } catch (error) {
        return session.down({ message: error instanceof Error ? error.message : String(error) });
      }
    })();
  }

  async onApplicationShutdown(): Promise<void> {
    this.client?.disconnect();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e: unknown) => (clearTimeout(timer), reject(e instanceof Error ? e : new Error(String(e)))),
    );
  });
}
