#!/usr/bin/env node
// Workflow transitions through the real HTTP API, against a baseline of the same database
// work done directly with `pg`, measured in the same run and interleaved per concurrency
// level, so that the noise of a shared machine lands on both sides alike. The ratio is the
// figure that means something; the absolute rates depend on the machine.
//
//   node bench/transitions.bench.mjs        (or: npm run bench:transitions)
//
// Knobs (environment): BENCH_SKIP_BUILD=1, BENCH_POOL_SIZE (20), BENCH_SCALE (1: multiplies
// every request count, for a quick smoke run), BENCH_API_NODE_ARGS (extra node flags for the
// API process, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof"), BENCH_KEEP_DB=1.
//
// Plain Node ESM on purpose: it runs without a TypeScript loader, against the compiled dist/.

import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
  dropDatabase,
  freePort,
  intEnv,
  problemCode,
  recreateDatabase,
  round,
  say,
  signIn,
  startNode,
  stopNode,
  testServices,
  urlFor,
  percentiles,
  productionSecrets,
} from './lib/harness.mjs';

const DB_NAME = 'kaikaku_bench';
const QUEUE_PREFIX = '{bench}';
const POOL_SIZE = intEnv('BENCH_POOL_SIZE', 20);
/**
 * A second checkout with its own built dist/ (e.g. `git worktree add /tmp/old <commit>` and a
 * build there): its API runs beside this one on the same database, the two taking turns level
 * by level, so that a change is measured against the code before it in the same run.
 */
const COMPARE_ROOT = process.env.BENCH_COMPARE_ROOT || null;
const SCALE = Number(process.env.BENCH_SCALE ?? '1');
const scaled = (n) => Math.max(10, Math.round(n * SCALE));

/** Each level: a warm-up that is not counted, then the measured requests. */
const LEVELS = [
  { concurrency: 4, warmup: scaled(300), requests: scaled(3000) },
  { concurrency: 16, warmup: scaled(300), requests: scaled(4000) },
  { concurrency: 50, warmup: scaled(300), requests: scaled(5000) },
];
/** Every API request needs a proposal that has never moved; a margin keeps a retry-free run safe. */
const PROPOSALS = intEnv(
  'BENCH_PROPOSALS',
  Math.max(
    60_000,
    (process.env.BENCH_COMPARE_ROOT ? 2 : 1) * LEVELS.reduce((s, l) => s + l.warmup + l.requests, 0) + 1000,
  ),
);

const TARGETS = {
  rateRatioAtC4: 0.35,
  p99AtC50Ms: 35,
  sealingLagMs: 1000,
};

// ── set-up ───────────────────────────────────────────────────────────────────

/**
 * The workload, written straight into the database as the owner: an open inquiry and
 * PROPOSALS proposals waiting in `submitted`, exactly what the secretariat's approve acts
 * on, plus the baseline's own tables so that the real audit log is never written by it.
 */
