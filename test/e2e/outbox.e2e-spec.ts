import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import {
  OUTBOX_CHANNEL,
  OutboxRelay,
  OutboxService,
  ProbeService,
  QueueName,
  withTransaction,
  type AppConfig,
} from '#libs/platform';
import pg from 'pg';
import { startWorker, testConfig, waitFor } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { privateRedis, type PrivateRedis } from '../support/private-services.js';

/** Requests `n` probes, each in its own transaction, `parallel` at a time. */
async function requestProbes(app: INestApplicationContext, n: number, parallel = 8): Promise<string[]> {
  const ds = app.get(DataSource);
  const probes = app.get(ProbeService);
  const ids: string[] = [];
  for (let i = 0; i < n; i += parallel) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(parallel, n - i) }, () => withTransaction(ds, (m) => probes.request(m))),
    );
    ids.push(...batch);
  }
  return ids;
}

function systemQueue(config: AppConfig): Queue {
  const u = new URL(config.REDIS_URL);
  return new Queue(QueueName.System, {
    connection: { host: u.hostname, port: Number(u.port) },
    prefix: config.QUEUE_PREFIX,
  });
}

describe('outbox → relay → BullMQ', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let workerA: INestApplicationContext;
  let workerB: INestApplicationContext;
  let queue: Queue;

  beforeAll(async () => {
    db = await createTestDatabase();
    // Small batches so that the two relays really compete for rows.
    config = testConfig(db.url, { OUTBOX_BATCH_SIZE: '7', OUTBOX_POLL_INTERVAL_MS: '100' });
    [workerA, workerB] = await Promise.all([startWorker(config), startWorker(config)]);
    queue = systemQueue(config);
  });
  afterAll(async () => {
    await queue?.close();
    await Promise.all([workerA?.close(), workerB?.close()]);
    await db?.drop();
  });

  it('processes every committed row exactly once with two relays running', async () => {
    const ids = await requestProbes(workerA, 300);
    await waitFor(
      async () => {
        const [r] = await db.query(
          `SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND processed_count > 0`,
          [ids],
        );
        return r.n === ids.length;
      },
      'all probes processed',
      60_000,
    );

    const counts = await db.query(
      `SELECT processed_count, count(*)::int AS n FROM system_probe WHERE id = ANY($1) GROUP BY 1`,
      [ids],
    );
    expect(counts).toEqual([{ processed_count: 1, n: 300 }]);

    const outbox = await db.query(`SELECT id FROM outbox WHERE job_name = 'system.probe' AND sent_at IS NOT NULL`);
    expect(outbox).toHaveLength(300);
    // Every row became exactly one job, and that job's id is the row's id.
    const jobs = await Promise.all(outbox.map((r) => queue.getJob(r.id)));
    expect(jobs.every((j) => j !== undefined && j !== null && j.attemptsMade === 1)).toBe(true);
    expect(await queue.getJobCountByTypes('completed')).toBe(300);

    // Whichever relay took a row, it was counted once: the two counts add up to the rows.
    const a = workerA.get(OutboxRelay).relayed;
    const b = workerB.get(OutboxRelay).relayed;
    expect(a + b).toBe(300);
  }, 120_000);

  it('never turns the rows of a rolled-back transaction into jobs', async () => {
    const ds = workerA.get(DataSource);
    const probes = workerA.get(ProbeService);
    let doomedOutboxId = '';
    let doomedProbe = '';
    await expect(
      withTransaction(ds, async (m) => {
        doomedProbe = await probes.request(m);
        [{ id: doomedOutboxId }] = await m.query(`SELECT id FROM outbox ORDER BY created_at DESC LIMIT 1`);
        throw new Error('business rule failed after the job was written');
      }),
    ).rejects.toThrow('business rule failed');

    // A later committed probe is a fence: once it ran, the relay has passed where the doomed row would be.
    const [fence] = await requestProbes(workerA, 1);
    await waitFor(
      async () =>
        (await db.query(`SELECT processed_count FROM system_probe WHERE id = $1`, [fence]))[0]?.processed_count === 1,
      'fence',
    );

    expect(await db.query(`SELECT 1 FROM outbox WHERE id = $1`, [doomedOutboxId])).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM system_probe WHERE id = $1`, [doomedProbe])).toHaveLength(0);
    expect(await queue.getJob(doomedOutboxId)).toBeFalsy();
  });

  it('deletes relayed rows past OUTBOX_RETENTION_DAYS when its nightly job runs, and keeps the rest', async () => {
    const system = queue;
    expect(await system.getJobScheduler('outbox-cleanup-nightly')).toMatchObject({
      name: 'system.outbox-cleanup',
      pattern: '15 3 * * *',
      tz: 'Asia/Tokyo',
    });
    const days = config.OUTBOX_RETENTION_DAYS;
    const insert = (sentDaysAgo: number | null, availableInDays = 0) =>
      db.query(
        `INSERT INTO outbox (queue, job_name, payload, created_at, available_at, sent_at)
         VALUES ('system', 'system.probe', '{}', now() - make_interval(days => $1), now() + make_interval(days => $2), CASE WHEN $3::int IS NULL THEN NULL ELSE now() - make_interval(days => $3::int) END)
         RETURNING id`,
        [days + 5, availableInDays, sentDaysAgo],
      );
    const [[old], [recent], [unsent]] = await Promise.all([insert(days + 1), insert(days - 1), insert(null, 30)]);
    // What the scheduler adds at 03:15, added now.
    await system.add('system.outbox-cleanup', {});
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM outbox WHERE id = $1`, [old.id])).length === 0,
      'the clean-up',
    );
    expect((await db.query(`SELECT id FROM outbox WHERE id = ANY($1)`, [[recent.id, unsent.id]])).length).toBe(2);
  });

  it('wakes the relays for a job due now, leaves one due after their next poll to the poll, and relays both', async () => {
    const listener = new pg.Client({ connectionString: db.url });
    const notices: string[] = [];
    await listener.connect();
    try {
      listener.on('notification', (n) => notices.push(n.payload ?? ''));
      await listener.query(`LISTEN ${OUTBOX_CHANNEL}`);
      const ds = workerA.get(DataSource);
      const outbox = workerA.get(OutboxService);
      // Due a second after the poll interval (100 ms here): the poll hands it over first.
      const probe = async (runAt?: Date) =>
        withTransaction(ds, async (m) => {
          const [{ id }] = await m.query<Array<{ id: string }>>(
            `INSERT INTO system_probe (hold_ms) VALUES (0) RETURNING id`,
          );
          return outbox.enqueue(m, 'system.probe', { probeId: id }, runAt ? { runAt } : {});
        });
      const later = await probe(new Date(Date.now() + 1500));
      const now = await probe();
      // Notices arrive in commit order: once a marker sent after both commits is here, all theirs are too.
      await db.query(`SELECT pg_notify($1, 'marker')`, [OUTBOX_CHANNEL]);
      await waitFor(() => notices.includes('marker'), 'the marker');
      expect(notices).toEqual(['', 'marker']);
      await waitFor(
        async () =>
          (
            await db.query(`SELECT count(*)::int AS n FROM outbox WHERE id = ANY($1) AND sent_at IS NOT NULL`, [
              [later, now],
            ])
          )[0].n === 2,
        'both rows relayed',
      );
      expect(await queue.getJob(later)).toBeDefined();
    } finally {
      await listener.end();
    }
  });

  it('lets two relays claim disjoint rows: one skips what the other holds (FOR UPDATE SKIP LOCKED)', async () => {
    const [relayA, relayB] = [workerA.get(OutboxRelay), workerB.get(OutboxRelay)];
    // Their loops stopped, the two passes below are the only ones.
    await Promise.all([relayA.stop(), relayB.stop()]);
    const ids = await requestProbes(workerA, 2 * config.OUTBOX_BATCH_SIZE, 2);
    const pending = async () =>
      (
        await db.query(
          `SELECT id FROM outbox WHERE job_name = 'system.probe' AND sent_at IS NULL AND available_at <= now() ORDER BY created_at, id`,
        )
      ).map((r) => r.id as string);
    const rows = await pending();
    expect(rows).toHaveLength(2 * config.OUTBOX_BATCH_SIZE);
    // Relay A is in the middle of its pass: it holds the first batch.
    const holder = new pg.Client({ connectionString: db.ownerUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      const held = (
        await holder.query(
          `SELECT id FROM outbox WHERE sent_at IS NULL AND available_at <= now() AND job_name = 'system.probe' ORDER BY created_at, id LIMIT $1 FOR UPDATE`,
          [config.OUTBOX_BATCH_SIZE],
        )
      ).rows.map((r) => r.id as string);
      const before = relayB.relayed;
      expect((await relayB.relayOnce()).claimed).toBe(config.OUTBOX_BATCH_SIZE);
      expect(relayB.relayed - before).toBe(config.OUTBOX_BATCH_SIZE);
      // B took the other batch, and none of A's.
      expect(await pending()).toEqual(held);
      await holder.query('ROLLBACK');
    } finally {
      await holder.end();
    }
    const beforeA = relayA.relayed;
    expect((await relayA.relayOnce()).claimed).toBe(config.OUTBOX_BATCH_SIZE);
    expect(relayA.relayed - beforeA).toBe(config.OUTBOX_BATCH_SIZE);
    expect(await pending()).toEqual([]);
    await waitFor(async () => {
      const [r] = await db.query(
        `SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND processed_count = 1`,
        [ids],
      );
      return r.n === ids.length;
    }, 'both batches processed');
  });
});

