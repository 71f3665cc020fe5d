#!/usr/bin/env node
// Reminders firing through the real worker, against a baseline of bare BullMQ delayed jobs
// with the same count, the same fire times, the same Redis and the same concurrency,
// measured in the same run. What a person experiences is the lateness of the in-app
// notification: its created_at minus the reminder's fire_at. The baseline's lateness is
// the moment an empty processor starts minus the intended fire time.
//
//   node bench/reminders.bench.mjs        (or: npm run bench:reminders)
//
// Knobs (environment): BENCH_SCALE (1: 100,000 spread reminders + a burst of 5,000),
// BENCH_WINDOW_SECONDS (60), BENCH_LEAD_SECONDS (20), BENCH_CONCURRENCY (50),
// BENCH_POOL_SIZE (20), BENCH_OUTBOX_BATCH_SIZE (100), BENCH_OUTBOX_POLL_INTERVAL_MS (1000),
// BENCH_DRAIN_TIMEOUT_SECONDS (900), BENCH_WORKER_NODE_ARGS, BENCH_SKIP_BUILD=1,
// BENCH_KEEP_DB=1, BENCH_SLOT_MS (the app's REMINDER_SLOT_MS). See bench/README.md.
//
// Plain Node ESM on purpose: it runs without a TypeScript loader, against the compiled dist/.

import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { build } from '../scripts/lib/setup.mjs';
import {
  ROOT,
  cleanUpOnSignal,
  cli,
  cpuMeter,
  postmasterOf,
  deleteKeysUnder,
  dropDatabase,
  intEnv,
  isRunning,
  numberEnv,
  percentiles,
  recreateDatabase,
  redisOptions,
  round,
  say,
  startNode,
  stopNode,
  testServices,
  urlFor,
  withClient,
  productionSecrets,
} from './lib/harness.mjs';

/** The postmaster of the bench's cluster, once connected (see cpuMeter's pgPostmaster). */
let pgPostmaster = null;

const DB_NAME = 'kaikaku_bench_reminders';
/** Every Redis key of this benchmark (the worker's queues and the baseline's) lives under it, and goes at the end. */
const QUEUE_PREFIX = '{benchrem}';
const BASELINE_QUEUE = 'bench-baseline';

const SCALE = numberEnv('BENCH_SCALE', 1);
const SPREAD = Math.max(100, Math.round(100_000 * SCALE));
const BURST = Math.max(10, Math.round(5_000 * SCALE));
const TOTAL = SPREAD + BURST;
const WINDOW_MS = Math.round(numberEnv('BENCH_WINDOW_SECONDS', 60) * 1000);
const LEAD_MS = Math.round(numberEnv('BENCH_LEAD_SECONDS', 20) * 1000);
/** The burst fires in the middle of the window, on top of the spread reminders. */
const BURST_OFFSET_MS = Math.round(WINDOW_MS / 2);
const CONCURRENCY = intEnv('BENCH_CONCURRENCY', 50);
const POOL_SIZE = intEnv('BENCH_POOL_SIZE', 20);
const OUTBOX_BATCH_SIZE = intEnv('BENCH_OUTBOX_BATCH_SIZE', 100);
const OUTBOX_POLL_INTERVAL_MS = intEnv('BENCH_OUTBOX_POLL_INTERVAL_MS', 1000);
const DRAIN_TIMEOUT_MS = intEnv('BENCH_DRAIN_TIMEOUT_SECONDS', 900) * 1000;
/** The app's default; given to both workers explicitly so that they agree. */
const LOCK_DURATION_MS = 30_000;
/** No new completion for this long after the window closed means something is stuck, not slow. */
const STALL_MS = 120_000;
const ADD_CHUNK = 1000;
/** Every job must be in Redis at least this long before its window opens, or the phase does not count. */
const MIN_ADD_MARGIN_MS = 2_000;
/** Tries of the baseline phase, each with a lead that covers the adding the last one measured. */
const MAX_BASELINE_ATTEMPTS = 3;
/** The baseline must complete at least this share of the offered rate for its lateness to be BullMQ's. */
const MIN_BASELINE_PACE = 0.95;

/** The bureau whose deadlines these are, and the one person told about them. */
const UNIT = 'kenko';
const RECIPIENT = 'kenko.editor';
/** ReminderHandlers' ROLES_OF.owners. */
const OWNER_ROLES = ['bureau_editor', 'bureau_approver'];
/** The owners' steps the planner makes; a deadline carries each once. */
const STEPS = ['before:5', 'before:2', 'due'];

const TARGETS = { p99Ratio: 2, throughputRatio: 0.25 };

/** usersWithRoles() of libs/notifications, as the handler runs it. */
const RECIPIENTS_SQL = `
  WITH RECURSIVE above(id, parent_id) AS (
    SELECT id, parent_id FROM org_unit WHERE id = $2
    UNION SELECT o.id, o.parent_id FROM org_unit o JOIN above a ON o.id = a.parent_id
  )
  SELECT DISTINCT u.id, u.username, u.email
    FROM app_user u JOIN role_grant g ON g.user_id = u.id
   WHERE u.active AND g.role = ANY($1) AND g.org_unit_id IN (SELECT id FROM above)`;

// ── set-up ───────────────────────────────────────────────────────────────────

/**
 * The workload, written straight into the database as the owner: one bureau with exactly
 * one person to tell (no e-mail, so in-app only), TOTAL/3 inquiry-reply deadlines with three
 * 'owners' reminders each. The reminders get a placeholder fire time 30 days out, beyond
 * reconciliation's 48-hour horizon, so that the worker's start-up reconciliation adds none
 * of them; the real fire times are written just before the jobs are added.
 */