async function prepareWorkload(ownerUrl, appRole) {
  const db = new pg.Client({ connectionString: ownerUrl });
  await db.connect();
  try {
    await db.query('BEGIN');
    const [plan] = (
      await db.query(
        `SELECT p.id, p.proposal_workflow, pp.id AS policy_id
           FROM plan p JOIN plan_policy pp ON pp.plan_id = p.id AND pp.number = 2
          WHERE p.code = 'kaikaku-2027'`,
      )
    ).rows;
    if (!plan) throw new Error('the seed did not create plan kaikaku-2027 with a policy 2');
    const latest = async (name) => {
      const { rows } = await db.query(`SELECT max(version) AS v FROM workflow_definition WHERE name = $1`, [name]);
      if (rows[0].v === null) throw new Error(`no workflow definition "${name}" stored`);
      return rows[0].v;
    };
    const inquiryVersion = await latest('inquiry');
    const proposalVersion = await latest(plan.proposal_workflow);

    const [inquiry] = (
      await db.query(
        `INSERT INTO inquiry (plan_id, title, due_date, state, workflow_name, workflow_version, opened_at)
         VALUES ($1, 'ベンチマーク照会', current_date + 30, 'open', 'inquiry', $2, now()) RETURNING id`,
        [plan.id, inquiryVersion],
      )
    ).rows;
    const targets = await db.query(
      `INSERT INTO inquiry_target (inquiry_id, org_unit_id) SELECT $1, id FROM org_unit WHERE kind IN ('bureau', 'ward')`,
      [inquiry.id],
    );
    if (targets.rowCount !== 19) say(`note: ${targets.rowCount} bureau/ward units (19 expected)`);

    // Owners spread round-robin over the bureaus and wards, as a real inquiry's answers would be.
    await db.query(
      `INSERT INTO proposal (inquiry_id, plan_id, owning_unit_id, title, summary, policy_id, expected_effect, schedule,
                             state, workflow_name, workflow_version, first_submitted_at, left_bureau_at, version)
       SELECT $1, $2, u.ids[1 + g % cardinality(u.ids)], 'ベンチ提案 ' || g, '窓口業務の見直し', $3, '待ち時間の短縮',
              '[{"fiscalYear":2024,"step":"検討"}]'::jsonb, 'submitted', $4, $5,
              now() - interval '2 days', now() - interval '1 day', 1
         FROM generate_series(1, $6::int) g,
              (SELECT array_agg(id ORDER BY code) AS ids FROM org_unit WHERE kind IN ('bureau', 'ward')) u`,
      [inquiry.id, plan.id, plan.policy_id, plan.proposal_workflow, proposalVersion, PROPOSALS],
    );

    await db.query(
      `CREATE TABLE bench_record (id uuid PRIMARY KEY DEFAULT gen_random_uuid(), version integer NOT NULL DEFAULT 1)`,
    );
    await db.query(`INSERT INTO bench_record (id) SELECT gen_random_uuid() FROM generate_series(1, $1::int)`, [
      PROPOSALS,
    ]);
    await db.query(
      `CREATE TABLE bench_audit (id bigserial PRIMARY KEY, entity_id uuid NOT NULL, at timestamptz NOT NULL DEFAULT now(), details jsonb NOT NULL)`,
    );
    const role = `"${appRole.replaceAll('"', '""')}"`;
    await db.query(`GRANT SELECT, UPDATE ON bench_record TO ${role}`);
    await db.query(`GRANT SELECT, INSERT ON bench_audit TO ${role}`);
    await db.query(`GRANT USAGE ON SEQUENCE bench_audit_id_seq TO ${role}`);
    await db.query('COMMIT');
    await db.query('ANALYZE');

    // Both sides hand out ids in uuid order: random heap pages, never the same row twice.
    const proposalIds = (
      await db.query(`SELECT id FROM proposal WHERE inquiry_id = $1 ORDER BY id`, [inquiry.id])
    ).rows.map((r) => r.id);
    const recordIds = (await db.query(`SELECT id FROM bench_record ORDER BY id`)).rows.map((r) => r.id);
    const [{ version: pgVersion }] = (await db.query(`SHOW server_version`)).rows.map((r) => ({
      version: r.server_version,
    }));
    return { proposalIds, recordIds, pgVersion, workflow: `${plan.proposal_workflow}@${proposalVersion}` };
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}

// ── the API process ──────────────────────────────────────────────────────────

function startApi({ port, databaseUrl, redisUrl, root = ROOT }) {
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(/\s+/).filter(Boolean);
  return startNode(join(root, 'dist/apps/api/src/main.js'), {
    nodeArgs,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      // The API never migrates, but a stray MIGRATION_DATABASE_URL from the shell must not point elsewhere.
      MIGRATION_DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      LOG_LEVEL: 'warn',
      LOG_PRETTY: 'false',
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      // Made up per run: production refuses the development secrets.
      ...productionSecrets(),
      // One token must outlive the whole run.
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      OPENAPI_UI: 'false',
    },
  });
}

