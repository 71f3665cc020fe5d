#!/usr/bin/env node
// Progress roll-ups at scale: one million confirmed progress reports over 50 plans, and in
// the same run
//   1. the API's roll-up read (GET /rollups/progress) against a trivial signed-in read through
//      the same stack (GET /system/ping when the API has it, else the plan's status scale),
//   2. the roll-up recount (RollupsService.refresh's SQL) against a raw GROUP BY of the same
//      rows, with pg on one connection,
//   3. the API's confirmations with the roll-up upkeep on (the worker relays and runs a
//      rollups.refresh job per confirmation) against the same confirmations with it off
//      (worker stopped), interleaved per concurrency level,
// and finally checks that the roll-up the worker kept equals a fresh GROUP BY. Ratios are the
// figures that mean something; the absolute rates depend on the machine.
//
//   node bench/rollups.bench.mjs        (or: npm run bench:rollups)
//
// Knobs (environment): ROLLUP_BENCH_REPORTS (1000000), ROLLUP_BENCH_PLANS (50),
// ROLLUP_BENCH_READS (8000), ROLLUP_BENCH_READ_ROUNDS (5), ROLLUP_BENCH_CONFIRMS (1000), ROLLUP_BENCH_ROUNDS (7),
// ROLLUP_BENCH_COMPUTE_REPEATS (30),
// ROLLUP_BENCH_WORKER_CONCURRENCY (8), ROLLUP_BENCH_DRAIN_TIMEOUT_SECONDS (300),
// BENCH_POOL_SIZE (20), BENCH_SKIP_BUILD=1, BENCH_KEEP_DB=1, BENCH_API_NODE_ARGS,
// BENCH_WORKER_NODE_ARGS. See bench/README.md.
//
// Plain Node ESM on purpose: it runs without a TypeScript loader, against the compiled dist/.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { build } from '../scripts/lib/setup.mjs';
import {
  ROOT,
  cleanUpOnSignal,
  cli,
  closedLoop,
  cpuMeter,
  postmasterOf,
  cursor,
  deleteKeysUnder,
  dropDatabase,
  freePort,
  intEnv,
  isRunning,
  problemCode,
  recreateDatabase,
  redisOptions,
  round,
  say,
  signIn,
  startNode,
  stopNode,
  testServices,
  urlFor,
  waitApiReady,
  withClient,
  productionSecrets,
} from './lib/harness.mjs';

/** The postmaster of the bench's cluster, once connected (see cpuMeter's pgPostmaster). */
let pgPostmaster = null;

const DB_NAME = 'kaikaku_bench_rollups';
/** Set once the services are known. */
let benchRedisUrl;
/** The worker's queues live under it; every key under it goes at the start and at the end. */
const QUEUE_PREFIX = '{benchrollups}';
/** QueueName.Tracking: where rollups.refresh runs. */
const TRACKING_QUEUE = 'tracking';

const REPORTS = intEnv('ROLLUP_BENCH_REPORTS', 1_000_000);
const PLANS = intEnv('ROLLUP_BENCH_PLANS', 50);
/** Every plan gets reports for the first four fiscal years of its period. */
const YEARS = 4;
const INITIATIVES_PER_PLAN = Math.max(1, Math.round(REPORTS / (PLANS * YEARS)));
const GENERATED_REPORTS = INITIATIVES_PER_PLAN * PLANS * YEARS;
const POOL_SIZE = intEnv('BENCH_POOL_SIZE', 20);
const WORKER_CONCURRENCY = intEnv('ROLLUP_BENCH_WORKER_CONCURRENCY', 8);
const COMPUTE_REPEATS = intEnv('ROLLUP_BENCH_COMPUTE_REPEATS', 30);
const DRAIN_TIMEOUT_MS = intEnv('ROLLUP_BENCH_DRAIN_TIMEOUT_SECONDS', 300) * 1000;

const READS = intEnv('ROLLUP_BENCH_READS', 8000);
/**
 * The reads, like the confirmations, alternate baseline and roll-up over several rounds (AB,
 * then BA, …), READS / READ_ROUNDS requests a phase, so that a burst of load from elsewhere on
 * the machine lands on one round, not on one side; the ratio is the median of the rounds'.
 */
const READ_ROUNDS = intEnv('ROLLUP_BENCH_READ_ROUNDS', 5);
const READ_LEVELS = [4, 16].map((concurrency) => ({
  concurrency,
  warmup: Math.max(20, Math.round(READS / 10)),
  requests: Math.max(20, Math.round(READS / READ_ROUNDS)),
}));

const CONFIRMS = intEnv('ROLLUP_BENCH_CONFIRMS', 1000);
const CONFIRM_WARMUP = Math.max(20, Math.round(CONFIRMS / 10));
/**
 * Upkeep on and off alternate (ABBA), so that a drift over the run (the plan-year being
 * confirmed grows, so each recount costs a little more) does not favour one side.
 */
/**
 * One figure of upkeep cost is one noisy sample on a shared machine: the on/off pairs are
 * repeated ROLLUP_BENCH_ROUNDS times, interleaved (ABBA, then BAAB in the next round, …),
 * and the cost is reported per round with its median and spread.
 */
const ROUNDS = intEnv('ROLLUP_BENCH_ROUNDS', 7);
const CONFIRM_PHASES = Array.from({ length: ROUNDS }, (_, round) => {
  const [first, second] = round % 2 === 0 ? ['on', 'off'] : ['off', 'on'];
  return [
    { round, concurrency: 4, upkeep: first },
    { round, concurrency: 4, upkeep: second },
    { round, concurrency: 16, upkeep: second },
    { round, concurrency: 16, upkeep: first },
  ];
}).flat();
const SUBMITTED = CONFIRM_PHASES.length * (CONFIRM_WARMUP + CONFIRMS) + 200;

/** The plan-year whose submitted reports the confirmations act on: the city's current plan. */
const CONFIRM_PLAN = 'kaikaku-2027';
const BENCH_PLAN_PREFIX = 'bench-rollups-';

const TARGETS = {
  readRatio: 0.5,
  upkeepCost: 0.2,
};

const seconds = (t0) => round(Number(process.hrtime.bigint() - t0) / 1e9, 2);

/** A small deterministic PRNG (mulberry32), so that two runs ask for the same plan-years. */
function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ── set-up ───────────────────────────────────────────────────────────────────

/** What the issue calls the raw GROUP BY: the counting the roll-up does, only read. */
const RAW_GROUP_BY = `SELECT i.policy_id, i.owning_unit_id, pr.status_code, count(*)
         FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id
        WHERE pr.plan_id = $1 AND pr.fiscal_year = $2 AND pr.period = 'annual' AND pr.state = 'confirmed'
        GROUP BY i.policy_id, i.owning_unit_id, pr.status_code`;

/**
 * The app's own RollupsService, compiled, on a TypeORM DataSource of one connection as the
 * apps' role: the recounts of this benchmark are the service's code (refreshAll, the nightly
 * job's; refreshAlone, the worker's), whatever its SQL is at the time, never a copy of it.
 * Imported only after the build, from dist/.
 */
async function rollupsService(appUrl) {
  const { DataSource } = await import('typeorm');
  const { RollupsService } = await import(
    pathToFileURL(join(ROOT, 'dist/libs/tracking/src/rollups/rollups.service.js')).href
  );
  const dataSource = new DataSource({
    type: 'postgres',
    url: appUrl,
    entities: [],
    synchronize: false,
    useUTC: true,
    poolSize: 1,
    logging: false,
    extra: { application_name: 'kaikaku-bench-rollups' },
  });
  await dataSource.initialize();
  // The audit log is used by snapshots only.
  return { dataSource, service: new RollupsService(dataSource, null) };
}

/** The commit and the uncommitted files of the code under test, for the results file. */
function codeState() {
  const git = (args) =>
    execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  try {
    return {
      head: git(['rev-parse', '--short', 'HEAD']),
      uncommitted: git(['status', '--porcelain', '--', 'apps', 'libs', 'migrations'])
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    };
  } catch {
    return null;
  }
}

