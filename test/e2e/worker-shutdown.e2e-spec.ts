import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ProbeService, withTransaction } from '#libs/platform';
import { startWorker, testConfig, waitFor } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp } from '../support/processes.js';

/**
 * SIGTERM to a worker process with jobs in flight: it exits within 30 s, and every job is
 * either completed or, when it outlives the shutdown bound, taken up again later.
 */
describe('worker shutdown with jobs in flight', () => {
  let db: TestDatabase;
  let producer: INestApplicationContext | null = null;

  const env = (extra: Record<string, string> = {}) => ({
    DATABASE_URL: db.url,
    REDIS_URL: process.env.TEST_REDIS_URL ?? '',
    QUEUE_PREFIX: `{${db.name}}`,
    WORKER_HEALTH_PORT: '0',
    LOG_LEVEL: 'info',
    WORKER_LOCK_DURATION_MS: '3000',
    OUTBOX_POLL_INTERVAL_MS: '100',
    ...extra,
  });

  const probe = async (holdMs: number, n: number) => {
    const ds = producer!.get(DataSource);
    const probes = producer!.get(ProbeService);
    return Promise.all(Array.from({ length: n }, () => withTransaction(ds, (m) => probes.request(m, holdMs))));
  };
  const started = async (ids: string[]) =>
    Number(
      (
        await db.query(`SELECT count(*)::int AS n FROM system_probe WHERE id = ANY($1) AND started_at IS NOT NULL`, [
          ids,
        ])
      )[0].n,
    );
  const processed = async (ids: string[]) =>
    db.query(
      `SELECT processed_count AS c, count(*)::int AS n FROM system_probe WHERE id = ANY($1) GROUP BY 1 ORDER BY 1`,
      [ids],
    );

  beforeAll(async () => {
    db = await createTestDatabase();
    // Only to write probes in transactions; its relay and processors would compete, so it gets its own prefix.
    producer = await startWorker(testConfig(db.url, { QUEUE_PREFIX: '{unused-producer}' }));
    await producer.get((await import('#libs/platform')).OutboxRelay).stop();
  });
  afterAll(async () => {
    await producer?.close();
    await db?.drop();
  });

  it('finishes the jobs in flight, then exits 0, well within 30 s', async () => {
    const worker = spawnApp('worker', env({ SHUTDOWN_TIMEOUT_MS: '20000' }));
    try {
      const ids = await probe(2000, 4);
      await waitFor(async () => (await started(ids)) === 4, 'all four jobs running', 30_000);
      const sent = Date.now();
      worker.child.kill('SIGTERM');
      const exit = await worker.exited;
      expect(exit.at - sent).toBeLessThan(30_000);
      expect(exit.code).toBe(0);
      expect(await processed(ids)).toEqual([{ c: 1, n: 4 }]);
    } finally {
      if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
    }
  });

  it('exits at the shutdown bound when jobs run longer, and those jobs run again on another worker', async () => {
    const first = spawnApp('worker', env({ SHUTDOWN_TIMEOUT_MS: '2000' }));
    let second: ReturnType<typeof spawnApp> | null = null;
    try {
      const ids = await probe(6000, 3);
      await waitFor(async () => (await started(ids)) === 3, 'all three jobs running', 30_000);
      const sent = Date.now();
      first.child.kill('SIGTERM');
      const exit = await first.exited;
      expect(exit.at - sent).toBeLessThan(30_000);
      expect(first.output()).toMatch(/shutdown did not finish in time/);
      // Nothing completed: the jobs were cut off mid-way…
      expect(await processed(ids)).toEqual([{ c: 0, n: 3 }]);

      // …and are taken again once their locks expire, by the next worker, once each.
      second = spawnApp('worker', env({ SHUTDOWN_TIMEOUT_MS: '20000' }));
      await waitFor(
        async () => {
          const rows = await processed(ids);
          return rows.length === 1 && rows[0].c === 1 && rows[0].n === 3;
        },
        'the interrupted jobs to complete on the second worker',
        45_000,
      );
      second.child.kill('SIGTERM');
      expect((await second.exited).code).toBe(0);
    } finally {
      for (const w of [first, second]) if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
    }
  }, 120_000);
});