async function waitReady(api, baseUrl, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let exitedEarly = null;
  api.exited.then((e) => (exitedEarly = e));
  while (Date.now() < until) {
    if (exitedEarly)
      throw new Error(`the API exited during start-up (${JSON.stringify(exitedEarly)}):\n${api.tail.join('\n')}`);
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the API was not ready within ${timeoutMs} ms:\n${api.tail.join('\n')}`);
}

// ── load ─────────────────────────────────────────────────────────────────────

function apiTransition(agent, port, token) {
  const body = Buffer.from(JSON.stringify({ action: 'approve' }));
  return (id) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: `/api/v1/proposals/${id}/transitions`,
          agent,
          headers: {
            authorization: `Bearer ${token}`,
            'content-type': 'application/json',
            'content-length': body.length,
            'if-match': '"1"',
          },
        },
        (res) => {
          const chunks = [];
          res.on('data', (c) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            if (res.statusCode !== 200) return reject(new Error(`HTTP ${res.statusCode} ${problemCode(text)}`));
            // Cheap check that the transition really happened, without parsing every answer.
            if (!text.includes('"state":"committee_review"') || res.headers.etag !== '"2"') {
              return reject(new Error(`HTTP 200 but not committee_review/"2": ${text.slice(0, 200)}`));
            }
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}

function baselineTransition(pool) {
  // What the API's audit entry holds for this action, so the jsonb is of a similar size.
  const details = JSON.stringify({
    version: 2,
    comment: null,
    workflow: 'reform-proposal@1',
    action: 'approve',
    from: 'submitted',
    to: 'committee_review',
  });
  return async (id) => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(`INSERT INTO bench_audit (entity_id, details) VALUES ($1, $2::jsonb)`, [id, details]);
      const updated = await client.query(`UPDATE bench_record SET version = version + 1 WHERE id = $1`, [id]);
      if (updated.rowCount !== 1) throw new Error(`bench_record ${id}: ${updated.rowCount} rows updated`);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  };
}

// ── sealing lag ──────────────────────────────────────────────────────────────

/**
 * How long the audit entries of one measured phase waited after their commit until the
 * sealer linked them into the chain (seq assigned, `sealed_at`). The commit lies between
 * the entry's own stamp (`occurred_at`, taken just before its statement) and the moment
 * the API's answer arrived here, so the lag is given from both: `sealed_at − occurred_at`
 * is an upper bound, `sealed_at − answer` a lower one (same machine, same clock).
 */
async function sealingLag(pool, answered) {
  const ids = [...answered.keys()];
  const until = Date.now() + 30_000;
  let rows = [];
  for (;;) {
    ({ rows } = await pool.query(
      `SELECT entity_id, seq, extract(epoch FROM occurred_at) * 1000 AS stamped, extract(epoch FROM sealed_at) * 1000 AS sealed
         FROM audit_log WHERE entity_type = 'proposal' AND action = 'approve' AND entity_id = ANY($1::text[])`,
      [ids],
    ));
    if (rows.length === ids.length && rows.every((r) => r.seq !== null)) break;
    if (Date.now() > until)
      throw new Error(
        `sealing: ${rows.filter((r) => r.seq === null).length} of ${ids.length} entries still unsealed after 30 s`,
      );
    await sleep(100);
  }
  const fromStamp = rows.map((r) => Number(r.sealed) - Number(r.stamped));
  const fromAnswer = rows.map((r) => Number(r.sealed) - answered.get(r.entity_id));
  const p = (values) => {
    const { p50, p99, max } = percentiles(values);
    return { p50: round(p50, 1), p99: round(p99, 1), max: round(max, 1) };
  };
  return { entries: rows.length, fromStamp: p(fromStamp), fromAnswer: p(fromAnswer) };
}

// ── report ───────────────────────────────────────────────────────────────────

/**
 * CPU milliseconds per request of one measured phase, by who spent them: the API process,
 * the PostgreSQL backends of the bench database, this process (the load generator and the
 * baseline's client). Unlike a rate, these hardly move with the other programs of a shared
 * machine, so they show what a change saved even when the rates are noisy.
 */
function perRequest(cpu, requests) {
  const ms = (seconds) => (seconds === null || seconds === undefined ? null : round((seconds * 1000) / requests, 3));
  return {
    ...cpu,
    apiMsPerRequest: ms(cpu.apiSeconds),
    postgresMsPerRequest: ms(cpu.postgresBackendsOfDatabaseSeconds),
    benchMsPerRequest: ms(cpu.benchProcessSeconds),
    machineBusyShare: cpu.machineBusyShare,
  };
}

function printTable(rows) {
  const pad = (s, n) => String(s).padStart(n);
  const out = [];
  out.push('');
  out.push(
    `${'concurrency'.padEnd(11)}  ${pad('baseline req/s', 14)} ${pad('p50', 7)} ${pad('p99', 7)}  |  ${pad('API req/s', 9)} ${pad('p50', 7)} ${pad('p99', 7)}  |  API/baseline`,
  );
  out.push('-'.repeat(97));
  for (const r of rows) {
    out.push(
      `${String(r.concurrency).padEnd(11)}  ${pad(r.baseline.rate.toFixed(1), 14)} ${pad(r.baseline.p50.toFixed(2), 7)} ${pad(r.baseline.p99.toFixed(2), 7)}  |  ` +
        `${pad(r.api.rate.toFixed(1), 9)} ${pad(r.api.p50.toFixed(2), 7)} ${pad(r.api.p99.toFixed(2), 7)}  |  ${(r.ratio * 100).toFixed(1).padStart(6)} %`,
    );
  }
  out.push('(latencies in ms; each level ran baseline then API, after an uncounted warm-up of each)');
  out.push('');
  out.push(`${'concurrency'.padEnd(11)}  audit sealing lag, ms: commit → seq assigned (between the two bounds)`);
  out.push(
    `${''.padEnd(11)}  ${pad('≤ from stamp p50', 16)} ${pad('p99', 7)} ${pad('max', 7)}  |  ${pad('≥ from answer p50', 17)} ${pad('p99', 7)} ${pad('max', 7)}`,
  );
  for (const r of rows) {
    const { fromStamp: u, fromAnswer: l } = r.sealing;
    out.push(
      `${String(r.concurrency).padEnd(11)}  ${pad(u.p50.toFixed(1), 16)} ${pad(u.p99.toFixed(1), 7)} ${pad(u.max.toFixed(1), 7)}  |  ${pad(l.p50.toFixed(1), 17)} ${pad(l.p99.toFixed(1), 7)} ${pad(l.max.toFixed(1), 7)}`,
    );
  }
  if (rows.some((r) => r.compare)) {
    out.push('');
    out.push(
      `${'concurrency'.padEnd(11)}  comparison API (BENCH_COMPARE_ROOT=${COMPARE_ROOT}), same database, taking turns with the API`,
    );
    out.push(
      `${''.padEnd(11)}  ${pad('req/s', 9)} ${pad('p50', 7)} ${pad('p99', 7)}  |  ${pad('cmp/baseline', 12)}  |  ${pad('API/cmp rate', 12)}  |  ${pad('CPU ms/req: cmp', 15)} ${pad('pg', 7)}`,
    );
    for (const r of rows) {
      const c = r.compare;
      out.push(
        `${String(r.concurrency).padEnd(11)}  ${pad(c.rate.toFixed(1), 9)} ${pad(c.p50.toFixed(2), 7)} ${pad(c.p99.toFixed(2), 7)}  |  ${pad(`${(r.compareRatio * 100).toFixed(1)} %`, 12)}  |  ${pad(`${((r.api.rate / c.rate) * 100).toFixed(1)} %`, 12)}  |  ${pad(c.cpu.apiMsPerRequest?.toFixed(3) ?? '–', 15)} ${pad(c.cpu.postgresMsPerRequest?.toFixed(3) ?? '–', 7)}`,
      );
    }
  }
  out.push('');
  out.push(`${'concurrency'.padEnd(11)}  CPU ms per request (10 ms ticks from /proc, divided by the requests)`);
  out.push(
    `${''.padEnd(11)}  ${pad('baseline: pg', 12)} ${pad('bench', 7)}  |  ${pad('API: api process', 16)} ${pad('pg', 7)} ${pad('bench', 7)}  |  machine busy (API phase)`,
  );
  const f = (x) => (x === null || x === undefined ? '–' : x.toFixed(3));
  for (const r of rows) {
    const b = r.baseline.cpu;
    const a = r.api.cpu;
    out.push(
      `${String(r.concurrency).padEnd(11)}  ${pad(f(b.postgresMsPerRequest), 12)} ${pad(f(b.benchMsPerRequest), 7)}  |  ${pad(f(a.apiMsPerRequest), 16)} ${pad(f(a.postgresMsPerRequest), 7)} ${pad(f(a.benchMsPerRequest), 7)}  |  ${a.machineBusyShare === null ? '–' : `${(a.machineBusyShare * 100).toFixed(0)} %`}`,
    );
  }
  process.stdout.write(`${out.join('\n')}\n`);
}

// ── main ─────────────────────────────────────────────────────────────────────

async function main() {
  const startedAt = new Date();
  if (process.env.BENCH_SKIP_BUILD === '1') say('BENCH_SKIP_BUILD=1: using dist/ as it is');
  else build();
  if (!existsSync(join(ROOT, 'dist/apps/api/src/main.js')))
    throw new Error('dist/apps/api/src/main.js is missing: the build did not produce it');

  const services = await testServices();

  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);
  const appRole = decodeURIComponent(new URL(services.databaseUrl).username);

  let api = null;
  let compareApi = null;
  let pool = null;
  let dbCreated = false;
  const cleanup = async () => {
    await stopNode(api).catch((e) => say(`stopping the API: ${e.message}`));
    api = null;
    await stopNode(compareApi).catch((e) => say(`stopping the comparison API: ${e.message}`));
    compareApi = null;
    if (pool) await pool.end().catch(() => undefined);
    pool = null;
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

    say(`preparing ${PROPOSALS} submitted proposals and the baseline tables…`);
    const workload = await prepareWorkload(ownerUrl, appRole);

    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    say(`starting the API on ${baseUrl} (pool ${POOL_SIZE})…`);
    api = startApi({ port, databaseUrl: appUrl, redisUrl: services.redisUrl });
    await waitReady(api, baseUrl);
    const token = await signIn(baseUrl);

    // The baseline connects as the same role and with the same pool size as the API.
    pool = new pg.Pool({ connectionString: appUrl, max: POOL_SIZE, application_name: 'kaikaku-bench-baseline' });
    pool.on('error', () => undefined);
    const pgPostmaster = await postmasterOf(pool);

    const nextProposal = cursor(workload.proposalIds, 'proposals', 'raise BENCH_PROPOSALS');
    const nextRecord = cursor(workload.recordIds, 'bench_record rows', 'raise BENCH_PROPOSALS');
    const baselineOnce = baselineTransition(pool);

    const main = { name: 'API', proc: api, port, token };
    let compare = null;
    if (COMPARE_ROOT) {
      const comparePort = await freePort();
      const compareUrl = `http://127.0.0.1:${comparePort}`;
      say(`starting the comparison API from ${COMPARE_ROOT} on ${compareUrl}…`);
      compareApi = startApi({
        port: comparePort,
        databaseUrl: appUrl,
        redisUrl: services.redisUrl,
        root: COMPARE_ROOT,
      });
      await waitReady(compareApi, compareUrl);
      compare = { name: 'comparison API', proc: compareApi, port: comparePort, token: await signIn(compareUrl) };
    }

    /** One API's phase of a level: warm-up, the measured closed loop with its CPU, the sealing lag. */
    const apiPhase = async (side, { concurrency, warmup, requests }) => {
      say(`c=${concurrency}: ${side.name} (${warmup} warm-up + ${requests})…`);
      // One keep-alive socket per caller, as a load balancer in front would hold them.
      const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
      const apiOnce = apiTransition(agent, side.port, side.token);
      const warm = await closedLoop(concurrency, warmup, nextProposal, apiOnce);
      const answered = new Map();
      const apiCpu = cpuMeter({ api: side.proc.child.pid }, null, { pgDatabase: DB_NAME, pgPostmaster });
      await apiCpu.begin();
      const measured = await closedLoop(concurrency, requests, nextProposal, async (id) => {
        await apiOnce(id);
        answered.set(id, Date.now());
      });
      measured.cpu = perRequest(await apiCpu.end(), requests);
      agent.destroy();
      measured.sealing = await sealingLag(pool, answered);
      // Warm-up errors count too: every request must have been a clean transition.
      measured.warmupErrors = warm.errors;
      if (warm.errors > 0) measured.warmupErrorSamples = warm.errorSamples;
      return measured;
    };

    const rows = [];
    for (const level of LEVELS) {
      const { concurrency, warmup, requests } = level;
      say(`c=${concurrency}: baseline (${warmup} warm-up + ${requests})…`);
      await closedLoop(concurrency, warmup, nextRecord, baselineOnce);
      const baselineCpu = cpuMeter({ api: api.child.pid }, null, { pgDatabase: DB_NAME, pgPostmaster });
      await baselineCpu.begin();
      const baseline = await closedLoop(concurrency, requests, nextRecord, baselineOnce);
      baseline.cpu = perRequest(await baselineCpu.end(), requests);

      // With a comparison API the two take turns going first, level by level.
      const apis = compare ? (rows.length % 2 === 0 ? [main, compare] : [compare, main]) : [main];
      const measuredBy = new Map();
      for (const side of apis) measuredBy.set(side, await apiPhase(side, level));
      const measured = measuredBy.get(main);
      const compared = compare ? measuredBy.get(compare) : null;
      rows.push({
        concurrency,
        baseline,
        api: measured,
        ratio: measured.rate / baseline.rate,
        sealing: measured.sealing,
        ...(compared ? { compare: compared, compareRatio: compared.rate / baseline.rate } : {}),
      });
    }

    say(
      `PostgreSQL: ${services.profile} profile, fsync=${services.durability.fsync}, synchronous_commit=${services.durability.synchronous_commit}`,
    );
    printTable(rows);
    process.stdout.write(
      `(PostgreSQL ${workload.pgVersion}, ${services.profile} profile: fsync=${services.durability.fsync}, synchronous_commit=${services.durability.synchronous_commit})\n`,
    );

    const c4 = rows.find((r) => r.concurrency === 4);
    const c50 = rows.find((r) => r.concurrency === 50);
    const targets = [
      {
        name: `API ≥ ${TARGETS.rateRatioAtC4 * 100}% of baseline rate at concurrency 4`,
        value: `${(c4.ratio * 100).toFixed(1)} %`,
        pass: c4.ratio >= TARGETS.rateRatioAtC4,
      },
      {
        name: `API p99 < ${TARGETS.p99AtC50Ms} ms at concurrency 50`,
        value: `${c50.api.p99.toFixed(2)} ms`,
        pass: c50.api.p99 < TARGETS.p99AtC50Ms,
      },
      {
        name: `audit sealing lags commits by < ${TARGETS.sealingLagMs} ms (p99, upper bound, every level)`,
        value: rows.map((r) => `c=${r.concurrency} ${r.sealing.fromStamp.p99} ms`).join(', '),
        pass: rows.every((r) => r.sealing.fromStamp.p99 < TARGETS.sealingLagMs),
      },
    ];
    process.stdout.write('\n');
    for (const t of targets) process.stdout.write(`${t.pass ? 'PASS' : 'MISS'}  ${t.name}  (measured ${t.value})\n`);

    const errorCount = rows.reduce(
      (s, r) =>
        s +
        r.api.errors +
        r.api.warmupErrors +
        r.baseline.errors +
        (r.compare ? r.compare.errors + r.compare.warmupErrors : 0),
      0,
    );
    if (errorCount > 0) {
      process.stdout.write(`\nERRORS: ${errorCount} requests failed\n`);
      for (const r of rows) {
        for (const { side, result } of [
          { side: 'API', result: r.api },
          { side: 'baseline', result: r.baseline },
          ...(r.compare ? [{ side: 'comparison API', result: r.compare }] : []),
        ]) {
          const samples = { ...(result.errorSamples ?? {}) };
          for (const [message, count] of Object.entries(result.warmupErrorSamples ?? {}))
            samples[message] = (samples[message] ?? 0) + count;
          for (const [message, count] of Object.entries(samples))
            process.stdout.write(`  c=${r.concurrency} ${side} ×${count}: ${message}\n`);
        }
      }
    } else {
      process.stdout.write('\nerrors: 0 (every API answer was 200 with state committee_review and ETag "2")\n');
    }

    const resultsDir = join(ROOT, 'bench/results');
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `transitions-${startedAt.toISOString().replaceAll(':', '-')}.json`);
    writeFileSync(
      file,
      `${JSON.stringify(
        {
          bench: 'transitions',
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
            services: services.profile,
            durability: services.durability,
            poolSize: POOL_SIZE,
            proposals: PROPOSALS,
            workflow: workload.workflow,
            levels: LEVELS,
            apiNodeArgs: process.env.BENCH_API_NODE_ARGS ?? '',
          },
          results: rows.map((r) => ({ ...r, ratio: round(r.ratio, 4) })),
          targets,
          errors: errorCount,
        },
        null,
        2,
      )}\n`,
    );
    say(`results written to ${file}`);
    return errorCount > 0 ? 1 : 0;
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