async function prepareWorkload(ownerUrl) {
  return withClient(ownerUrl, async (db) => {
    await db.query('BEGIN');
    try {
      const one = async (sql, params, what) => {
        const { rows } = await db.query(sql, params);
        if (rows.length !== 1) throw new Error(`the seed did not create ${what}`);
        return rows[0];
      };
      const plan = await one(`SELECT id FROM plan WHERE code = 'kaikaku-2027'`, [], 'plan kaikaku-2027');
      const unit = await one(`SELECT id FROM org_unit WHERE code = $1`, [UNIT], `unit ${UNIT}`);
      const recipient = await one(`SELECT id FROM app_user WHERE username = $1`, [RECIPIENT], `user ${RECIPIENT}`);

      // Exactly one person is told: every other active holder of an owners' role on the unit
      // (or above it, where a grant also covers it) is switched off: kenko.approver with the demo seed.
      const silenced = await db.query(
        `WITH RECURSIVE above(id, parent_id) AS (
           SELECT id, parent_id FROM org_unit WHERE id = $2
           UNION SELECT o.id, o.parent_id FROM org_unit o JOIN above a ON o.id = a.parent_id
         )
         UPDATE app_user u SET active = false
          WHERE u.active AND u.id <> $3
            AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = u.id AND g.role = ANY($1) AND g.org_unit_id IN (SELECT id FROM above))
          RETURNING u.username`,
        [OWNER_ROLES, unit.id, recipient.id],
      );
      // No e-mail address and no settings row (in-app on by default): one delivery per reminder.
      await db.query(`UPDATE app_user SET active = true, email = NULL WHERE id = $1`, [recipient.id]);
      await db.query(`DELETE FROM notification_settings WHERE user_id = $1`, [recipient.id]);
      const recipients = (await db.query(RECIPIENTS_SQL, [OWNER_ROLES, unit.id])).rows;
      if (recipients.length !== 1 || recipients[0].id !== recipient.id || recipients[0].email !== null) {
        throw new Error(
          `expected ${RECIPIENT} alone, without e-mail, as the owners of ${UNIT}; got ${JSON.stringify(recipients)}`,
        );
      }

      // Only the benchmark's reminders may fire (the demo seed plans none today; this is in case it does).
      const cancelled = await db.query(`UPDATE reminder SET status = 'cancelled' WHERE status = 'scheduled'`);
      const preexisting = (
        await db.query(
          `SELECT (SELECT count(*) FROM delivery)::int AS d, (SELECT count(*) FROM notification)::int AS n`,
        )
      ).rows[0];
      if (preexisting.d !== 0 || preexisting.n !== 0)
        throw new Error(
          `the fresh database already holds ${preexisting.d} deliveries and ${preexisting.n} notifications`,
        );

      const deadlines = Math.ceil(TOTAL / STEPS.length);
      await db.query(
        `INSERT INTO deadline (key, kind, plan_id, subject_type, subject_id, owner_unit_id, title, nominal_date, due_date)
         SELECT 'bench:' || g, 'inquiry_reply', $1, 'inquiry', gen_random_uuid(), $2, 'ベンチ照会 ' || g, current_date + 14, current_date + 14
           FROM generate_series(0, $3::int - 1) g`,
        [plan.id, unit.id, deadlines],
      );
      // The benchmark's own index of its reminders: which is which, when it fires relative to
      // the window's start, and whether it belongs to the burst. Reminder i is step i / D of
      // deadline i % D, so a deadline's three reminders fire a third of the window apart.
      await db.query(
        `CREATE TABLE bench_reminder (
           idx          integer PRIMARY KEY,
           reminder_id  uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
           deadline_key text NOT NULL,
           step         text NOT NULL,
           offset_ms    bigint NOT NULL,
           burst        boolean NOT NULL
         )`,
      );
      await db.query(
        `INSERT INTO bench_reminder (idx, deadline_key, step, offset_ms, burst)
         SELECT i, 'bench:' || (i % $1::int), ($2::text[])[1 + i / $1::int],
                CASE WHEN i < $3::int THEN round(i::numeric * $4::int / $3::int)::bigint ELSE $5::bigint END,
                i >= $3::int
           FROM generate_series(0, $6::int - 1) i`,
        [deadlines, STEPS, SPREAD, WINDOW_MS, BURST_OFFSET_MS, TOTAL],
      );
      const inserted = await db.query(
        `INSERT INTO reminder (id, deadline_id, step, audience, fire_at)
         SELECT b.reminder_id, d.id, b.step, 'owners', now() + interval '30 days' + b.offset_ms * interval '1 millisecond'
           FROM bench_reminder b JOIN deadline d ON d.key = b.deadline_key`,
      );
      if (inserted.rowCount !== TOTAL) throw new Error(`${inserted.rowCount} reminders inserted, ${TOTAL} expected`);
      await db.query('COMMIT');
      await db.query('ANALYZE');
      const pgVersion = (await db.query('SHOW server_version')).rows[0].server_version;
      return {
        recipientId: recipient.id,
        silenced: silenced.rows.map((r) => r.username),
        cancelledPreexisting: cancelled.rowCount,
        deadlines,
        pgVersion,
      };
    } catch (error) {
      await db.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  });
}

/**
 * Writes the real fire times (window start + offset), cleans up the dead rows the update
 * leaves (real reminders are written long before they fire), and reads them back exactly
 * as the handler will compare them.
 */
async function setFireTimes(db, windowStartMs) {
  await db.query(
    `UPDATE reminder r SET fire_at = to_timestamp(0) + ($1::bigint + b.offset_ms) * interval '1 millisecond'
       FROM bench_reminder b WHERE b.reminder_id = r.id`,
    [windowStartMs],
  );
  await db.query('VACUUM (ANALYZE) reminder');
  const { rows } = await db.query(
    `SELECT b.reminder_id AS id, b.burst, b.offset_ms, (extract(epoch FROM r.fire_at) * 1000)::bigint AS fire_ms
       FROM bench_reminder b JOIN reminder r ON r.id = b.reminder_id ORDER BY fire_ms, b.idx`,
  );
  const reminders = rows.map((r) => ({
    id: r.id,
    burst: r.burst,
    offsetMs: Number(r.offset_ms),
    fireMs: Number(r.fire_ms),
  }));
  const off = reminders.find((r) => r.fireMs !== windowStartMs + r.offsetMs);
  if (off) throw new Error(`reminder ${off.id} fires at ${off.fireMs}, not ${windowStartMs + off.offsetMs}`);
  return reminders;
}

// ── adding the jobs ──────────────────────────────────────────────────────────

function newQueue(redisUrl, name) {
  const queue = new Queue(name, {
    prefix: QUEUE_PREFIX,
    connection: {
      ...redisOptions(redisUrl),
      maxRetriesPerRequest: 3,
      connectionName: `kaikaku-bench:producer:${name}`,
    },
  });
  queue.on('error', (error) => say(`queue ${name}: ${error.message}`));
  return queue;
}

/**
 * Adds one `reminder.fire` job per reminder, as reconciliation adds them: the job id names
 * the reminder and its fire time, the delay runs to the fire time, the options are the
 * catalogue's. In fire-time order, in chunks, each chunk's delays taken at its own moment.
 */
async function addReminderJobs(queue, reminders, { jobOptions, reminderJobId }) {
  const options = jobOptions('reminder.fire');
  const started = Date.now();
  for (let i = 0; i < reminders.length; i += ADD_CHUNK) {
    const now = Date.now();
    await queue.addBulk(
      reminders.slice(i, i + ADD_CHUNK).map((r) => {
        const fireAt = new Date(r.fireMs);
        return {
          name: 'reminder.fire',
          data: { reminderId: r.id, fireAt: fireAt.toISOString() },
          opts: { ...options, jobId: reminderJobId(r.id, fireAt), delay: Math.max(0, r.fireMs - now) },
        };
      }),
    );
  }
  const finished = Date.now();
  return { seconds: round((finished - started) / 1000, 2), finishedMs: finished };
}

/**
 * Adds one `reminders.fire_due` job per slot of `slotMs` holding a fire time, as the planner
 * and reconciliation add them (the app's slot function and job id): the job runs at the slot's
 * end and fires every reminder due in it, in batches.
 */
async function addSlotJobs(queue, reminders, { jobOptions, reminderSlotJobId, reminderSlotEnd, slotMs }) {
  const options = jobOptions('reminders.fire_due');
  const slots = [...new Set(reminders.map((r) => reminderSlotEnd(new Date(r.fireMs), slotMs).getTime()))].sort(
    (a, b) => a - b,
  );
  const started = Date.now();
  for (let i = 0; i < slots.length; i += ADD_CHUNK) {
    const now = Date.now();
    await queue.addBulk(
      slots.slice(i, i + ADD_CHUNK).map((ms) => {
        const slotEnd = new Date(ms);
        return {
          name: 'reminders.fire_due',
          data: { fireAt: slotEnd.toISOString(), slotMs },
          opts: { ...options, jobId: reminderSlotJobId(slotEnd, slotMs), delay: Math.max(0, ms - now) },
        };
      }),
    );
  }
  const finished = Date.now();
  return { seconds: round((finished - started) / 1000, 2), finishedMs: finished, jobs: slots.length };
}

// ── the worker processes ─────────────────────────────────────────────────────

function startRealWorker({ databaseUrl, redisUrl }) {
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  const log = { warnings: 0, samples: {} };
  const worker = startNode(join(ROOT, 'dist/apps/worker/src/main.js'), {
    nodeArgs,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      // Made up per run: production refuses the development secrets.
      ...productionSecrets(),
      DATABASE_URL: databaseUrl,
      MIGRATION_DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      QUEUE_BACKEND: 'redis',
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      WORKER_CONCURRENCY: String(CONCURRENCY),
      WORKER_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
      WORKER_HEALTH_PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      // Reconciliation once at start-up (before the reminders have real fire times), then not for a day.
      REMINDER_RECONCILE_SECONDS: '86400',
      REMINDER_DAY_SECONDS: '0',
      OUTBOX_POLL_INTERVAL_MS: String(OUTBOX_POLL_INTERVAL_MS),
      OUTBOX_BATCH_SIZE: String(OUTBOX_BATCH_SIZE),
      // In-app only: no e-mail channel even if the shell or a .env names an SMTP server.
      SMTP_URL: '',
    },
    // A failed job is logged as a warning; they are counted, and a few kept, for the report.
    onLine: (line) => {
      let entry = null;
      try {
        entry = JSON.parse(line);
      } catch {
        // not pino's JSON: a crash trace, kept in the tail
      }
      if (entry && typeof entry.level === 'number' && entry.level >= 40) {
        log.warnings++;
        const key = `${entry.msg ?? ''}: ${String(entry.err?.message ?? '').slice(0, 160)}`;
        log.samples[key] = (log.samples[key] ?? 0) + 1;
      }
    },
  });
  return { ...worker, log };
}

