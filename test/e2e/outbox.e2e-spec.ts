import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Queue } from 'bullmq';
import { DataSource } from 'typeorm';
import { ProbeService, QueueName, withTransaction, type AppConfig } from '#libs/platform';
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
  return new Queue(QueueName.System, { connection: { host: u.hostname, port: Number(u.port) }, prefix: config.QUEUE_PREFIX });
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
    await waitFor(async () => {
      const [r] = await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND processed_count > 0`, [ids]);
      return r.n === ids.length;
    }, 'all probes processed', 60_000);

    const counts = await db.query(`SELECT processed_count, count(*)::int AS n FROM system_probe WHERE id = ANY($1) GROUP BY 1`, [ids]);
    expect(counts).toEqual([{ processed_count: 1, n: 300 }]);

    const outbox = await db.query(`SELECT id FROM outbox WHERE job_name = 'system.probe' AND sent_at IS NOT NULL`);
    expect(outbox).toHaveLength(300);
    // Every row became exactly one job, and that job's id is the row's id.
    const jobs = await Promise.all(outbox.map((r) => queue.getJob(r.id)));
    expect(jobs.every((j) => j !== undefined && j !== null && j.attemptsMade === 1)).toBe(true);
    expect(await queue.getJobCountByTypes('completed')).toBe(300);

    // Both relays took part: each holds a share of what was relayed.
    const { OutboxRelay } = await import('#libs/platform');
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
    await waitFor(async () => (await db.query(`SELECT processed_count FROM system_probe WHERE id = $1`, [fence]))[0]?.processed_count === 1, 'fence');

    expect(await db.query(`SELECT 1 FROM outbox WHERE id = $1`, [doomedOutboxId])).toHaveLength(0);
    expect(await db.query(`SELECT 1 FROM system_probe WHERE id = $1`, [doomedProbe])).toHaveLength(0);
    expect(await queue.getJob(doomedOutboxId)).toBeFalsy();
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
      const [r] = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND attempts > 0 AND last_error IS NOT NULL`);
      return r.n === 20;
    }, 'failed hand-over attempts recorded');
    const [{ n: processedWhileDown }] = await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE processed_count > 0`);
    expect(processedWhileDown).toBe(0);

    await redis.start();
    await waitFor(async () => {
      const [r] = await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND processed_count = 1`, [ids]);
      return r.n === 20;
    }, 'probes processed after Redis returned', 60_000);
    const [{ n: unsent }] = await db.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL`);
    expect(unsent).toBe(0);
    const [{ n: duplicates }] = await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE processed_count > 1`);
    expect(duplicates).toBe(0);
  }, 150_000);
});