/**
 * The workload, written straight into the database as the owner: PLANS plans (the seed's two
 * plus bench plans with three policies and the city's status scale each), INITIATIVES_PER_PLAN
 * initiatives per plan spread over the 19 bureaus and wards and the plan's policies, and one
 * confirmed annual report per initiative for the first four years of its plan, about one in
 * five 一部変更・遅れ. Rows go in year by year with the plans interleaved, the order in
 * which a city would record them. Then SUBMITTED initiatives more in the confirmation plan,
 * each with a submitted report of the confirmation year, waiting for the secretariat.
 */
async function prepareWorkload(ownerUrl) {
  return withClient(ownerUrl, async (db) => {
    const timings = {};
    const [{ v: workflowVersion }] = (
      await db.query(`SELECT max(version) AS v FROM workflow_definition WHERE name = 'progress-report'`)
    ).rows;
    if (workflowVersion === null) throw new Error('the seed stored no progress-report workflow');

    let t = process.hrtime.bigint();
    await db.query('BEGIN');
    const seeded = (await db.query(`SELECT count(*)::int AS n FROM plan`)).rows[0].n;
    if (PLANS < seeded) throw new Error(`ROLLUP_BENCH_PLANS=${PLANS}: the seed alone made ${seeded} plans`);
    // Bench plans alternate between the seed's two periods; each has its own code.
    await db.query(
      `INSERT INTO plan (code, name, first_fiscal_year, last_fiscal_year)
       SELECT $1 || lpad(n::text, 2, '0'), 'ベンチマーク計画 ' || n,
              CASE WHEN n % 2 = 0 THEN 2020 ELSE 2024 END, CASE WHEN n % 2 = 0 THEN 2023 ELSE 2027 END
         FROM generate_series($2::int + 1, $3::int) n`,
      [BENCH_PLAN_PREFIX, seeded, PLANS],
    );
    // Three policies for every plan that has none (the bench plans).
    await db.query(
      `INSERT INTO plan_policy (plan_id, number, title)
       SELECT p.id, k, '方針' || k FROM plan p CROSS JOIN generate_series(1, 3) k
        WHERE NOT EXISTS (SELECT 1 FROM plan_policy x WHERE x.plan_id = p.id)`,
    );
    // The scale every new plan starts with (PlansService.create → setScale(KUMAMOTO_SCALE)), copied from the seed's plan.
    await db.query(
      `INSERT INTO status_scale (plan_id, code, label_ja, normalized, position, colour)
       SELECT p.id, s.code, s.label_ja, s.normalized, s.position, s.colour
         FROM plan p CROSS JOIN status_scale s
        WHERE s.plan_id = (SELECT id FROM plan WHERE code = $1) AND p.code LIKE $2 || '%'`,
      [CONFIRM_PLAN, BENCH_PLAN_PREFIX],
    );
    const badScale = await db.query(
      `SELECT p.code FROM plan p
        WHERE (SELECT count(*) FROM status_scale s WHERE s.plan_id = p.id AND s.code IN ('on_track', 'changed_or_delayed')) <> 2
           OR p.last_fiscal_year - p.first_fiscal_year < $1 - 1`,
      [YEARS],
    );
    if (badScale.rowCount > 0)
      throw new Error(
        `plans without the default scale or shorter than ${YEARS} years: ${badScale.rows.map((r) => r.code).join(', ')}`,
      );

    const units = await db.query(`SELECT count(*)::int AS n FROM org_unit WHERE kind IN ('bureau', 'ward')`);
    if (units.rows[0].n !== 19) say(`note: ${units.rows[0].n} bureau/ward units (19 expected)`);
    const initiatives = await db.query(
      `INSERT INTO initiative (plan_id, code, title, policy_id, owning_unit_id, source)
       SELECT p.id, 'BR-' || lpad(g::text, 6, '0'), 'ベンチ取組 ' || g, pol.ids[1 + g % cardinality(pol.ids)], u.ids[1 + g % cardinality(u.ids)], 'import'
         FROM plan p
        CROSS JOIN LATERAL (SELECT array_agg(id ORDER BY number) AS ids FROM plan_policy WHERE plan_id = p.id) pol
        CROSS JOIN generate_series(1, $1::int) g
        CROSS JOIN (SELECT array_agg(id ORDER BY code) AS ids FROM org_unit WHERE kind IN ('bureau', 'ward')) u
        ORDER BY p.code, g`,
      [INITIATIVES_PER_PLAN],
    );
    timings.plansAndInitiativesSeconds = seconds(t);

    t = process.hrtime.bigint();
    // A bulk load: the table's foreign keys and secondary indexes go first and come back,
    // under their own names and definitions, once the rows are in (a build and one check
    // each instead of a million lookups). The primary key stays.
    const constraints = (
      await db.query(
        `SELECT conname, pg_get_constraintdef(oid) AS def FROM pg_constraint
          WHERE conrelid = 'progress_report'::regclass AND contype IN ('f', 'u') ORDER BY contype DESC, conname`,
      )
    ).rows;
    const indexes = (
      await db.query(
        `SELECT i.indexname, i.indexdef FROM pg_indexes i
          WHERE i.schemaname = current_schema() AND i.tablename = 'progress_report'
            AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = 'progress_report'::regclass AND c.conname = i.indexname)`,
      )
    ).rows;
    const ident = (name) => `"${name.replaceAll('"', '""')}"`;
    // The roll-up label versions are changed by deferred triggers of the scale and policy rows
    // written above; a foreign key to those tables cannot be dropped or added while they wait.
    await db.query('SET CONSTRAINTS ALL IMMEDIATE');
    for (const c of constraints) await db.query(`ALTER TABLE progress_report DROP CONSTRAINT ${ident(c.conname)}`);
    for (const i of indexes) await db.query(`DROP INDEX ${ident(i.indexname)}`);
    await db.query(`SET LOCAL maintenance_work_mem = '256MB'`);
    await db.query(`SET LOCAL work_mem = '128MB'`);
    // The status: (7n + 3y) mod 5 = 0 for one in five, spread evenly over units, policies and years.
    const reports = await db.query(
      `INSERT INTO progress_report (initiative_id, plan_id, fiscal_year, period, status_code, narrative, reason, state,
                                    workflow_name, workflow_version, submitted_at, confirmed_at, version, created_at, updated_at)
       SELECT x.initiative_id, x.plan_id, x.fiscal_year, 'annual', x.status, '取組は計画に沿って進んでいる。',
              CASE WHEN x.status = 'on_track' THEN '' ELSE '関係機関との調整に時間を要したため' END,
              'confirmed', 'progress-report', $1, x.at, x.at, 3, x.at, x.at
         FROM (SELECT i.id AS initiative_id, i.plan_id, p.first_fiscal_year + y AS fiscal_year,
                      CASE WHEN (substr(i.code, 4)::int * 7 + y * 3) % 5 = 0 THEN 'changed_or_delayed' ELSE 'on_track' END AS status,
                      make_timestamptz(p.first_fiscal_year + y + 1, 5, 15, 9, 0, 0, 'Asia/Tokyo') AS at,
                      y, i.code, p.code AS plan_code
                 FROM generate_series(0, $2::int - 1) y
                CROSS JOIN initiative i JOIN plan p ON p.id = i.plan_id
                WHERE i.code LIKE 'BR-%') x
        ORDER BY x.y, x.code, x.plan_code`,
      [workflowVersion, YEARS],
    );
    timings.reportsInsertSeconds = seconds(t);
    const t2 = process.hrtime.bigint();
    for (const i of indexes) await db.query(i.indexdef);
    for (const c of constraints)
      await db.query(`ALTER TABLE progress_report ADD CONSTRAINT ${ident(c.conname)} ${c.def}`);
    timings.reportsConstraintsSeconds = seconds(t2);
    timings.reportsSeconds = seconds(t);

    t = process.hrtime.bigint();
    const [confirmPlan] = (await db.query(`SELECT id, first_fiscal_year FROM plan WHERE code = $1`, [CONFIRM_PLAN]))
      .rows;
    if (!confirmPlan) throw new Error(`the seed did not create plan ${CONFIRM_PLAN}`);
    const confirmYear = confirmPlan.first_fiscal_year + 1;
    await db.query(
      `INSERT INTO initiative (plan_id, code, title, policy_id, owning_unit_id, source)
       SELECT $1, 'BX-' || lpad(g::text, 6, '0'), 'ベンチ確認用取組 ' || g, pol.ids[1 + g % cardinality(pol.ids)], u.ids[1 + g % cardinality(u.ids)], 'import'
         FROM generate_series(1, $2::int) g,
              (SELECT array_agg(id ORDER BY number) AS ids FROM plan_policy WHERE plan_id = $1) pol,
              (SELECT array_agg(id ORDER BY code) AS ids FROM org_unit WHERE kind IN ('bureau', 'ward')) u`,
      [confirmPlan.id, SUBMITTED],
    );
    // Drafted (version 1) and submitted (version 2) by the bureau: what the secretariat's confirm acts on.
    await db.query(
      `INSERT INTO progress_report (initiative_id, plan_id, fiscal_year, period, status_code, narrative, reason, state,
                                    workflow_name, workflow_version, submitted_at, version)
       SELECT i.id, i.plan_id, $2, 'annual',
              CASE WHEN substr(i.code, 4)::int % 5 = 0 THEN 'changed_or_delayed' ELSE 'on_track' END, '取組は計画に沿って進んでいる。',
              CASE WHEN substr(i.code, 4)::int % 5 = 0 THEN '関係機関との調整に時間を要したため' ELSE '' END,
              'submitted', 'progress-report', $3, now() - interval '1 day', 2
         FROM initiative i WHERE i.plan_id = $1 AND i.code LIKE 'BX-%'`,
      [confirmPlan.id, confirmYear, workflowVersion],
    );
    await db.query('COMMIT');
    timings.submittedSeconds = seconds(t);

    t = process.hrtime.bigint();
    await db.query('VACUUM ANALYZE');
    timings.vacuumAnalyzeSeconds = seconds(t);

    const submittedIds = (
      await db.query(
        `SELECT id FROM progress_report WHERE plan_id = $1 AND fiscal_year = $2 AND state = 'submitted' ORDER BY id`,
        [confirmPlan.id, confirmYear],
      )
    ).rows.map((r) => r.id);
    const sizes = (
      await db.query(
        `SELECT pg_size_pretty(pg_table_size('progress_report')) AS heap, pg_size_pretty(pg_indexes_size('progress_report')) AS indexes,
                (SELECT count(*)::int FROM progress_report) AS reports, (SELECT count(*)::int FROM initiative) AS initiatives, (SELECT count(*)::int FROM plan) AS plans`,
      )
    ).rows[0];
    const pgVersion = (await db.query(`SHOW server_version`)).rows[0].server_version;
    return {
      timings,
      generated: { reports: reports.rowCount, initiatives: initiatives.rowCount },
      sizes,
      confirmPlanId: confirmPlan.id,
      confirmYear,
      submittedIds,
      pgVersion,
    };
  });
}

