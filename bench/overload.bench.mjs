#!/usr/bin/env node
// Ten times more callers than one API instance admits, each sending its next signed-in
// GET /system/ping as soon as the last is answered, while a prober asks /health and
// /health/ready every 50 ms. Run twice in one go against one database: the baseline is the
// behaviour before load shedding (no concurrency limit, the old 5 s pool acquire timeout),
// then the current settings. Figures: p99 of the refused requests and of the probes. A
// refused caller waits its Retry-After before it calls again, as a client should.
//
//   node bench/overload.bench.mjs        (or: npm run bench:overload)
//
// Knobs (environment): BENCH_SKIP_BUILD=1, BENCH_SECONDS (10 per phase), BENCH_LIMIT (10:
// HTTP_MAX_CONCURRENCY; the callers are 10 ×), BENCH_POOL_SIZE (3).

import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { build } from '../scripts/lib/setup.mjs';
import {
  ROOT,
  cleanUpOnSignal,
  cli,
  dropDatabase,
  freePort,
  intEnv,
  percentiles,
  recreateDatabase,
  say,
  signIn,
  startNode,
  stopNode,
  testServices,
  urlFor,
  productionSecrets,
} from './lib/harness.mjs';

const DB_NAME = 'kaikaku_bench_overload';
const QUEUE_PREFIX = '{bench-overload}';
const SECONDS = intEnv('BENCH_SECONDS', 10);
const LIMIT = intEnv('BENCH_LIMIT', 10);
const POOL_SIZE = intEnv('BENCH_POOL_SIZE', 3);
const CALLERS = LIMIT * 10;

function startApi(port, databaseUrl, redisUrl, settings) {
  return startNode(join(ROOT, 'dist/apps/api/src/main.js'), {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      MIGRATION_DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX,
      LOG_LEVEL: 'error',
      LOG_PRETTY: 'false',
      DATABASE_POOL_SIZE: String(POOL_SIZE),
      // Made up per run: production refuses the development secrets.
      ...productionSecrets(),
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      OPENAPI_UI: 'false',
      ...settings,
    },
  });
}

async function waitReady(api, baseUrl) {
  for (let i = 0; i < 300; i++) {
    try {
      const res = await fetch(`${baseUrl}/health/ready`);
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`the API was not ready:\n${api.tail.join('\n')}`);
}

/** One phase: callers in a closed loop, a prober beside them; latencies by outcome. */
async function phase(name, baseUrl, token) {
  const refused = [];
  const served = [];
  const codes = {};
  const live = [];
  const ready = [];
  const readyStatus = {};
  const until = Date.now() + SECONDS * 1000;
  const caller = async () => {
    while (Date.now() < until) {
      const t = performance.now();
      try {
        const res = await fetch(`${baseUrl}/api/v1/system/ping`, { headers: { authorization: `Bearer ${token}` } });
        const text = await res.text();
        const ms = performance.now() - t;
        if (res.status === 200) served.push(ms);
        else {
          refused.push(ms);
          const code = `${res.status} ${/problem\+json/.test(res.headers.get('content-type') ?? '') ? JSON.parse(text).code : 'not problem+json'}`;
          codes[code] = (codes[code] ?? 0) + 1;
          // A well-behaved client comes back when told (a tight retry loop would measure itself).
          await sleep(1000 * (Number(res.headers.get('retry-after')) || 1));
        }
      } catch (error) {
        codes[error.cause?.code ?? error.message] = (codes[error.cause?.code ?? error.message] ?? 0) + 1;
      }
    }
  };
  const prober = async () => {
    while (Date.now() < until) {
      let t = performance.now();
      await (await fetch(`${baseUrl}/health`)).arrayBuffer();
      live.push(performance.now() - t);
      t = performance.now();
      const res = await fetch(`${baseUrl}/health/ready`);
      await res.arrayBuffer();
      ready.push(performance.now() - t);
      readyStatus[res.status] = (readyStatus[res.status] ?? 0) + 1;
      await sleep(50);
    }
  };
  await Promise.all([...Array.from({ length: CALLERS }, caller), prober()]);
  return {
    name,
    served: percentiles(served),
    refused: percentiles(refused),
    codes,
    live: percentiles(live),
    ready: percentiles(ready),
    readyStatus,
  };
}

async function main() {
  if (process.env.BENCH_SKIP_BUILD !== '1') build();
  const services = await testServices();
  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);
  let api = null;
  const finish = cleanUpOnSignal(async () => {
    await stopNode(api);
    await dropDatabase(services.migrationDatabaseUrl, DB_NAME).catch(() => undefined);
    await services.release();
  });
  try {
    say(`creating ${DB_NAME}, migrating and seeding…`);
    await recreateDatabase(services.migrationDatabaseUrl, DB_NAME);
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
    const results = [];
    /** @type {Array<[string, Record<string, string>]>} */
    const settings = [
      ['baseline: no limit, 5 s acquire timeout', { HTTP_MAX_CONCURRENCY: '0', DATABASE_ACQUIRE_TIMEOUT_MS: '5000' }],
      [
        `shedding: limit ${LIMIT}, 800 ms acquire timeout`,
        { HTTP_MAX_CONCURRENCY: String(LIMIT), DATABASE_ACQUIRE_TIMEOUT_MS: '800' },
      ],
    ];
    for (const [name, env] of settings) {
      const port = await freePort();
      const baseUrl = `http://127.0.0.1:${port}`;
      api = startApi(port, appUrl, services.redisUrl, env);
      await waitReady(api, baseUrl);
      const token = await signIn(baseUrl);
      say(`${name}: ${CALLERS} callers for ${SECONDS} s…`);
      results.push(await phase(name, baseUrl, token));
      await stopNode(api);
      api = null;
    }
    const [base, now] = results;
    const ratio = (a, b) => (a && b ? Math.round((a / b) * 10) / 10 : null);
    process.stdout.write(
      JSON.stringify(
        {
          machine: { callers: CALLERS, limit: LIMIT, poolSize: POOL_SIZE, secondsPerPhase: SECONDS },
          phases: results,
          summary: {
            refusedP99Ms: {
              baseline: base.refused.p99,
              now: now.refused.p99,
              baselineOverNow: ratio(base.refused.p99, now.refused.p99),
            },
            healthP99Ms: { baseline: base.live.p99, now: now.live.p99 },
            readyP99Ms: { baseline: base.ready.p99, now: now.ready.p99 },
            ready503: { baseline: base.readyStatus[503] ?? 0, now: now.readyStatus[503] ?? 0 },
          },
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    await finish();
  }
}

main().catch((error) => {
  say(`failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
