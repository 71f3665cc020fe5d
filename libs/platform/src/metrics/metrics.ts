import { Injectable, Logger } from '@nestjs/common';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { DataSource } from 'typeorm';

/** Upper bound of one scrape-time query: a slow database makes a gauge stale, never a scrape hang. */
export const COLLECT_TIMEOUT_MS = 1000;

/** `work`, or a rejection once COLLECT_TIMEOUT_MS passed. */
export async function withinCollectTimeout<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(
            () => reject(new Error(`no answer within ${COLLECT_TIMEOUT_MS} ms`)),
            COLLECT_TIMEOUT_MS,
          )),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** Buckets (seconds) for request durations and lateness: from a fast request to a late job. */
const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const LATENESS_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 5, 15, 60, 300, 1800];

/** The node-postgres pool TypeORM keeps behind its postgres driver. */
interface PgPool {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/**
 * This process's Prometheus registry (one per application, not prom-client's global one:
 * the e2e tests run several apps in one process). Gauges that need the database are read
 * when Prometheus scrapes (`collect`), one small indexed query each, bounded in time; the
 * request path only observes into in-memory histograms.
 */
@Injectable()
export class Metrics {
  private readonly logger = new Logger(Metrics.name);
  readonly registry = new Registry();

  /** Filled by the API's onResponse hook; `route` is the route pattern, never the raw URL. */
  readonly httpRequestDuration = new Histogram({
    name: 'kaikaku_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status, and how long they took',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: DURATION_BUCKETS,
    registers: [this.registry],
  });

  /** Filled by the worker when a job starts: how long after it was due. */
  readonly jobLateness = new Histogram({
    name: 'kaikaku_job_lateness_seconds',
    help: 'Time from when a job was due (added, or its delay over) to when a worker started it',
    labelNames: ['queue'] as const,
    buckets: LATENESS_BUCKETS,
    registers: [this.registry],
  });

  constructor(private readonly dataSource: DataSource) {
    collectDefaultMetrics({ register: this.registry });
    this.poolGauges();
    this.countAndAge(
      'kaikaku_outbox',
      'outbox rows not yet relayed to the queue',
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age FROM outbox WHERE sent_at IS NULL`,
      { count: 'backlog', age: 'oldest_age_seconds' },
    );
    this.countAndAge(
      'kaikaku_audit_unsealed',
      'audit_log rows the sealer has not linked into the chain yet (seq IS NULL)',
      `SELECT count(*)::int AS n, coalesce(extract(epoch FROM now() - min(occurred_at)), 0)::float8 AS age FROM audit_log WHERE seq IS NULL`,
      { count: 'rows', age: 'oldest_age_seconds' },
    );
  }

  /**
   * Two gauges, `<prefix>_<count>` and `<prefix>_<age>`, from one query answering `n` and
   * `age`, run once per scrape however many of the two are read. Libraries register their
   * own (reminders) the same way.
   */
  countAndAge(prefix: string, what: string, sql: string, names: { count: string; age: string }): void {
    let pending: Promise<{ n: number; age: number } | null> | null = null;
    const read = () => {
      // Both gauges of one scrape share the query.
      pending ??= this.query(sql).finally(() => setTimeout(() => (pending = null), 0));
      return pending;
    };
    const registry = this.registry;
    new Gauge({
      name: `${prefix}_${names.count}`,
      help: `Number of ${what}`,
      registers: [registry],
      async collect() {
        const row = await read();
        if (row) this.set(row.n);
      },
    });
    new Gauge({
      name: `${prefix}_${names.age}`,
      help: `Age in seconds of the oldest of the ${what} (0 when there is none)`,
      registers: [registry],
      async collect() {
        const row = await read();
        if (row) this.set(row.age);
      },
    });
  }

  /** Text exposition of every metric of this process. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return {
      contentType: this.registry.contentType,
      body: await this.registry.metrics(),
    };
  }

  private poolGauges(): void {
    const pool = () =>
      this.dataSource.isInitialized
        ? ((this.dataSource.driver as unknown as { master?: PgPool }).master ?? null)
        : null;
    const gauge = (name: string, help: string, read: (p: PgPool) => number) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        collect() {
          const p = pool();
          if (p) this.set(read(p));
        },
      });
    gauge('kaikaku_db_pool_connections', 'PostgreSQL connections the pool holds (busy and idle)', (p) => p.totalCount);
    gauge('kaikaku_db_pool_idle_connections', 'PostgreSQL connections idle in the pool', (p) => p.idleCount);
    gauge(
      'kaikaku_db_pool_waiting_requests',
      'Callers waiting for a pooled PostgreSQL connection',
      (p) => p.waitingCount,
    );
  }

  /** One row `{ n, age }`, or null when the database did not answer in time (the gauge keeps its last value). */
  private async query(sql: string): Promise<{ n: number; age: number } | null> {
    try {
      const rows = await withinCollectTimeout(this.dataSource.query<Array<{ n: number; age: number }>>(sql));
      return { n: Number(rows[0].n), age: Number(rows[0].age) };
    } catch (error) {
      this.logger.warn({ err: error }, 'a metric could not be read at scrape time');
      return null;
    }
  }
}