/** Every plan-year with confirmed annual reports, and how many: the roll-up's expected totals. */
async function planYears(db) {
  const { rows } = await db.query(
    `SELECT plan_id, fiscal_year, count(*)::int AS n FROM progress_report
      WHERE state = 'confirmed' AND period = 'annual' GROUP BY 1, 2 ORDER BY 1, 2`,
  );
  return rows;
}

/**
 * Rows where the roll-up and a fresh GROUP BY disagree (both directions), for one plan-year
 * or for all. Empty means the roll-up is current.
 */
async function rollupDifferences(db, planId = null, fiscalYear = null) {
  const { rows } = await db.query(
    `WITH fresh AS (
       SELECT pr.plan_id, pr.fiscal_year, i.policy_id, i.owning_unit_id AS org_unit_id, pr.status_code, count(*)::int AS count
         FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id
        WHERE pr.period = 'annual' AND pr.state = 'confirmed'
          AND ($1::uuid IS NULL OR pr.plan_id = $1) AND ($2::int IS NULL OR pr.fiscal_year = $2)
        GROUP BY 1, 2, 3, 4, 5
     ), kept AS (
       SELECT plan_id, fiscal_year, policy_id, org_unit_id, status_code, count FROM rollup
        WHERE ($1::uuid IS NULL OR plan_id = $1) AND ($2::int IS NULL OR fiscal_year = $2)
     )
     SELECT 'missing from rollup' AS side, * FROM (SELECT * FROM fresh EXCEPT ALL SELECT * FROM kept) a
     UNION ALL
     SELECT 'not in a fresh count' AS side, * FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM fresh) b
     LIMIT 20`,
    [planId, fiscalYear],
  );
  return rows;
}

// ── child processes: the API and the worker ──────────────────────────────────

/**
 * An app as a child process (the harness's startNode), with its pino warnings and errors
 * (a failed job, a refused request) counted and sampled for the report.
 */
function startApp(script, { nodeArgs = [], env }) {
  const log = { warnings: 0, samples: {} };
  const onLine = (line) => {
    try {
      const entry = JSON.parse(line);
      if (typeof entry.level === 'number' && entry.level >= 40) {
        log.warnings++;
        const key = `${entry.msg ?? ''}: ${String(entry.err?.message ?? '').slice(0, 160)}`;
        log.samples[key] = (log.samples[key] ?? 0) + 1;
      }
    } catch {
      // not JSON: a crash trace, kept in the tail
    }
  };
  return { ...startNode(script, { nodeArgs, env, onLine }), log };
}

/** What both apps are given: production mode, this run's database, Redis keys and secret. */
function appEnv({ databaseUrl, redisUrl, secrets }) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    // The apps never migrate, but a stray MIGRATION_DATABASE_URL from the shell must not point elsewhere.
    MIGRATION_DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: String(POOL_SIZE),
    QUEUE_BACKEND: 'redis',
    REDIS_URL: redisUrl,
    QUEUE_PREFIX,
    LOG_LEVEL: 'warn',
    LOG_PRETTY: 'false',
    ...secrets,
  };
}

function startApi({ port, ...common }) {
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startApp(join(ROOT, 'dist/apps/api/src/main.js'), {
    nodeArgs,
    env: {
      ...appEnv(common),
      PORT: String(port),
      // One token must outlive the whole run.
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      OPENAPI_UI: 'false',
      QUEUE_DASHBOARD: 'false',
    },
  });
}

function startWorker(common) {
  const nodeArgs = (process.env.BENCH_WORKER_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startApp(join(ROOT, 'dist/apps/worker/src/main.js'), {
    nodeArgs,
    env: {
      ...appEnv(common),
      WORKER_HEALTH_PORT: '0',
      WORKER_CONCURRENCY: String(WORKER_CONCURRENCY),
      // The app's defaults, explicit so that a shell's settings do not change the run.
      WORKER_LOCK_DURATION_MS: '30000',
      OUTBOX_POLL_INTERVAL_MS: '1000',
      OUTBOX_BATCH_SIZE: '100',
      // Reconciliation once at start-up (there are no reminders), then not for a day.
      REMINDER_RECONCILE_SECONDS: '86400',
      REMINDER_DAY_SECONDS: '0',
      SMTP_URL: '',
    },
  });
}

/** Ready: a worker registered on the tracking queue and the outbox relay listening. */
async function waitWorkerReady(worker, db, queue, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isRunning(worker)) throw new Error(`the worker exited during start-up:\n${worker.tail.join('\n')}`);
    const workers = await queue.getWorkersCount();
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kaikaku-outbox-listener'`,
    );
    if (workers > 0 && rows[0].n > 0) return;
    await sleep(200);
  }
  throw new Error(`the worker was not ready within ${timeoutMs} ms:\n${worker.tail.join('\n')}`);
}