/**
 * Ready: both queues' workers registered in Redis, the relay listening, and the start-up
 * reconciliation done (it runs once, at once, and must not race with the jobs we add).
 */
async function waitWorkerReady(worker, db, queues, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isRunning(worker)) throw new Error(`the worker exited during start-up:\n${worker.tail.join('\n')}`);
    const counts = await Promise.all(queues.map((q) => q.getWorkersCount()));
    const { rows } = await db.query(
      `SELECT EXISTS (SELECT 1 FROM scheduled_run WHERE scheduler = 'reminders-reconcile') AS reconciled,
              EXISTS (SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kaikaku-outbox-listener') AS listening`,
    );
    if (counts.every((n) => n > 0) && rows[0].reconciled && rows[0].listening) return;
    await sleep(250);
  }
  throw new Error(`the worker was not ready within ${timeoutMs} ms:\n${worker.tail.join('\n')}`);
}

async function startBaselineWorker(redisUrl) {
  const proc = startNode(join(ROOT, 'bench/reminders-baseline-worker.mjs'), {
    ipc: true,
    env: {
      ...process.env,
      REDIS_URL: redisUrl,
      BENCH_QUEUE_PREFIX: QUEUE_PREFIX,
      BENCH_QUEUE: BASELINE_QUEUE,
      BENCH_CONCURRENCY: String(CONCURRENCY),
      BENCH_LOCK_DURATION_MS: String(LOCK_DURATION_MS),
    },
  });
  proc.processed = 0;
  proc.child.on('message', (m) => {
    if (m?.type === 'progress') proc.processed = m.processed;
  });
  const ready = new Promise((resolve) => proc.child.on('message', (m) => m?.type === 'ready' && resolve(true)));
  const outcome = await Promise.race([ready, proc.exited.then(() => false), sleep(30_000).then(() => null)]);
  if (outcome !== true)
    throw new Error(
      `the baseline worker did not start (${outcome === false ? 'exited' : 'timeout'}):\n${proc.tail.join('\n')}`,
    );
  return proc;
}

async function baselineReport(proc) {
  const report = new Promise((resolve) => proc.child.on('message', (m) => m?.type === 'report' && resolve(m)));
  proc.child.send({ type: 'report' });
  const m = await Promise.race([report, sleep(30_000).then(() => null)]);
  if (!m) throw new Error('the baseline worker did not report');
  return m;
}

async function stopBaselineWorker(proc) {
  if (!isRunning(proc)) return;
  try {
    proc.child.send({ type: 'stop' });
  } catch {
    // channel already closed: SIGTERM below
  }
  const done = await Promise.race([proc.exited, sleep(10_000).then(() => null)]);
  if (!done) await stopNode(proc, 5_000);
}

// ── watching a phase ─────────────────────────────────────────────────────────

/**
 * Polls `count()` until it reaches TOTAL: progress on stderr every 10 s, a timeline for the
 * report, and an error when the process died, nothing moved for STALL_MS after the window,
 * or the drain timeout passed.
 */
