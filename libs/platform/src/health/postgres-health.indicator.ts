import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';

/** node-postgres pool counters, as the TypeORM driver holds the pool. */
export function poolUsage(dataSource: DataSource): { size: number; idle: number; waiting: number } | null {
  const pool = (
    dataSource.driver as unknown as { master?: { totalCount: number; idleCount: number; waitingCount: number } }
  ).master;
  return pool ? { size: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount } : null;
}

/**
 * "Is PostgreSQL up?" asked on a connection of its own, outside the request pool: a pool
 * that is busy (every connection taken, requests waiting) is not PostgreSQL being down,
 * and a busy instance stays ready; a balancer that pulled it would only push its load onto
 * the others. The pool's use is reported beside the answer.
 */
@Injectable()
export class PostgresHealthIndicator implements OnApplicationShutdown {
  private client: pg.Client | null = null;

  constructor(
    private readonly health: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async check(timeoutMs = 1500) {
    const session = this.health.check('postgres');
    const pool = poolUsage(this.dataSource);
    try {
      const client = await this.connection(timeoutMs);
      await withTimeout(client.query('SELECT 1'), timeoutMs);
      return session.up({ ...(pool ? { pool, busy: pool.waiting > 0 } : {}) });
    } catch (error) {
      this.drop();
      return session.down({ message: error instanceof Error ? error.message : String(error) });
    }
  }

  private async connection(timeoutMs: number): Promise<pg.Client> {
    if (this.client) return this.client;
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      connectionTimeoutMillis: timeoutMs,
      application_name: 'kaikaku:readiness',
    });
    // A server restart ends the connection; the next probe opens a new one.
    client.on('error', () => this.drop());
    client.on('end', () => this.drop(client));
    await client.connect();
    this.client = client;
    return client;
  }

  private drop(which: pg.Client | null = this.client): void {
    if (!which || which !== this.client) return;
    this.client = null;
    which.end().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.end().catch(() => undefined);
    this.client = null;
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms))),
  ]).finally(() => clearTimeout(timer));
}