/** After a worker stopped: its backends gone, so that the next readiness check sees only the new one. */
async function waitWorkerGone(db, queue, timeoutMs = 15_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const { rows } = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name LIKE 'kaikaku-worker%'`,
    );
    const listeners = await db.query(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'kaikaku-outbox-listener'`,
    );
    if (rows[0].n === 0 && listeners.rows[0].n === 0 && (await queue.getWorkersCount()) === 0) return;
    await sleep(100);
  }
  say('note: the stopped worker’s connections lingered');
}

const PENDING_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'];

/**
 * Waits until every rollups.refresh outbox row was relayed and every job of the tracking
 * queue ran: then the roll-up is as current as the worker will make it. Answers the seconds
 * it took.
 */
async function withRedis(use) {
  const redis = new Redis({ ...redisOptions(benchRedisUrl), maxRetriesPerRequest: 3 });
  try {
    return await use(redis);
  } finally {
    redis.disconnect();
  }
}

async function waitDrained(db, queue, worker, label) {
  const t0 = process.hrtime.bigint();
  const until = Date.now() + DRAIN_TIMEOUT_MS;
  let unsent = null;
  let counts = null;
  while (Date.now() < until) {
    if (!isRunning(worker)) throw new Error(`${label}: the worker exited:\n${worker.tail.join('\n')}`);
    unsent = (
      await db.query(`SELECT count(*)::int AS n FROM outbox WHERE sent_at IS NULL AND job_name = 'rollups.refresh'`)
    ).rows[0].n;
    counts = await queue.getJobCounts(...PENDING_STATES, 'completed', 'failed');
    // The nightly recount's scheduler always keeps its next run delayed; a refresh is delayed only when retried.
    counts.delayedRefreshes =
      counts.delayed > 0 ? (await queue.getDelayed()).filter((j) => j?.name === 'rollups.refresh').length : 0;
    // A coalesced recount still to come holds a deduplication key (`de:`), or a stored next
    // job (`dn:`) while one runs; none left means none pending.
    counts.coalescingKeys = await withRedis((redis) => redis.keys(`${QUEUE_PREFIX}:${TRACKING_QUEUE}:d[en]:*`)).then(
      (keys) => keys.length,
    );
    if (
      unsent === 0 &&
      counts.coalescingKeys === 0 &&
      counts.delayedRefreshes === 0 &&
      PENDING_STATES.every((s) => s === 'delayed' || (counts[s] ?? 0) === 0)
    )
      return seconds(t0);
    await sleep(100);
  }
  throw new Error(
    `${label}: the worker did not catch up within ${DRAIN_TIMEOUT_MS / 1000} s (ROLLUP_BENCH_DRAIN_TIMEOUT_SECONDS): ` +
      `${unsent} outbox rows unsent, tracking queue ${JSON.stringify(counts)}; the worker's last lines:\n${worker.tail.slice(-10).join('\n')}`,
  );
}

// ── load ─────────────────────────────────────────────────────────────────────

/** One HTTP request on a keep-alive agent; resolves with status, headers and body text. */
function request(agent, port, { method = 'GET', path, headers = {}, body = null }) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent,
        headers: body ? { ...headers, 'content-length': body.length } : headers,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body ?? undefined);
  });
}

/** GET /rollups/progress?by=policy for a plan-year; the answer's total must be that plan-year's report count. */
function rollupRead(agent, port, token) {
  const headers = { authorization: `Bearer ${token}` };
  return async (py) => {
    const res = await request(agent, port, {
      path: `/api/v1/rollups/progress?planId=${py.plan_id}&fiscalYear=${py.fiscal_year}&by=policy`,
      headers,
    });
    if (res.status !== 200) throw new Error(`rollup HTTP ${res.status} ${problemCode(res.text)}`);
    const body = JSON.parse(res.text);
    if (body.total !== py.n || !Array.isArray(body.rows) || body.rows.length === 0) {
      throw new Error(
        `rollup of a plan-year answered total ${body.total} with ${body.rows?.length} rows, ${py.n} reports expected`,
      );
    }
  };
}

/**
 * The trivial signed-in read: GET /system/ping (SELECT 1 behind the same guard) when the API
 * has it, else GET /plans/{id}/status-scale (the guard, then one primary-key read of two rows).
 */
function baselineRead(agent, port, token, kind) {
  const headers = { authorization: `Bearer ${token}` };
  return async (py) => {
    const path = kind === 'ping' ? '/api/v1/system/ping' : `/api/v1/plans/${py.plan_id}/status-scale`;
    const res = await request(agent, port, { path, headers });
    if (res.status !== 200) throw new Error(`baseline HTTP ${res.status} ${problemCode(res.text)}`);
    if (kind !== 'ping') {
      const body = JSON.parse(res.text);
      if (!Array.isArray(body) || body.length !== 2) throw new Error(`status scale answered ${res.text.slice(0, 200)}`);
    }
  };
}

/** Which baseline this API offers: `ping` if GET /system/ping answers 200 to the signed-in caller. */
async function baselineKind(port, token) {
  const agent = new http.Agent({ keepAlive: false });
  try {
    const res = await request(agent, port, {
      path: '/api/v1/system/ping',
      headers: { authorization: `Bearer ${token}` },
    });
    return { kind: res.status === 200 ? 'ping' : 'status-scale', pingStatus: res.status };
  } finally {
    agent.destroy();
  }
}

/** POST /progress-reports/{id}/transitions {"action":"confirm"} on a report never used before. */
function confirmReport(agent, port, token) {
  const body = Buffer.from(JSON.stringify({ action: 'confirm' }));
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'if-match': '"2"' };
  return async (id) => {
    const res = await request(agent, port, {
      method: 'POST',
      path: `/api/v1/progress-reports/${id}/transitions`,
      headers,
      body,
    });
    if (res.status !== 200) throw new Error(`confirm HTTP ${res.status} ${problemCode(res.text)}`);
    // Cheap check that the transition really happened, without parsing every answer.
    if (!res.text.includes('"state":"confirmed"') || res.headers.etag !== '"3"')
      throw new Error(`HTTP 200 but not confirmed/"3": ${res.text.slice(0, 200)}`);
  };
}