async function waitForAll(label, windowStartMs, count, proc) {
  const timeline = [];
  let lastProgress = -1;
  let lastChange = Date.now();
  let lastSaid = 0;
  for (;;) {
    if (!isRunning(proc))
      throw new Error(
        `${label}: the worker exited (${proc.child.exitCode ?? proc.child.signalCode}):\n${proc.tail.join('\n')}`,
      );
    const now = Date.now();
    // `done` counts finished reminders; `progress` anything that moves before that (defaults to done).
    const { done, progress = done, extra, ...rest } = await count();
    timeline.push({ t: round((now - windowStartMs) / 1000, 1), done, ...rest });
    if (progress !== lastProgress) {
      lastProgress = progress;
      lastChange = now;
    }
    if (now - lastSaid >= 10_000) {
      say(
        `${label}: t=${((now - windowStartMs) / 1000).toFixed(0)} s, ${done}/${TOTAL} done${extra ? `, ${extra}` : ''}`,
      );
      lastSaid = now;
    }
    if (done >= TOTAL) return timeline;
    if (now > windowStartMs + WINDOW_MS && now - lastChange > STALL_MS) {
      throw new Error(`${label}: stuck at ${done}/${TOTAL}, nothing moved for ${STALL_MS / 1000} s`);
    }
    if (now > windowStartMs + WINDOW_MS + DRAIN_TIMEOUT_MS) {
      throw new Error(
        `${label}: only ${done}/${TOTAL} done ${DRAIN_TIMEOUT_MS / 1000} s after the window closed (BENCH_DRAIN_TIMEOUT_SECONDS)`,
      );
    }
    await sleep(1000);
  }
}

/**
 * Samples pg_stat_activity for the worker's backends every 500 ms: how many are running,
 * waiting (on what), idle, or idle in a transaction, and what the running ones execute.
 * It connects as the local cluster's superuser `postgres` (scripts/services.mjs creates it,
 * trust on loopback): for anyone else PostgreSQL hides the state, wait and query of another
 * role's backends, and the worker connects as the apps' role.
 */
function activitySampler(ownerUrl, appName) {
  const superUrl = new URL(ownerUrl);
  superUrl.username = 'postgres';
  superUrl.password = '';
  const agg = { samples: 0, state: {}, wait: {}, query: {} };
  let running = true;
  let loop = null;
  const add = (bucket, key) => (bucket[key] = (bucket[key] ?? 0) + 1);
  return {
    start() {
      loop = withClient(superUrl.toString(), async (db) => {
        while (running) {
          const { rows } = await db.query(
            `SELECT state, wait_event_type, wait_event, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query
               FROM pg_stat_activity WHERE datname = $1 AND application_name = $2 AND backend_type = 'client backend'`,
            [DB_NAME, appName],
          );
          agg.samples++;
          for (const r of rows) {
            add(agg.state, r.state ?? 'unknown');
            if (r.state === 'active') {
              add(agg.wait, r.wait_event_type ? `${r.wait_event_type}:${r.wait_event}` : 'running (no wait event)');
              add(agg.query, r.query.trim());
            } else if (r.state === 'idle in transaction') {
              add(agg.wait, 'idle in transaction (waiting for the worker)');
            }
          }
          await sleep(500);
        }
      }).catch((error) => say(`activity sampler: ${error.message}`));
    },
    async stop() {
      running = false;
      await loop;
      // Averages per sample: "on average, 3.2 of the pool's connections were …".
      const avg = (bucket, limit = 100) =>
        Object.fromEntries(
          Object.entries(bucket)
            .sort((a, b) => b[1] - a[1])
            .slice(0, limit)
            .map(([k, n]) => [k, round(n / Math.max(1, agg.samples), 2)]),
        );
      return {
        samples: agg.samples,
        connectedAs: superUrl.username,
        perSample: { state: avg(agg.state), activeOrWaiting: avg(agg.wait), activeQueries: avg(agg.query, 12) },
      };
    },
  };
}

