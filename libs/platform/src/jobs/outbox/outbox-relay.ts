import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { withTransaction } from '../../persistence/with-transaction.js';
import { coalescingKey, isJobName, queueOf, type JobName, type QueueName } from '../job-catalogue.js';
import { jobOptions, QueueRegistry } from '../queue-registry.js';
import { OUTBOX_CHANNEL } from './outbox.service.js';

interface ClaimedRow {
  id: string;
  job_id: string | null;
  job_name: string;
  payload: unknown;
  delay_ms: number;
}

/** Longest pause before a row whose hand-over failed is tried again. */
const MAX_BACKOFF_MS = 5000;

/**
 * A hand-over that takes longer is given up (Redis is away), so the claimed rows' locks
 * are not held indefinitely. If the late add lands after all, the next pass adds the same
 * jobIds again, which BullMQ ignores.
 */
const HAND_OVER_TIMEOUT_MS = 5000;

/**
 * Moves committed outbox rows into BullMQ. Each pass claims a batch with
 * FOR UPDATE SKIP LOCKED (so several relays, in one process or many, never claim the same
 * row), adds the jobs with jobId = outbox id (so a row handed over twice after a crash is
 * still one job), and marks the rows sent in the same transaction. If Redis is away the
 * rows stay unsent, with a growing pause, and go out when it returns.
 *
 * A pass starts when a committing transaction NOTIFYs, and at the latest every
 * OUTBOX_POLL_INTERVAL_MS.
 */
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  /** A commit notified while a pass was under way: the next pause ends at once. */
  private notified = false;
  private listener: pg.Client | null = null;
  private listenerRetry: NodeJS.Timeout | null = null;
  private failing = false;
  relayed = 0;

  constructor(
    private readonly dataSource: DataSource,
    private readonly queues: QueueRegistry,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  /** Before the pools close: the pass under way still needs PostgreSQL and Redis. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    void this.listen();
    this.loop = this.run();
  }

  /** Finishes the pass under way (its transaction commits or rolls back), then stops. */
  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    if (this.listenerRetry) clearTimeout(this.listenerRetry);
    await this.loop;
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
  }

  private async run(): Promise<void> {
    while (this.running) {
      let claimed = 0;
      let failure: unknown = null;
      try {
        ({ claimed, failure } = await this.relayOnce());
      } catch (error) {
        failure = error;
      }
      if (failure) {
        if (!this.failing) this.logger.warn({ err: failure }, 'outbox relay could not hand jobs over; retrying');
        this.failing = true;
      } else if (this.failing) {
        this.logger.log('outbox relay recovered');
        this.failing = false;
      }
      if (claimed < this.config.OUTBOX_BATCH_SIZE || failure)
        await this.pause(this.config.OUTBOX_POLL_INTERVAL_MS, claimed > 0 && !failure);
    }
  }

  /** `busy`: the last pass found rows, so more commits are likely on their way. */
  private async pause(ms: number, busy: boolean): Promise<void> {
    const woken = await new Promise<boolean>((resolve) => {
      if (this.notified || !this.running) return resolve(true);
      const timer = setTimeout(() => {
        this.wake = null;
        resolve(false);
      }, ms);
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve(true);
      };
    });
    this.notified = false;
    // While commits keep coming, waiting a moment lets one pass (one transaction, one round
    // trip to the queue) carry several rows instead of one each, for a few ms of latency.
    // After a quiet spell the first commit is relayed at once.
    const gather = this.config.OUTBOX_GATHER_MS;
    if (woken && busy && this.running && gather > 0) await new Promise((resolve) => setTimeout(resolve, gather));
  }

  private notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /**
   * One pass: how many rows it claimed, and why the hand-over failed if it did. A failed
   * hand-over still commits, to record the attempt and push the rows' next try back.
   */
  async relayOnce(): Promise<{ claimed: number; failure: unknown }> {
    return withTransaction(this.dataSource, async (manager) => {
      const rows: ClaimedRow[] = await manager.query(
        `SELECT id, job_id, job_name, payload,
                GREATEST(0, FLOOR(EXTRACT(EPOCH FROM (run_at - clock_timestamp())) * 1000))::bigint AS delay_ms
           FROM outbox
          WHERE sent_at IS NULL AND available_at <= now()
          ORDER BY created_at, id
          LIMIT $1
          FOR UPDATE SKIP LOCKED`,
        [this.config.OUTBOX_BATCH_SIZE],
      );
      if (rows.length === 0) return { claimed: 0, failure: null };

      const known = rows.filter((r) => isJobName(r.job_name));
      const unknown = rows.filter((r) => !isJobName(r.job_name));
      if (unknown.length > 0) {
        // A row from a newer or older release: park it, visibly, rather than lose it.
        this.logger.error({ ids: unknown.map((r) => r.id) }, 'outbox rows name jobs this release does not know');
        await manager.query(
          `UPDATE outbox SET last_error = 'unknown job name', available_at = 'infinity' WHERE id = ANY($1::uuid[])`,
          [unknown.map((r) => r.id)],
        );
      }

      try {
        await withTimeout(this.handOver(known), HAND_OVER_TIMEOUT_MS);
      } catch (error) {
        await manager.query(
          `UPDATE outbox
              SET attempts = attempts + 1,
                  last_error = $2,
                  available_at = now() + make_interval(secs => LEAST($3::float8, 0.1 * power(2, attempts)) )
            WHERE id = ANY($1::uuid[])`,
          [known.map((r) => r.id), String((error as Error)?.message ?? error).slice(0, 500), MAX_BACKOFF_MS / 1000],
        );
        return { claimed: rows.length, failure: error };
      }
      await manager.query(
        `UPDATE outbox SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = ANY($1::uuid[])`,
        [known.map((r) => r.id)],
      );
      this.relayed += known.length;
      return { claimed: rows.length, failure: null };
    });
  }

  private async handOver(rows: ClaimedRow[]): Promise<void> {
    const byQueue = new Map<QueueName, ClaimedRow[]>();
    for (const row of rows) {
      const queue = queueOf(row.job_name as JobName);
      byQueue.set(queue, [...(byQueue.get(queue) ?? []), row]);
    }
    for (const [queue, batch] of byQueue) {
      // Coalescing jobs (JOB_COALESCING) with the same key in one pass are one job: all their
      // rows committed before it is added, so the one added sees what each of them asked for.
      const coalesced = new Set<string>();
      const jobs = batch.flatMap((row) => {
        const coalesce = coalescingKey(row.job_name as JobName, row.payload);
        if (coalesce && coalesced.has(coalesce)) return [];
        if (coalesce) coalesced.add(coalesce);
        return [{ row, coalesce }];
      });
      await this.queues.get(queue).addBulk(
        jobs.map(({ row, coalesce }) => {
          return {
            name: row.job_name,
            data: row.payload,
            opts: {
              ...jobOptions(row.job_name as JobName),
              jobId: row.job_id ?? row.id,
              delay: Number(row.delay_ms),
              ...(coalesce ? { deduplication: { id: coalesce, keepLastIfActive: true } } : {}),
            },
          };
        }),
      );
    }
  }

  /** LISTEN for commits that wrote outbox rows; reconnects when PostgreSQL comes back. */
  private async listen(): Promise<void> {
    if (!this.running) return;
    const client = new pg.Client({
      connectionString: this.config.DATABASE_URL,
      application_name: 'kaikaku-outbox-listener',
    });
    let retried = false;
    const retry = () => {
      if (retried) return;
      retried = true;
      client.removeAllListeners();
      client.on('error', () => undefined);
      client.end().catch(() => undefined);
      if (this.listener === client) this.listener = null;
      if (this.running) this.listenerRetry = setTimeout(() => void this.listen(), 1000);
    };
    client.on('error', retry);
    client.on('end', () => this.listener === client && retry());
    client.on('notification', () => this.notify());
    try {
      await client.connect();
      await client.query(`LISTEN ${OUTBOX_CHANNEL}`);
      this.listener = client;
      // Rows may have been committed while we were not listening.
      this.notify();
    } catch {
      retry();
    }
  }
}

function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`queue did not answer within ${ms} ms`)), ms);
  });
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