function median(values) {
  const s = [...values].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** A quantile by linear interpolation between the closest ranks (q = 0.25: the lower quartile). */
function quantile(values, q) {
  const s = [...values].sort((a, b) => a - b);
  const at = (s.length - 1) * q;
  const lo = Math.floor(at);
  return lo + 1 < s.length ? s[lo] + (s[lo + 1] - s[lo]) * (at - lo) : s[lo];
}

/** How far the rounds' figures lie apart: the whole range and the middle half (interquartile). */
function spreadOf(values) {
  return {
    min: Math.min(...values),
    q1: quantile(values, 0.25),
    q3: quantile(values, 0.75),
    max: Math.max(...values),
  };
}

/**
 * CPU the application spent per request in a phase: the API (and worker, when it ran) plus the
 * PostgreSQL backends of the benchmark's database, in ms. Unlike a rate, it barely moves when
 * other work on the machine takes the cores away, so it is the steadier side of a comparison.
 */
function appCpuMsPerRequest(x) {
  const c = x.cpu;
  const seconds = (c.apiSeconds ?? 0) + (c.workerSeconds ?? 0) + (c.postgresBackendsOfDatabaseSeconds ?? 0);
  return (seconds * 1000) / x.requests;
}

const pct = (x) => `${(x * 100).toFixed(1)} %`;
const spreadText = (s) =>
  `middle half ${(s.q1 * 100).toFixed(1)} … ${(s.q3 * 100).toFixed(1)} %, range ${(s.min * 100).toFixed(1)} … ${(s.max * 100).toFixed(1)} %`;

// ── report ───────────────────────────────────────────────────────────────────

const pad = (s, n) => String(s).padStart(n);
const ms = (x) => x.toFixed(2);

function printReadTable(rows, baselineLabel) {
  const out = [
    '',
    `ROLL-UP READS (GET /rollups/progress?by=policy, a random plan-year of ${PLANS} plans) vs ${baselineLabel}, ${READ_ROUNDS} interleaved rounds`,
  ];
  out.push(
    `${'concurrency'.padEnd(11)} ${'round'.padEnd(5)}  ${pad('baseline req/s', 14)} ${pad('p50', 6)} ${pad('p99', 7)} ${pad('cpu ms', 6)}  |  ` +
      `${pad('roll-up req/s', 13)} ${pad('p50', 6)} ${pad('p99', 7)} ${pad('cpu ms', 6)}  |  roll-up/baseline`,
  );
  out.push('-'.repeat(112));
  for (const r of rows) {
    for (const x of r.rounds) {
      out.push(
        `${String(r.concurrency).padEnd(11)} ${String(x.round + 1).padEnd(5)}  ${pad(x.baseline.rate.toFixed(1), 14)} ${pad(ms(x.baseline.p50), 6)} ${pad(ms(x.baseline.p99), 7)} ${pad(ms(x.baseline.cpuMsPerRequest), 6)}  |  ` +
          `${pad(x.rollup.rate.toFixed(1), 13)} ${pad(ms(x.rollup.p50), 6)} ${pad(ms(x.rollup.p99), 7)} ${pad(ms(x.rollup.cpuMsPerRequest), 6)}  |  ${pad(pct(x.ratio), 8)}`,
      );
    }
    out.push(
      `${String(r.concurrency).padEnd(11)} ${'all'.padEnd(5)}  ratio median ${pct(r.ratio)} (${spreadText(r.spread)}); ` +
        `cpu ms/request ${ms(r.cpuMsPerRequest.baseline)} baseline, ${ms(r.cpuMsPerRequest.rollup)} roll-up: ${pct(r.cpuRatio)}`,
    );
  }
  out.push(
    '(latencies in ms; rounds alternate AB / BA after an uncounted warm-up of each side; cpu ms = CPU of the API and of the',
  );
  out.push(
    " database's PostgreSQL backends per request, median of the rounds; the cpu ratio is the rate ratio the two would have if CPU were all they waited for)",
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

function printComputeTable(compute) {
  const out = ['', `ROLL-UP RECOUNT vs RAW GROUP BY (pg, one connection, median of ${COMPUTE_REPEATS}, ms)`];
  out.push(
    `${'plan-year'.padEnd(46)} ${pad('reports', 8)} ${pad('raw GROUP BY', 13)} ${pad('refresh tx', 11)}  |  refresh/raw`,
  );
  out.push('-'.repeat(96));
  for (const c of compute.cases) {
    out.push(
      `${c.label.padEnd(46)} ${pad(c.reports, 8)} ${pad(ms(c.rawMs.median), 13)} ${pad(ms(c.refreshMs.median), 11)}  |  ${pad(c.ratio.toFixed(2), 8)} ×`,
    );
  }
  out.push(
    `(refresh tx = RollupsService.refreshAlone, the worker's job: its own transaction, the plan-year's advisory lock, the recount`,
  );
  out.push(
    ` (DELETE + INSERT … GROUP BY); raw GROUP BY = the same counting, only SELECTed; both on the same connection)`,
  );
  out.push(
    `nightly recount of all ${compute.nightly.planYears} plan-years (RollupsService.refreshAll, one connection): ${compute.nightly.seconds.toFixed(2)} s`,
  );
  process.stdout.write(`${out.join('\n')}\n`);
}

function printConfirmTable(levels) {
  const out = [
    '',
    `CONFIRMATIONS (POST /progress-reports/{id}/transitions confirm) with the roll-up upkeep on and off, ${ROUNDS} interleaved rounds`,
  ];
  out.push(
    `${'concurrency'.padEnd(11)} ${'round'.padEnd(5)}  ${pad('off req/s', 9)} ${pad('p50', 6)} ${pad('p99', 7)} ${pad('cpu ms', 6)}  |  ` +
      `${pad('on req/s', 8)} ${pad('p50', 6)} ${pad('p99', 7)} ${pad('cpu ms', 6)}  |  ${pad('cost', 8)}  |  recounts run while on`,
  );
  out.push('-'.repeat(122));
  for (const l of levels) {
    for (const r of l.rounds) {
      out.push(
        `${String(l.concurrency).padEnd(11)} ${String(r.round + 1).padEnd(5)}  ${pad(r.off.rate.toFixed(1), 9)} ${pad(ms(r.off.p50), 6)} ${pad(ms(r.off.p99), 7)} ${pad(ms(r.off.cpuMsPerRequest), 6)}  |  ` +
          `${pad(r.on.rate.toFixed(1), 8)} ${pad(ms(r.on.p50), 6)} ${pad(ms(r.on.p99), 7)} ${pad(ms(r.on.cpuMsPerRequest), 6)}  |  ${pad(pct(r.cost), 8)}  |  ` +
          `${r.on.refreshJobsRanMeanwhile} for ${r.on.refreshJobsQueued} confirmations`,
      );
    }
    out.push(
      `${String(l.concurrency).padEnd(11)} ${'all'.padEnd(5)}  cost median ${pct(l.cost)} (${spreadText(l.spread)}); ` +
        `from the median rates ${l.pooled.off.toFixed(1)} off / ${l.pooled.on.toFixed(1)} on req/s: ${pct(l.pooledCost)}`,
    );
    out.push(
      `${''.padEnd(11)} ${''.padEnd(5)}  cpu ms/confirmation ${ms(l.cpuMsPerRequest.off)} off, ${ms(l.cpuMsPerRequest.on)} on (medians): cost by CPU ${pct(l.cpuCost)}`,
    );
  }
  out.push(
    '(cost = 1 − on/off within a round; latencies in ms; each round runs its four phases ABBA, the next BAAB, each after an',
  );
  out.push(
    " uncounted warm-up; on = the worker relays each confirmation's rollups.refresh row; rows queued within ROLLUP_REFRESH_DELAY_MS",
  );
  out.push(
    ' of a waiting recount share it (deduplication per plan-year); off = no worker, the outbox row is still written;',
  );
  out.push(
    ' recounts run while on = rollups.refresh jobs the worker finished by the last answer of the phase, warm-up included;',
  );
  out.push(
    ' cpu ms = CPU of the API, the worker when on, and the database’s PostgreSQL backends per confirmation; the target is on the rate)',
  );
  const last = levels.flatMap((l) => l.rounds.map((r) => r.on)).find((on) => on.catchUpSeconds !== undefined);
  if (last) {
    out.push(
      `catch-up: after the last upkeep-on phase the roll-up was current again ${last.catchUpSeconds.toFixed(1)} s later ` +
        `(the pending recount's delay included)`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ── main ─────────────────────────────────────────────────────────────────────

async function main() {
  const startedAt = new Date();
  const runT0 = process.hrtime.bigint();
  if (process.env.BENCH_SKIP_BUILD === '1') say('BENCH_SKIP_BUILD=1: using dist/ as it is');
  else build();
  for (const file of ['dist/apps/api/src/main.js', 'dist/apps/worker/src/main.js', 'dist/apps/cli/src/main.js']) {
    if (!existsSync(join(ROOT, file))) throw new Error(`${file} is missing: the build did not produce it`);
  }
  if (PLANS < 2) throw new Error('ROLLUP_BENCH_PLANS must be at least 2 (the seed makes two plans)');

  const services = await testServices();

  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);
  // Made up per run, the same for both apps: production refuses the development secrets.
  const common = { databaseUrl: appUrl, redisUrl: services.redisUrl, secrets: productionSecrets() };

  let api = null;
  let worker = null;
  /** Every worker process of the run (the upkeep-off phases stop it, the next upkeep-on phase starts another). */
  const workers = [];
  let db = null;
  let appDb = null;
  let rollups = null;
  let queue = null;
  let dbCreated = false;
  let keysTouched = false;
  const cleanup = async () => {
    await stopNode(worker).catch((e) => say(`stopping the worker: ${e.message}`));
    worker = null;
    await stopNode(api).catch((e) => say(`stopping the API: ${e.message}`));
    api = null;
    if (queue) await queue.close().catch(() => undefined);
    queue = null;
    for (const c of [db, appDb]) if (c) await c.end().catch(() => undefined);
    db = appDb = null;
    if (rollups) await rollups.dataSource.destroy().catch(() => undefined);
    rollups = null;
    if (keysTouched)
      await deleteKeysUnder(services.redisUrl, QUEUE_PREFIX).catch((e) =>
        say(`deleting the ${QUEUE_PREFIX} keys: ${e.message}`),
      );
    keysTouched = false;
    if (dbCreated && process.env.BENCH_KEEP_DB !== '1')
      await dropDatabase(services.migrationDatabaseUrl, DB_NAME).catch((e) => say(`dropping ${DB_NAME}: ${e.message}`));
    dbCreated = false;
    await services.release();
  };
  const finish = cleanUpOnSignal(cleanup);

  try {
    say(`creating ${DB_NAME}, migrating and seeding…`);
    await recreateDatabase(services.migrationDatabaseUrl, DB_NAME);
    dbCreated = true;
    keysTouched = true;
    benchRedisUrl = services.redisUrl;
    const stale = await deleteKeysUnder(services.redisUrl, QUEUE_PREFIX);
    if (stale > 0) say(`deleted ${stale} Redis keys a previous run left under ${QUEUE_PREFIX}`);
    const cliEnv = {
      ...process.env,
      DATABASE_URL: appUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX,
      QUEUE_BACKEND: 'redis',
      LOG_LEVEL: 'warn',
    };
    cli(['migrate'], cliEnv);
    cli(['seed'], cliEnv);

    say(
      `generating ${GENERATED_REPORTS.toLocaleString('en')} confirmed reports (${PLANS} plans × ${INITIATIVES_PER_PLAN} initiatives × ${YEARS} years) and ${SUBMITTED} submitted ones…`,
    );
    const genT0 = process.hrtime.bigint();
    const workload = await prepareWorkload(ownerUrl);

    // The rest talks to the database as the apps' role, as the worker does.
    appDb = new pg.Client({ connectionString: appUrl, application_name: 'kaikaku-bench' });
    await appDb.connect();
    db = new pg.Client({ connectionString: ownerUrl, application_name: 'kaikaku-bench-owner' });
    await db.connect();
    // CPU of this cluster's PostgreSQL only: other worktrees' clusters run the same bench database name.
    pgPostmaster = await postmasterOf(db);

    // The nightly job (RollupsService.refreshAll), which is also how the roll-up gets its first counts.
    rollups = await rollupsService(appUrl);
    let t = process.hrtime.bigint();
    const recounted = await rollups.service.refreshAll();
    const nightly = { planYears: recounted, seconds: seconds(t) };
    const pairs = await planYears(appDb);
    await db.query('ANALYZE rollup');
    const generationSeconds = seconds(genT0);
    const initialDiff = await rollupDifferences(appDb);
    if (initialDiff.length > 0)
      throw new Error(
        `the roll-up does not match a fresh count right after the recount: ${JSON.stringify(initialDiff[0])}`,
      );
    process.stdout.write(
      `\nDATA: ${workload.sizes.reports.toLocaleString('en')} progress reports (${workload.generated.reports.toLocaleString('en')} generated confirmed, ` +
        `${workload.submittedIds.length} submitted, the rest from the seed), ${workload.sizes.initiatives.toLocaleString('en')} initiatives, ${workload.sizes.plans} plans; ` +
        `progress_report ${workload.sizes.heap} + ${workload.sizes.indexes} of indexes\n` +
        `generated in ${generationSeconds.toFixed(1)} s: plans+initiatives ${workload.timings.plansAndInitiativesSeconds} s, reports ${workload.timings.reportsSeconds} s ` +
        `(insert ${workload.timings.reportsInsertSeconds} s, keys and indexes ${workload.timings.reportsConstraintsSeconds} s), ` +
        `submitted ${workload.timings.submittedSeconds} s, VACUUM ANALYZE ${workload.timings.vacuumAnalyzeSeconds} s, first recount of ${pairs.length} plan-years ${nightly.seconds} s\n`,
    );

    // ── the API, the roll-up reads ───────────────────────────────────────────
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    say(`starting the API on ${baseUrl} (pool ${POOL_SIZE})…`);
    api = startApi({ port, ...common });
    await waitApiReady(api, baseUrl);
    const token = await signIn(baseUrl);
    const baseline = await baselineKind(port, token);
    const baselineLabel =
      baseline.kind === 'ping'
        ? 'GET /system/ping (SELECT 1 behind the guard)'
        : `GET /plans/{id}/status-scale (the guard + one 2-row read; /system/ping answered ${baseline.pingStatus})`;
    say(`baseline: ${baselineLabel}`);

    // The plan-years read, drawn from the fixed PRNG: the same sequence on every run.
    const random = prng(20261125);
    const nextPlanYear = () => pairs[Math.floor(random() * pairs.length)];
    const readRows = [];
    for (const level of READ_LEVELS) {
      const { concurrency, warmup, requests } = level;
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const sides = {
        baseline: baselineRead(agent, port, token, baseline.kind),
        rollup: rollupRead(agent, port, token),
      };
      const warmups = {};
      for (const side of ['baseline', 'rollup']) {
        say(`reads c=${concurrency}: ${side} warm-up (${warmup})…`);
        const w = await closedLoop(concurrency, warmup, nextPlanYear, sides[side]);
        warmups[side] = { errors: w.errors, errorSamples: w.errorSamples, warmupErrors: 0 };
      }
      const rounds = [];
      for (let round = 0; round < READ_ROUNDS; round++) {
        const order = round % 2 === 0 ? ['baseline', 'rollup'] : ['rollup', 'baseline'];
        say(`reads c=${concurrency} round ${round + 1}/${READ_ROUNDS}: ${order.join(', ')} (${requests} each)…`);
        const measured = {};
        for (const side of order) {
          const cpu = cpuMeter({ api: api.child.pid }, null, { pgDatabase: DB_NAME, pgPostmaster });
          await cpu.begin();
          const x = await closedLoop(concurrency, requests, nextPlanYear, sides[side]);
          x.cpu = await cpu.end();
          x.cpuMsPerRequest = appCpuMsPerRequest(x);
          x.warmupErrors = 0;
          measured[side] = x;
        }
        rounds.push({ round, ...measured, ratio: measured.rollup.rate / measured.baseline.rate });
      }
      agent.destroy();
      const ratios = rounds.map((r) => r.ratio);
      const cpuMs = (side) => median(rounds.map((r) => r[side].cpuMsPerRequest));
      readRows.push({
        concurrency,
        rounds,
        ratio: median(ratios),
        spread: spreadOf(ratios),
        cpuMsPerRequest: { baseline: cpuMs('baseline'), rollup: cpuMs('rollup') },
        cpuRatio: cpuMs('baseline') / cpuMs('rollup'),
        warmups,
      });
    }
    printReadTable(readRows, baselineLabel);

    // ── the recount against a raw GROUP BY ───────────────────────────────────
    say(`recount vs raw GROUP BY (${COMPUTE_REPEATS}× each, interleaved)…`);
    const computeCases = [];
    const typical = pairs.find((p) => p.n === INITIATIVES_PER_PLAN && p.plan_id !== workload.confirmPlanId) ?? pairs[0];
    const planCode = async (id) => (await appDb.query(`SELECT code FROM plan WHERE id = $1`, [id])).rows[0].code;
    const timeCase = async (py, label) => {
      const raw = [];
      const refresh = [];
      for (let i = 0; i < COMPUTE_REPEATS; i++) {
        let s = process.hrtime.bigint();
        await rollups.dataSource.query(RAW_GROUP_BY, [py.plan_id, py.fiscal_year]);
        raw.push(Number(process.hrtime.bigint() - s) / 1e6);
        s = process.hrtime.bigint();
        await rollups.service.refreshAlone(py.plan_id, py.fiscal_year);
        refresh.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
      const explain = (
        await rollups.dataSource.query(
          `EXPLAIN (ANALYZE, BUFFERS) ${RAW_GROUP_BY.replace('$1', `'${py.plan_id}'`).replace('$2', String(py.fiscal_year))}`,
        )
      ).map((r) => r['QUERY PLAN']);
      const summary = (xs) => ({
        median: round(median(xs), 3),
        min: round(Math.min(...xs), 3),
        max: round(Math.max(...xs), 3),
      });
      const c = {
        label,
        planId: py.plan_id,
        fiscalYear: py.fiscal_year,
        reports: py.n,
        rawMs: summary(raw),
        refreshMs: summary(refresh),
        explainRaw: explain,
      };
      c.ratio = c.refreshMs.median / c.rawMs.median;
      return c;
    };
    computeCases.push(await timeCase(typical, `${await planCode(typical.plan_id)} FY${typical.fiscal_year}`));

    // ── confirmations, upkeep on and off ─────────────────────────────────────
    queue = new Queue(TRACKING_QUEUE, {
      prefix: QUEUE_PREFIX,
      connection: {
        ...redisOptions(services.redisUrl),
        maxRetriesPerRequest: 3,
        connectionName: 'kaikaku-bench:tracking',
      },
    });
    queue.on('error', () => undefined);
    const nextReport = cursor(workload.submittedIds, 'submitted reports');
    const confirmPlanCode = await planCode(workload.confirmPlanId);
    const confirmResults = [];
    const consistencyChecks = [];
    const problems = [];
    for (const [index, phase] of CONFIRM_PHASES.entries()) {
      const { concurrency, upkeep } = phase;
      if (upkeep === 'on' && !isRunning(worker)) {
        say(`starting the worker (concurrency ${WORKER_CONCURRENCY} per queue, pool ${POOL_SIZE})…`);
        worker = startWorker(common);
        workers.push(worker);
        await waitWorkerReady(worker, db, queue);
      }
      if (upkeep === 'off' && isRunning(worker)) {
        await stopNode(worker);
        await waitWorkerGone(db, queue);
      }
      const completedBefore = (await queue.getJobCounts('completed')).completed ?? 0;
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const once = confirmReport(agent, port, token);
      say(`confirm c=${concurrency}, upkeep ${upkeep} (${CONFIRM_WARMUP} warm-up + ${CONFIRMS})…`);
      const warm = await closedLoop(concurrency, CONFIRM_WARMUP, nextReport, once);
      const cpu = cpuMeter(
        upkeep === 'on' ? { api: api.child.pid, worker: worker.child.pid } : { api: api.child.pid },
        null,
        { pgDatabase: DB_NAME, pgPostmaster },
      );
      await cpu.begin();
      const measured = await closedLoop(concurrency, CONFIRMS, nextReport, once);
      measured.cpu = await cpu.end();
      agent.destroy();
      measured.warmupErrors = warm.errors;
      if (warm.errors) measured.warmupErrorSamples = warm.errorSamples;
      if (upkeep === 'on') {
        // One rollups.refresh row per confirmation, warm-up included; how many recounts ran by the last answer.
        measured.refreshJobsQueued = CONFIRM_WARMUP + CONFIRMS;
        measured.refreshJobsRanMeanwhile = ((await queue.getJobCounts('completed')).completed ?? 0) - completedBefore;
        const lastOn = !CONFIRM_PHASES.slice(index + 1).some((p) => p.upkeep === 'on');
        if (lastOn) {
          // The worker is left to catch up; then what it kept must equal a fresh count of the plan-year.
          measured.catchUpSeconds = await waitDrained(db, queue, worker, `confirm c=${concurrency}`);
          measured.refreshJobsRan = ((await queue.getJobCounts('completed')).completed ?? 0) - completedBefore;
          const diff = await rollupDifferences(appDb, workload.confirmPlanId, workload.confirmYear);
          consistencyChecks.push({
            after: `upkeep on c=${concurrency}, the worker caught up`,
            planYear: `${confirmPlanCode} FY${workload.confirmYear}`,
            differences: diff.length,
            sample: diff.slice(0, 5),
          });
          if (diff.length > 0)
            problems.push(
              `after upkeep-on c=${concurrency}: the roll-up of ${confirmPlanCode} FY${workload.confirmYear} differs from a fresh count: ${JSON.stringify(diff.slice(0, 3))}`,
            );
        } else {
          // Not waited for (it would take backlog × one recount): the worker stops (finishing
          // the jobs it holds), the rest of its backlog is dropped and the plan-year recounted
          // once, so that the next phase starts from a current roll-up and an idle queue.
          await stopNode(worker);
          await waitWorkerGone(db, queue);
          const waiting = (await queue.getJobCounts('waiting')).waiting ?? 0;
          await queue.drain(false);
          const unsent = await db.query(
            `UPDATE outbox SET sent_at = now(), last_error = 'dropped by the benchmark (backlog)' WHERE sent_at IS NULL AND job_name = 'rollups.refresh'`,
          );
          measured.backlogDropped = waiting + unsent.rowCount;
          await rollups.service.refreshAlone(workload.confirmPlanId, workload.confirmYear);
        }
        const failed = (await queue.getJobCounts('failed')).failed ?? 0;
        if (failed > 0) problems.push(`${failed} rollups.refresh jobs failed (so far)`);
      } else {
        // Upkeep off: the jobs these confirmations queued are dropped (marked sent, never run),
        // and the plan-year is recounted once, so that the next phase starts from a current roll-up.
        const dropped = await db.query(
          `UPDATE outbox SET sent_at = now(), last_error = 'dropped by the benchmark (upkeep off)' WHERE sent_at IS NULL AND job_name = 'rollups.refresh'`,
        );
        measured.outboxRowsDropped = dropped.rowCount;
        await rollups.service.refreshAlone(workload.confirmPlanId, workload.confirmYear);
      }
      confirmResults.push({ round: phase.round, concurrency, upkeep, result: measured });
    }

    const confirmLevels = [...new Set(CONFIRM_PHASES.map((p) => p.concurrency))].map((concurrency) => {
      const of = (round, upkeep) =>
        confirmResults.find((r) => r.round === round && r.concurrency === concurrency && r.upkeep === upkeep).result;
      const rounds = Array.from({ length: ROUNDS }, (_, round) => {
        const on = of(round, 'on');
        const off = of(round, 'off');
        on.cpuMsPerRequest = appCpuMsPerRequest(on);
        off.cpuMsPerRequest = appCpuMsPerRequest(off);
        return { round, on, off, cost: 1 - on.rate / off.rate };
      });
      const costs = rounds.map((r) => r.cost);
      const pooled = { on: median(rounds.map((r) => r.on.rate)), off: median(rounds.map((r) => r.off.rate)) };
      const cpuMs = {
        on: median(rounds.map((r) => r.on.cpuMsPerRequest)),
        off: median(rounds.map((r) => r.off.cpuMsPerRequest)),
      };
      return {
        concurrency,
        rounds,
        cost: median(costs),
        spread: spreadOf(costs),
        pooled,
        pooledCost: 1 - pooled.on / pooled.off,
        cpuMsPerRequest: cpuMs,
        // What the upkeep would cost the rate if CPU were all a confirmation waited for.
        cpuCost: 1 - cpuMs.off / cpuMs.on,
      };
    });

    // The recount of the plan-year the confirmations grew, now larger than the others.
    const grown = (await planYears(appDb)).find(
      (p) => p.plan_id === workload.confirmPlanId && p.fiscal_year === workload.confirmYear,
    );
    computeCases.push(await timeCase(grown, `${confirmPlanCode} FY${grown.fiscal_year} (after the confirmations)`));
    printComputeTable({ cases: computeCases, nightly });
    printConfirmTable(confirmLevels);

    // The whole roll-up against a fresh count of all one million reports.
    say('checking the whole roll-up against a fresh GROUP BY…');
    if (isRunning(worker)) await waitDrained(db, queue, worker, 'final check');
    const finalDiff = await rollupDifferences(appDb);
    consistencyChecks.push({
      after: 'all plan-years, at the end',
      differences: finalDiff.length,
      sample: finalDiff.slice(0, 5),
    });
    if (finalDiff.length > 0)
      problems.push(`at the end, the roll-up differs from a fresh count: ${JSON.stringify(finalDiff.slice(0, 3))}`);
    const confirmedNow = (
      await appDb.query(
        `SELECT count(*)::int AS n FROM progress_report WHERE plan_id = $1 AND fiscal_year = $2 AND state = 'confirmed'`,
        [workload.confirmPlanId, workload.confirmYear],
      )
    ).rows[0].n;
    const confirmedExpected = INITIATIVES_PER_PLAN + CONFIRM_PHASES.length * (CONFIRM_WARMUP + CONFIRMS);
    if (confirmedNow !== confirmedExpected)
      problems.push(
        `${confirmedNow} confirmed reports in ${confirmPlanCode} FY${workload.confirmYear}, ${confirmedExpected} expected`,
      );
    const workerLog = { warnings: 0, samples: {} };
    for (const w of workers) {
      workerLog.warnings += w.log.warnings;
      for (const [m, n] of Object.entries(w.log.samples)) workerLog.samples[m] = (workerLog.samples[m] ?? 0) + n;
    }
    if (workerLog.warnings > 0)
      problems.push(`the worker logged ${workerLog.warnings} warnings/errors: ${JSON.stringify(workerLog.samples)}`);

    // ── targets, errors, results ─────────────────────────────────────────────
    const targets = [
      ...readRows.map((r) => ({
        name: `roll-up read ≥ ${TARGETS.readRatio * 100}% of the baseline's rate at concurrency ${r.concurrency} (median of ${READ_ROUNDS} rounds)`,
        value: `${pct(r.ratio)}, ${spreadText(r.spread)}; by CPU per request ${pct(r.cpuRatio)}`,
        pass: r.ratio >= TARGETS.readRatio,
      })),
      ...confirmLevels.map((l) => ({
        name: `upkeep costs confirmations ≤ ${TARGETS.upkeepCost * 100}% of their rate at concurrency ${l.concurrency} (median of ${ROUNDS} rounds)`,
        value: `${pct(l.cost)}, ${spreadText(l.spread)}; by CPU per confirmation ${pct(l.cpuCost)}`,
        pass: l.cost <= TARGETS.upkeepCost,
      })),
    ];
    process.stdout.write('\n');
    for (const t of targets) process.stdout.write(`${t.pass ? 'PASS' : 'MISS'}  ${t.name}  (measured ${t.value})\n`);

    /** @type {Array<[string, (typeof confirmResults)[number]['result']]>} */
    const sides = [
      ...readRows.flatMap((r) => [
        [`reads c=${r.concurrency} baseline warm-up`, r.warmups.baseline],
        [`reads c=${r.concurrency} roll-up warm-up`, r.warmups.rollup],
        ...r.rounds.flatMap((x) => [
          [`reads c=${r.concurrency} round ${x.round + 1} baseline`, x.baseline],
          [`reads c=${r.concurrency} round ${x.round + 1} roll-up`, x.rollup],
        ]),
      ]),
      ...confirmResults.map((r) => [`confirm round ${r.round + 1} c=${r.concurrency} upkeep ${r.upkeep}`, r.result]),
    ];
    const errorCount = sides.reduce((s, [, x]) => s + x.errors + x.warmupErrors, 0);
    if (errorCount > 0) {
      process.stdout.write(`\nERRORS: ${errorCount} requests failed\n`);
      for (const [label, x] of sides) {
        const samples = { ...(x.errorSamples ?? {}) };
        for (const [m, n] of Object.entries(x.warmupErrorSamples ?? {})) samples[m] = (samples[m] ?? 0) + n;
        for (const [m, n] of Object.entries(samples)) process.stdout.write(`  ${label} ×${n}: ${m}\n`);
      }
    } else {
      process.stdout.write(
        '\nerrors: 0 (every roll-up answer had its plan-year’s total, every confirmation answered 200 confirmed with ETag "3")\n',
      );
    }
    if (problems.length > 0) {
      process.stdout.write(`\nCONSISTENCY PROBLEMS:\n${problems.map((p) => `  ${p}`).join('\n')}\n`);
    } else {
      process.stdout.write(
        `consistency: once the worker caught up, the roll-up matched a fresh GROUP BY for ${confirmPlanCode} FY${workload.confirmYear} and for all ${pairs.length} plan-years; ` +
          `${confirmedNow} confirmed reports in ${confirmPlanCode} FY${workload.confirmYear} as expected\n`,
      );
    }
    const totalSeconds = seconds(runT0);
    process.stdout.write(`run took ${totalSeconds.toFixed(0)} s\n`);

    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `rollups-${startedAt.toISOString().replaceAll(':', '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          bench: 'rollups',
          startedAt: startedAt.toISOString(),
          finishedAt: new Date().toISOString(),
          totalSeconds,
          code: codeState(),
          machine: {
            node: process.version,
            cpus: os.cpus().length,
            cpuModel: os.cpus()[0]?.model ?? null,
            platform: `${os.platform()} ${os.release()}`,
            postgres: workload.pgVersion,
          },
          config: {
            reports: GENERATED_REPORTS,
            plans: PLANS,
            initiativesPerPlan: INITIATIVES_PER_PLAN,
            yearsPerPlan: YEARS,
            submitted: SUBMITTED,
            poolSize: POOL_SIZE,
            workerConcurrency: WORKER_CONCURRENCY,
            readLevels: READ_LEVELS,
            confirmPhases: CONFIRM_PHASES,
            confirms: CONFIRMS,
            confirmWarmup: CONFIRM_WARMUP,
            computeRepeats: COMPUTE_REPEATS,
            confirmPlan: `${confirmPlanCode} FY${workload.confirmYear}`,
            baseline: baseline.kind,
            baselineLabel,
            apiNodeArgs: process.env.BENCH_API_NODE_ARGS ?? '',
            workerNodeArgs: process.env.BENCH_WORKER_NODE_ARGS ?? '',
          },
          data: { ...workload.sizes, generationSeconds, timings: workload.timings, nightly },
          reads: readRows.map((r) => ({ ...r, ratio: round(r.ratio, 4), cpuRatio: round(r.cpuRatio, 4) })),
          compute: computeCases.map((c) => ({ ...c, ratio: round(c.ratio, 3) })),
          confirms: {
            rounds: ROUNDS,
            phases: confirmResults,
            levels: confirmLevels.map((l) => ({
              concurrency: l.concurrency,
              costs: l.rounds.map((r) => round(r.cost, 4)),
              medianCost: round(l.cost, 4),
              spread: l.spread,
              cpuMsPerRequest: l.cpuMsPerRequest,
              cpuCost: round(l.cpuCost, 4),
              pooled: l.pooled,
            })),
          },
          consistency: consistencyChecks,
          problems,
          targets,
          errors: errorCount,
          apiWarnings: api.log,
          workerWarnings: workerLog,
        },
        null,
        2,
      )}\n`,
    );
    say(`results written to ${file}`);
    return errorCount > 0 || problems.length > 0 ? 1 : 0;
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