/** Waits (bounded) until no autovacuum worker runs in our database, so that the next phase starts on a quiet machine. */
async function waitAutovacuumQuiet(db, maxMs = 60_000) {
  const until = Date.now() + maxMs;
  let waited = false;
  while (Date.now() < until) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'autovacuum worker'`,
    );
    if (rows[0].n === 0) return waited;
    waited = true;
    await sleep(500);
  }
  say('autovacuum still running; going on');
  return waited;
}

// ── results ──────────────────────────────────────────────────────────────────

/**
 * Lateness and throughput of one side. `items`: { burst, fireMs, doneMs } per reminder.
 * Throughput over the window: completions per second from the first to the last completion.
 * Burst drain: the burst's size over the time from its fire time to its last completion.
 */
function figures(items, burstFireMs, windowStartMs) {
  const lateness = items.map((i) => i.doneMs - i.fireMs);
  const burst = items.filter((i) => i.burst);
  let first = Infinity;
  let last = -Infinity;
  for (const i of items) {
    if (i.doneMs < first) first = i.doneMs;
    if (i.doneMs > last) last = i.doneMs;
  }
  const burstLast = burst.reduce((m, i) => Math.max(m, i.doneMs), -Infinity);
  const burstDrainSeconds = (burstLast - burstFireMs) / 1000;
  // Completions per second since the window opened, for a look at how the backlog moved.
  const perSecond = [];
  for (const i of items) {
    const s = Math.floor((i.doneMs - windowStartMs) / 1000);
    if (s >= 0) perSecond[s] = (perSecond[s] ?? 0) + 1;
  }
  return {
    count: items.length,
    lateness: percentiles(lateness),
    burstLateness: percentiles(burst.map((i) => i.doneMs - i.fireMs)),
    spreadLateness: percentiles(items.filter((i) => !i.burst).map((i) => i.doneMs - i.fireMs)),
    throughput: round((items.length - 1) / ((last - first) / 1000), 1),
    firstDoneAfterWindowStartS: round((first - windowStartMs) / 1000, 2),
    lastDoneAfterWindowStartS: round((last - windowStartMs) / 1000, 2),
    burstDrainSeconds: round(burstDrainSeconds, 2),
    burstDrainRate: round(burst.length / burstDrainSeconds, 1),
    completionsPerSecond: Array.from(perSecond, (n) => n ?? 0),
  };
}

/** Everything the real path left in PostgreSQL, per reminder, and the checks of exactly-once. */
async function collectReal(db, recipientId) {
  const { rows } = await db.query(
    `SELECT b.burst, r.status,
            (extract(epoch FROM r.fire_at) * 1000)::float8 AS fire_ms,
            (extract(epoch FROM d.created_at) * 1000)::float8 AS recorded_ms,
            (extract(epoch FROM o.sent_at) * 1000)::float8 AS relayed_ms,
            (extract(epoch FROM n.created_at) * 1000)::float8 AS notified_ms,
            d.id AS delivery_id, n.id AS notification_id
       FROM bench_reminder b
       JOIN reminder r ON r.id = b.reminder_id
       JOIN deadline dl ON dl.id = r.deadline_id
       LEFT JOIN delivery d ON d.key = 'deadline:' || dl.id || ':v' || dl.version || ':' || r.step || ':' || $1 || ':in_app'
       LEFT JOIN notification n ON n.delivery_id = d.id
       LEFT JOIN outbox o ON o.job_name = 'delivery.send' AND o.job_id = 'dlv-' || d.id`,
    [recipientId],
  );
  const [totals] = (
    await db.query(
      `SELECT (SELECT count(*) FROM delivery)::int AS deliveries,
              (SELECT count(DISTINCT key) FROM delivery)::int AS distinct_keys,
              (SELECT count(*) FROM delivery WHERE channel <> 'in_app' OR recipient_user_id <> $1)::int AS foreign_deliveries,
              (SELECT count(*) FROM delivery WHERE sent_at IS NULL)::int AS unsent_deliveries,
              (SELECT count(*) FROM delivery WHERE attempts <> 1)::int AS retried_deliveries,
              (SELECT count(*) FROM notification)::int AS notifications,
              (SELECT count(DISTINCT delivery_id) FROM notification)::int AS distinct_notified_deliveries,
              (SELECT count(*) FROM outbox WHERE job_name = 'delivery.send')::int AS outbox_rows,
              (SELECT count(*) FROM outbox WHERE sent_at IS NULL)::int AS outbox_unsent`,
      [recipientId],
    )
  ).rows;
  const problems = [];
  const notSent = rows.filter((r) => r.status !== 'sent').length;
  const noDelivery = rows.filter((r) => !r.delivery_id).length;
  const noNotification = rows.filter((r) => !r.notification_id).length;
  if (rows.length !== TOTAL) problems.push(`${rows.length} reminder rows joined, ${TOTAL} expected`);
  if (notSent) problems.push(`${notSent} reminders not marked sent`);
  if (noDelivery) problems.push(`${noDelivery} reminders without their delivery`);
  if (noNotification) problems.push(`${noNotification} reminders without their notification`);
  if (totals.deliveries !== TOTAL)
    problems.push(`${totals.deliveries} deliveries, ${TOTAL} expected (one per reminder)`);
  if (totals.distinct_keys !== totals.deliveries)
    problems.push(`${totals.deliveries - totals.distinct_keys} duplicate delivery keys`);
  if (totals.foreign_deliveries)
    problems.push(`${totals.foreign_deliveries} deliveries on another channel or to someone else`);
  if (totals.unsent_deliveries) problems.push(`${totals.unsent_deliveries} deliveries not marked sent`);
  if (totals.notifications !== TOTAL)
    problems.push(`${totals.notifications} notifications, ${TOTAL} expected (one per reminder)`);
  if (totals.distinct_notified_deliveries !== totals.notifications)
    problems.push(`${totals.notifications - totals.distinct_notified_deliveries} duplicate notifications`);
  const complete = rows.filter((r) => r.notification_id);
  const items = complete.map((r) => ({ burst: r.burst, fireMs: r.fire_ms, doneMs: r.notified_ms }));
  // Where the lateness arises: the reminder.fire job starting (its transaction's now() is the
  // delivery's created_at) and the in-app notification written in that same transaction
  // (its created_at is the clock when the row was written). In-app deliveries have no
  // delivery.send job: a row here with an outbox row would be a regression.
  const relayed = complete.filter((r) => r.relayed_ms !== null).length;
  if (relayed) problems.push(`${relayed} in-app deliveries went through the outbox`);
  const withStages = complete.filter((r) => r.recorded_ms !== null);
  const stages = {
    fireToReminderJob: percentiles(withStages.map((r) => r.recorded_ms - r.fire_ms)),
    reminderJobToNotification: percentiles(withStages.map((r) => r.notified_ms - r.recorded_ms)),
  };
  return { items, totals, problems, stages };
}

function printTable(real, base) {
  const pad = (s, n) => String(s).padStart(n);
  const ms = (x) =>
    x === null || x === undefined ? '—' : x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`;
  const out = [''];
  out.push(
    `${''.padEnd(13)} ${pad('lateness p50', 13)} ${pad('p99', 10)} | ${pad('burst p50', 10)} ${pad('burst p99', 10)} | ${pad('notifications/s', 16)} ${pad('burst drain/s', 14)}`,
  );
  out.push('-'.repeat(98));
  for (const [name, f] of [
    ['real path', real],
    ['baseline', base],
  ]) {
    if (!f) continue;
    out.push(
      `${name.padEnd(13)} ${pad(ms(f.lateness.p50), 13)} ${pad(ms(f.lateness.p99), 10)} | ${pad(ms(f.burstLateness.p50), 10)} ${pad(ms(f.burstLateness.p99), 10)} | ` +
        `${pad(f.throughput.toFixed(1), 16)} ${pad(f.burstDrainRate.toFixed(1), 14)}`,
    );
  }
  if (real && base) {
    const x = (a, b) => (b > 0 ? `${(a / b).toFixed(1)}×` : '—');
    out.push(
      `${'real/baseline'.padEnd(13)} ${pad(x(real.lateness.p50, base.lateness.p50), 13)} ${pad(x(real.lateness.p99, base.lateness.p99), 10)} | ` +
        `${pad(x(real.burstLateness.p50, base.burstLateness.p50), 10)} ${pad(x(real.burstLateness.p99, base.burstLateness.p99), 10)} | ` +
        `${pad(`${((real.throughput / base.throughput) * 100).toFixed(1)} %`, 16)} ${pad(`${((real.burstDrainRate / base.burstDrainRate) * 100).toFixed(1)} %`, 14)}`,
    );
  }
  out.push(
    `(${TOTAL.toLocaleString('en')} reminders: ${SPREAD.toLocaleString('en')} spread over ${WINDOW_MS / 1000} s and ${BURST.toLocaleString('en')} at +${BURST_OFFSET_MS / 1000} s; ` +
      `concurrency ${CONCURRENCY}; real path first, then the baseline)`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

// ── main ─────────────────────────────────────────────────────────────────────

async function main() {
  const startedAt = new Date();
  if (process.env.BENCH_SKIP_BUILD === '1') say('BENCH_SKIP_BUILD=1: using dist/ as it is');
  else build();
  for (const file of ['dist/apps/worker/src/main.js', 'dist/apps/cli/src/main.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: the build did not produce it`);
  }
  // The app's own job options and job id, so that the jobs added here are the ones it would add.
  const { jobOptions } = await import('../dist/libs/platform/src/jobs/queue-registry.js');
  const { JOB_CATALOGUE } = await import('../dist/libs/platform/src/jobs/job-catalogue.js');
  const { reminderJobId, reminderSlotJobId } = await import('../dist/libs/scheduling/src/deadlines.service.js');
  const { reminderSlotEnd } = await import('../dist/libs/scheduling/src/reminder-planner.js');
  // The app's default slot unless BENCH_SLOT_MS says otherwise (1: one job per instant, as before slots).
  const { AppConfig } = await import('../dist/libs/platform/src/config/app-config.js');
  const slotMs = Number(process.env.BENCH_SLOT_MS ?? new AppConfig().REMINDER_SLOT_MS);
  const reminderQueueName = JOB_CATALOGUE['reminder.fire'].queue;
  const deliveryQueueName = JOB_CATALOGUE['delivery.send'].queue;

  const services = await testServices();
  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);

  let worker = null;
  let baselineWorker = null;
  let sampler = null;
  let db = null;
  let redis = null;
  const queues = [];
  let dbCreated = false;
  /** Why this run's comparison is not fair, if it is not: printed, and written to the results. */
  const invalid = [];
  let keysUsed = false;
  const cleanup = async () => {
    // Its connection (as the superuser) would keep the database from being dropped.
    await sampler?.stop().catch(() => undefined);
    sampler = null;
    await stopNode(worker).catch((e) => say(`stopping the worker: ${e.message}`));
    worker = null;
    await stopBaselineWorker(baselineWorker).catch((e) => say(`stopping the baseline worker: ${e.message}`));
    baselineWorker = null;
    await Promise.allSettled(queues.splice(0).map((q) => q.close()));
    redis?.disconnect();
    redis = null;
    await db?.end().catch(() => undefined);
    db = null;
    if (keysUsed) {
      const n = await deleteKeysUnder(services.redisUrl, QUEUE_PREFIX).catch((e) =>
        say(`deleting ${QUEUE_PREFIX} keys: ${e.message}`),
      );
      if (typeof n === 'number') say(`deleted ${n} Redis keys under ${QUEUE_PREFIX}`);
      keysUsed = false;
    }
    if (dbCreated && process.env.BENCH_KEEP_DB !== '1')
      await dropDatabase(services.migrationDatabaseUrl, DB_NAME).catch((e) => say(`dropping ${DB_NAME}: ${e.message}`));
    dbCreated = false;
    await services.release();
  };
  const finish = cleanUpOnSignal(cleanup);

  try {
    // Keys a killed run left behind would hand the worker stale jobs.
    keysUsed = true;
    const stale = await deleteKeysUnder(services.redisUrl, QUEUE_PREFIX);
    if (stale > 0) say(`deleted ${stale} Redis keys a previous run left under ${QUEUE_PREFIX}`);

    say(`creating ${DB_NAME}, migrating and seeding…`);
    await recreateDatabase(services.migrationDatabaseUrl, DB_NAME);
    dbCreated = true;
    const cliEnv = {
      ...process.env,
      DATABASE_URL: appUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX,
      LOG_LEVEL: 'warn',
    };
    cli(['migrate'], cliEnv);
    cli(['seed'], cliEnv);

    say(
      `preparing ${TOTAL.toLocaleString('en')} reminders on ${Math.ceil(TOTAL / STEPS.length).toLocaleString('en')} deadlines of ${UNIT}…`,
    );
    const workload = await prepareWorkload(ownerUrl);
    if (workload.silenced.length > 0)
      say(`switched off ${workload.silenced.join(', ')}: ${RECIPIENT} is the only one told`);

    db = new pg.Client({ connectionString: ownerUrl, application_name: 'kaikaku-bench' });
    await db.connect();
    // CPU of this cluster's PostgreSQL only: other worktrees' clusters run the same bench database name.
    pgPostmaster = await postmasterOf(db);
    redis = new Redis({ ...redisOptions(services.redisUrl), maxRetriesPerRequest: 3 });
    const reminderQueue = newQueue(services.redisUrl, reminderQueueName);
    const deliveryQueue = newQueue(services.redisUrl, deliveryQueueName);
    const baselineQueue = newQueue(services.redisUrl, BASELINE_QUEUE);
    queues.push(reminderQueue, deliveryQueue, baselineQueue);

    // ── the real path ──
    say(`starting the worker (concurrency ${CONCURRENCY} per queue, pool ${POOL_SIZE})…`);
    worker = startRealWorker({ databaseUrl: appUrl, redisUrl: services.redisUrl });
    await waitWorkerReady(worker, db, [reminderQueue, deliveryQueue]);

    const realStart = Math.ceil((Date.now() + LEAD_MS) / 1000) * 1000;
    const reminders = await setFireTimes(db, realStart);
    say(
      `adding one reminders.fire_due job per ${slotMs}-ms slot of ${TOTAL.toLocaleString('en')} reminders to "${reminderQueueName}"; the window opens in ${((realStart - Date.now()) / 1000).toFixed(1)} s…`,
    );
    const realAdd = await addSlotJobs(reminderQueue, reminders, {
      jobOptions,
      reminderSlotJobId,
      reminderSlotEnd,
      slotMs,
    });
    say(`${realAdd.jobs.toLocaleString('en')} slot jobs`);
    const realMargin = round((realStart - realAdd.finishedMs) / 1000, 2);
    say(`added in ${realAdd.seconds} s, ${realMargin} s before the first fire time`);
    if (realMargin * 1000 < MIN_ADD_MARGIN_MS) {
      invalid.push(
        `the real path's slot jobs were added only ${realMargin} s before its window opened: raise BENCH_LEAD_SECONDS`,
      );
      say(`WARNING: ${invalid.at(-1)}`);
    }

    await sleep(Math.max(0, realStart - Date.now()));
    const realCpu = cpuMeter({ worker: worker.child.pid }, redis, { pgDatabase: DB_NAME, pgPostmaster });
    await realCpu.begin();
    sampler = activitySampler(ownerUrl, 'kaikaku-worker');
    sampler.start();
    const realTimeline = await waitForAll(
      'real path',
      realStart,
      async () => {
        const { rows } = await db.query(
          `SELECT (SELECT count(*) FROM notification)::int AS done, (SELECT count(*) FROM delivery)::int AS progress,
                (SELECT count(*) FROM outbox WHERE sent_at IS NULL)::int AS outbox_pending`,
        );
        const r = rows[0];
        return {
          done: r.done,
          progress: r.progress + r.done,
          fired: r.progress,
          outboxPending: r.outbox_pending,
          extra: `${r.progress} fired, ${r.outbox_pending} in the outbox`,
        };
      },
      worker,
    );
    const realCpuUse = await realCpu.end();
    const activity = await sampler.stop();
    sampler = null;
    say('real path: all notifications are there; checking them…');

    const collected = await collectReal(db, workload.recipientId);
    const burstFireReal = realStart + BURST_OFFSET_MS;
    const real = figures(collected.items, burstFireReal, realStart);
    const realQueueCounts = {
      [reminderQueueName]: await reminderQueue.getJobCounts('failed', 'completed', 'delayed', 'wait', 'active'),
      [deliveryQueueName]: await deliveryQueue.getJobCounts('failed', 'completed', 'delayed', 'wait', 'active'),
    };
    const failedJobs = Object.values(realQueueCounts).reduce((s, c) => s + c.failed, 0);
    if (failedJobs > 0) collected.problems.push(`${failedJobs} jobs left failed in the worker's queues`);
    const workerLog = worker.log;

    // ── the baseline, on the same machine right after ──
    await stopNode(worker);
    worker = null;
    const waitedForVacuum = await waitAutovacuumQuiet(db);
    if (waitedForVacuum) say('waited for autovacuum to finish before the baseline');

    // The window opens only after every bare job is in Redis: a bench still adding while jobs
    // come due measures its own adding, not BullMQ (a busy run took 36 s to add the 105,000).
    // When the adding overruns the lead, the phase is started again from an empty queue with a
    // lead that covers the adding it measured; after MAX_BASELINE_ATTEMPTS the run is marked invalid.
    let baseLeadMs = LEAD_MS;
    let baseStart = 0;
    let baseReminders = [];
    let baseAdd = null;
    let baseMargin = 0;
    const baseAttempts = [];
    for (let attempt = 1; ; attempt++) {
      say(`starting the baseline worker (bare BullMQ, concurrency ${CONCURRENCY})…`);
      baselineWorker = await startBaselineWorker(services.redisUrl);
      baseStart = Math.ceil((Date.now() + baseLeadMs) / 1000) * 1000;
      const start = baseStart;
      baseReminders = reminders.map((r) => ({ ...r, fireMs: start + r.offsetMs }));
      say(
        `adding ${TOTAL.toLocaleString('en')} bare jobs to "${BASELINE_QUEUE}"; the window opens in ${((baseStart - Date.now()) / 1000).toFixed(1)} s…`,
      );
      baseAdd = await addReminderJobs(baselineQueue, baseReminders, { jobOptions, reminderJobId });
      baseMargin = round((baseStart - baseAdd.finishedMs) / 1000, 2);
      baseAttempts.push({ leadSeconds: baseLeadMs / 1000, addSeconds: baseAdd.seconds, marginSeconds: baseMargin });
      say(`added in ${baseAdd.seconds} s, ${baseMargin} s before the first fire time`);
      if (baseMargin * 1000 >= MIN_ADD_MARGIN_MS) break;
      if (attempt >= MAX_BASELINE_ATTEMPTS) {
        invalid.push(
          `the baseline's ${TOTAL.toLocaleString('en')} jobs were ${baseMargin < 0 ? `still being added ${-baseMargin} s after` : `all added only ${baseMargin} s before`} its window opened ` +
            `(${baseAttempts.length} attempts, leads ${baseAttempts.map((a) => a.leadSeconds).join(', ')} s): its lateness is the adding's`,
        );
        say(`WARNING: ${invalid.at(-1)}`);
        break;
      }
      baseLeadMs = Math.ceil((1.5 * baseAdd.seconds + MIN_ADD_MARGIN_MS / 1000 + 5) / 5) * 5000;
      say(
        `the adding overran the lead: the baseline starts again from an empty queue with a lead of ${baseLeadMs / 1000} s`,
      );
      await stopBaselineWorker(baselineWorker);
      baselineWorker = null;
      await baselineQueue.obliterate({ force: true });
      // obliterate() pauses the queue first; the next attempt's worker must find it running.
      await baselineQueue.resume();
    }

    await sleep(Math.max(0, baseStart - Date.now()));
    const baseCpu = cpuMeter({ baselineWorker: baselineWorker.child.pid }, redis, {
      pgDatabase: DB_NAME,
      pgPostmaster,
    });
    await baseCpu.begin();
    const bw = baselineWorker;
    const baseTimeline = await waitForAll('baseline', baseStart, async () => ({ done: bw.processed }), bw);
    const baseCpuUse = await baseCpu.end();
    const report = await baselineReport(baselineWorker);
    const byId = new Map(baseReminders.map((r) => [r.id, r]));
    const baseItems = [];
    const baseProblems = [];
    const seen = new Set();
    for (let i = 0; i < report.ids.length; i++) {
      const r = byId.get(report.ids[i]);
      if (!r) {
        baseProblems.push(`baseline ran a job for an unknown reminder ${report.ids[i]}`);
        continue;
      }
      if (seen.has(r.id)) {
        baseProblems.push(`baseline ran reminder ${r.id} twice`);
        continue;
      }
      seen.add(r.id);
      baseItems.push({ burst: r.burst, fireMs: r.fireMs, doneMs: report.startedAt[i] });
    }
    if (seen.size !== TOTAL) baseProblems.push(`baseline ran ${seen.size} distinct jobs, ${TOTAL} expected`);
    const baseFailed = (await baselineQueue.getJobCounts('failed')).failed;
    if (baseFailed > 0) baseProblems.push(`${baseFailed} baseline jobs failed`);
    const base = figures(baseItems, baseStart + BURST_OFFSET_MS, baseStart);
    // An empty processor keeps up with the offered rate (it drains a burst at several thousand a
    // second); one that fell behind measured a machine too busy for the comparison to mean anything.
    const offered = TOTAL / (WINDOW_MS / 1000);
    if (base.throughput < MIN_BASELINE_PACE * offered) {
      invalid.push(
        `the baseline fell behind the offered rate (${base.throughput}/s of ${Math.round(offered)}/s): its lateness is the machine's load, not BullMQ's`,
      );
      say(`WARNING: ${invalid.at(-1)}`);
    }
    await stopBaselineWorker(baselineWorker);
    baselineWorker = null;

    // ── report ──
    printTable(real, base);
    const p99Ratio = real.lateness.p99 / base.lateness.p99;
    const throughputRatio = real.throughput / base.throughput;
    const targets = [
      {
        name: `real path p99 lateness ≤ ${TARGETS.p99Ratio}× baseline's`,
        value: `${p99Ratio.toFixed(1)}× (${Math.round(real.lateness.p99)} ms vs ${Math.round(base.lateness.p99)} ms)`,
        pass: p99Ratio <= TARGETS.p99Ratio,
      },
      {
        name: `real path throughput ≥ ${TARGETS.throughputRatio * 100}% of baseline's`,
        value: `${(throughputRatio * 100).toFixed(1)} % (${real.throughput.toFixed(1)}/s vs ${base.throughput.toFixed(1)}/s)`,
        pass: throughputRatio >= TARGETS.throughputRatio,
      },
    ];
    process.stdout.write('\n');
    for (const t of targets) process.stdout.write(`${t.pass ? 'PASS' : 'MISS'}  ${t.name}  (measured ${t.value})\n`);
    // A ratio against a baseline that measured something else is no result, however it came out.
    for (const reason of invalid) process.stdout.write(`NOT VALID: ${reason}\n`);
    // Whether the p99 is the burst's or the spread's.
    process.stdout.write(
      `\nspread alone, lateness p50 / p99: real path ${Math.round(real.spreadLateness.p50)} / ${Math.round(real.spreadLateness.p99)} ms; ` +
        `baseline ${Math.round(base.spreadLateness.p50)} / ${Math.round(base.spreadLateness.p99)} ms\n`,
    );
    const s = collected.stages;
    process.stdout.write(
      `\nreal path, where the lateness arises (p50 / p99):\n` +
        `  fire time → reminder.fire starts       ${s.fireToReminderJob.p50} / ${s.fireToReminderJob.p99} ms\n` +
        `  reminder.fire → its notification       ${s.reminderJobToNotification.p50} / ${s.reminderJobToNotification.p99} ms\n`,
    );
    const cpuLine = (label, c, who) =>
      `  ${label}: ${c.wallSeconds} s wall, machine ${c.machineBusyShare === null ? '?' : `${Math.round(c.machineBusyShare * 100)} %`} busy; ` +
      `${who} ${c[`${who}Seconds`]} s CPU, PostgreSQL ${c.postgresSeconds} s (${c.postgresBackendsOfDatabaseSeconds} s in ${DB_NAME}'s backends), Redis ${c.redisSeconds} s, bench ${c.benchProcessSeconds} s, interrupts ${c.interruptSeconds} s, steal ${c.stealSeconds} s, other programs ${c.restOfMachineSeconds} s`;
    process.stdout.write(
      `\nCPU while draining:\n${cpuLine('real path', realCpuUse, 'worker')}\n${cpuLine('baseline ', baseCpuUse, 'baselineWorker')}\n`,
    );
    // What a reminder costs, steadier than the lateness when other programs share the machine.
    const perThousand = (seconds) => `${Math.round((seconds * 1_000_000) / TOTAL)} ms`;
    process.stdout.write(
      `CPU per 1,000 reminders: real path worker ${perThousand(realCpuUse.workerSeconds)} + PostgreSQL ${perThousand(realCpuUse.postgresBackendsOfDatabaseSeconds)} (its backends); ` +
        `baseline worker ${perThousand(baseCpuUse.baselineWorkerSeconds)} + Redis ${perThousand(baseCpuUse.redisSeconds)}\n`,
    );
    // Other work on the machine (someone's tests, another benchmark) skews one side or both.
    const noisy = [
      ['real path', realCpuUse],
      ['baseline', baseCpuUse],
    ].filter(([, c]) => c.machineCapacitySeconds && c.restOfMachineSeconds > 0.1 * c.machineCapacitySeconds);
    for (const [label, c] of noisy) {
      process.stdout.write(
        `NOTE: during the ${label}, other processes used ${Math.round((100 * c.restOfMachineSeconds) / c.machineCapacitySeconds)} % of the machine: its figures are skewed; run again on a quiet machine\n`,
      );
    }

    const problems = [...collected.problems, ...baseProblems];
    if (problems.length > 0) {
      process.stdout.write(`\nERRORS:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    } else {
      process.stdout.write(
        `\nerrors: 0 (every reminder sent once, with exactly one delivery and one notification; ${TOTAL} distinct baseline jobs)\n`,
      );
    }
    if (workerLog.warnings > 0)
      process.stdout.write(
        `worker warnings: ${workerLog.warnings} (${Object.keys(workerLog.samples).slice(0, 3).join(' | ')})\n`,
      );

    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `reminders-${startedAt.toISOString().replaceAll(':', '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          bench: 'reminders',
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          machine: {
            node: process.version,
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model ?? null,
            platform: `${os.platform()} ${os.release()}`,
            postgres: workload.pgVersion,
          },
          config: {
            reminders: TOTAL,
            spread: SPREAD,
            burst: BURST,
            windowSeconds: WINDOW_MS / 1000,
            leadSeconds: LEAD_MS / 1000,
            burstOffsetSeconds: BURST_OFFSET_MS / 1000,
            deadlines: workload.deadlines,
            concurrency: CONCURRENCY,
            poolSize: POOL_SIZE,
            outboxBatchSize: OUTBOX_BATCH_SIZE,
            outboxPollIntervalMs: OUTBOX_POLL_INTERVAL_MS,
            lockDurationMs: LOCK_DURATION_MS,
            queuePrefix: QUEUE_PREFIX,
            workerNodeArgs: process.env.BENCH_WORKER_NODE_ARGS ?? '',
            slotMs,
            order: 'real path, then baseline',
            silencedUsers: workload.silenced,
          },
          real: {
            ...real,
            stages: collected.stages,
            addSeconds: realAdd.seconds,
            addedBeforeWindowSeconds: realMargin,
            totals: collected.totals,
            queueCounts: realQueueCounts,
            cpu: realCpuUse,
            pgActivity: activity,
            workerWarnings: workerLog,
            timeline: realTimeline,
          },
          baseline: {
            ...base,
            addSeconds: baseAdd.seconds,
            addedBeforeWindowSeconds: baseMargin,
            attempts: baseAttempts,
            cpu: baseCpuUse,
            timeline: baseTimeline,
          },
          valid: invalid.length === 0,
          invalid,
          noisyPhases: noisy.map(([label]) => label),
          ratios: {
            p99: round(p99Ratio, 3),
            throughput: round(throughputRatio, 4),
            burstP99: round(real.burstLateness.p99 / base.burstLateness.p99, 3),
            burstDrain: round(real.burstDrainRate / base.burstDrainRate, 4),
          },
          targets,
          errors: problems,
        },
        null,
        2,
      )}\n`,
    );
    say(`results written to ${file}`);
    return problems.length > 0 ? 1 : 0;
  } finally {
    await finish();
  }
}

main().then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
