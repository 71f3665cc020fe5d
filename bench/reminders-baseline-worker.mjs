// The baseline of reminders.bench.mjs: a bare BullMQ worker whose processor does nothing
// but note when it started. It runs as its own process, like the real worker, and with the
// real worker's settings (concurrency, lock duration, stalled checks, connection options),
// so that the two differ only in what happens inside a job.
//
// Forked by reminders.bench.mjs with an IPC channel; configured by environment:
//   REDIS_URL, BENCH_QUEUE_PREFIX, BENCH_QUEUE, BENCH_CONCURRENCY, BENCH_LOCK_DURATION_MS.
// Messages: it sends { type: 'ready' }, then { type: 'progress', processed } every second;
// on { type: 'report' } it answers { type: 'report', ids, startedAt }; on { type: 'stop' }
// it closes the worker and exits.

import { Worker } from 'bullmq';
import { redisOptions } from './lib/harness.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
};

const lockDuration = Number(env('BENCH_LOCK_DURATION_MS'));
// Parallel arrays, grown as jobs come: cheaper in the processor than an object per job.
const ids = [];
const startedAt = [];

const worker = new Worker(
  env('BENCH_QUEUE'),
  async (job) => {
    // The moment a real handler would begin its work; nothing else happens here.
    startedAt.push(Date.now());
    ids.push(job.data.reminderId);
  },
  {
    concurrency: Number(env('BENCH_CONCURRENCY')),
    // As WorkerHost sets them from WORKER_LOCK_DURATION_MS.
    lockDuration,
    stalledInterval: Math.max(1000, Math.floor(lockDuration / 2)),
    maxStalledCount: 3,
    prefix: env('BENCH_QUEUE_PREFIX'),
    connection: {
      ...redisOptions(env('REDIS_URL')),
      maxRetriesPerRequest: null,
      retryStrategy: (times) => Math.min(100 * times, 2000),
      connectionName: 'kaikaku-bench:baseline-worker',
    },
  },
);
worker.on('error', (error) => process.stderr.write(`baseline worker: ${error.message}\n`));
worker.on('failed', (job, error) => process.stderr.write(`baseline job ${job?.id} failed: ${error.message}\n`));

const progress = setInterval(() => process.send?.({ type: 'progress', processed: ids.length }), 1000);

process.on('message', async (message) => {
  if (message?.type === 'report') {
    process.send({ type: 'report', ids, startedAt });
  } else if (message?.type === 'stop') {
    clearInterval(progress);
    await worker.close().catch(() => undefined);
    process.exit(0);
  }
});
// The parent went away without saying stop: do not linger.
process.on('disconnect', () => process.exit(0));
process.once('SIGTERM', async () => {
  clearInterval(progress);
  await worker.close().catch(() => undefined);
  process.exit(0);
});

await worker.waitUntilReady();
process.send({ type: 'ready' });