describe('outbox while Redis is down', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let worker: INestApplicationContext;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await privateRedis();
    worker = await startWorker(testConfig(db.url, { REDIS_URL: redis.url, OUTBOX_POLL_INTERVAL_MS: '100' }));
  });
  afterAll(async () => {
    await worker?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('keeps rows committed while Redis is down and turns them into jobs when it returns', async () => {
    await redis.stop();
    const ids = await requestProbes(worker, 20, 4);

    // The relay tries, fails, and keeps the rows (with the error) for later.
    await waitFor(async () => {
      const [r] = await db.query(
        `SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL`,
      );
      return r.n === 20;
    }, 'failed hand-over attempts recorded');
    const [{ n: processedWhileDown }] = await db.query(
      `SELECT count(*)::int AS n FROM system_probe WHERE processed_count > 0`,
    );
    expect(processedWhileDown).toBe(0);

    await redis.start();
    await waitFor(
      async () => {
        const [r] = await db.query(
          `SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND processed_count = 1`,
          [ids],
        );
        return r.n === 20;
      },
      'probes processed after Redis returned',
      60_000,
    );
    const [{ n: unsent }] = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
    expect(unsent).toBe(0);
    const [{ n: duplicates }] = await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE processed_count > 1`);
    expect(duplicates).toBe(0);
  }, 150_000);
});
