#!/usr/bin/env node
// The public initiative list (GET /api/v1/public/plans/{plan}/years/{year}/initiatives, 50
// initiatives of the demo's previous plan) against a static file of the web application
// served by the same API process (@fastify/static, the asset closest in size to the list's
// answer), both at concurrency 16 over keep-alive connections, interleaved in rounds in one
// run. The public answer goes through everything a citizen's request does: the per-address
// limit in Redis, the instance's cache of rendered answers, ETag and Cache-Control.
// Target: the list's rate is at least 50 % of the static file's.
//
//   node bench/public.bench.mjs        (or: npm run bench:public)
//
// Knobs: PUBLIC_BENCH_REQUESTS (4000 per round), PUBLIC_BENCH_ROUNDS (3), BENCH_SKIP_BUILD=1.
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import { join } from 'node:path';
import { build } from '../scripts/lib/setup.mjs';
import {
  ROOT,
  cleanUpOnSignal,
  cli,
  closedLoop,
  dropDatabase,
  freePort,
  intEnv,
  recreateDatabase,
  round,
  say,
  startNode,
  stopNode,
  testServices,
  urlFor,
  waitApiReady,
} from './lib/harness.mjs';

const DB_NAME = 'kaikaku_bench_public';
const QUEUE_PREFIX = '{benchpublic}';
const CONCURRENCY = 16;
const REQUESTS = intEnv('PUBLIC_BENCH_REQUESTS', 4000);
const ROUNDS = intEnv('PUBLIC_BENCH_ROUNDS', 3);
const LIST = '/api/v1/public/plans/kaikaku-stage3/years/2022/initiatives?page=1';

const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
function get(base, path) {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}${path}`, { agent }, (res) => {
      let bytes = 0;
      res.on('data', (c) => (bytes += c.length));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve({ bytes, headers: res.headers })
          : reject(new Error(`${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
  });
}

async function main() {
  if (process.env.BENCH_SKIP_BUILD === '1') say('BENCH_SKIP_BUILD=1: using dist/ as it is');
  else build();
  const services = await testServices();
  const ownerUrl = urlFor(services.migrationDatabaseUrl, DB_NAME);
  const appUrl = urlFor(services.databaseUrl, DB_NAME);
  let api = null;
  let created = false;
  const cleanup = async () => {
    await stopNode(api).catch((e) => say(`stopping the API: ${e.message}`));
    api = null;
    agent.destroy();
    if (created && process.env.BENCH_KEEP_DB !== '1')
      await dropDatabase(services.migrationDatabaseUrl, DB_NAME).catch((e) => say(`dropping ${DB_NAME}: ${e.message}`));
    created = false;
    await services.release();
  };
  const finish = cleanUpOnSignal(cleanup);
  try {
    say(`creating ${DB_NAME}, migrating and loading the demo data…`);
    await recreateDatabase(services.migrationDatabaseUrl, DB_NAME);
    created = true;
    const env = {
      ...process.env,
      DATABASE_URL: appUrl,
      MIGRATION_DATABASE_URL: ownerUrl,
      REDIS_URL: services.redisUrl,
      QUEUE_PREFIX,
      QUEUE_BACKEND: 'redis',
      LOG_LEVEL: 'warn',
    };
    cli(['migrate'], env);
    cli(['seed'], env);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api = startNode(join(ROOT, 'dist/apps/api/src/main.js'), {
      env: {
        ...env,
        // development: production asks for a signing key of its own, which this read-only run never uses.
        NODE_ENV: 'development',
        HOST: '127.0.0.1',
        PORT: String(port),
        MIGRATION_DATABASE_URL: appUrl,
        JWT_SECRET: `bench-public-${Date.now()}`.padEnd(40, 'x'),
        OPENAPI_UI: 'false',
        QUEUE_DASHBOARD: 'false',
        LOG_PRETTY: 'false',
        // The benchmark is one address; the limit is measured, not hit.
        PUBLIC_RATE_LIMIT_PER_MINUTE: '100000000',
      },
    });
    await waitApiReady(api, base);
    const listAnswer = await get(base, LIST);
    if (!listAnswer.headers.etag || !/public, max-age=/.test(String(listAnswer.headers['cache-control'])))
      throw new Error('the public list has no ETag or Cache-Control');
    const assets = join(ROOT, 'dist/web/assets');
    const candidates = readdirSync(assets).map((f) => ({ f, size: statSync(join(assets, f)).size }));
    const asset = candidates.sort(
      (a, b) => Math.abs(a.size - listAnswer.bytes) - Math.abs(b.size - listAnswer.bytes),
    )[0];
    const STATIC = `/assets/${asset.f}`;
    await get(base, STATIC);
    say(
      `public list: ${listAnswer.bytes} bytes; static file ${STATIC}: ${asset.size} bytes; concurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${REQUESTS} requests each`,
    );

    const warm = Math.max(200, REQUESTS / 10);
    await closedLoop(
      CONCURRENCY,
      warm,
      () => null,
      () => get(base, STATIC),
    );
    await closedLoop(
      CONCURRENCY,
      warm,
      () => null,
      () => get(base, LIST),
    );
    const rounds = [];
    for (let r = 0; r < ROUNDS; r++) {
      const staticRun = await closedLoop(
        CONCURRENCY,
        REQUESTS,
        () => null,
        () => get(base, STATIC),
      );
      const listRun = await closedLoop(
        CONCURRENCY,
        REQUESTS,
        () => null,
        () => get(base, LIST),
      );
      rounds.push({ static: staticRun, list: listRun, ratio: round(listRun.rate / staticRun.rate, 3) });
      say(
        `round ${r + 1}: static ${staticRun.rate}/s (p99 ${staticRun.p99} ms), public list ${listRun.rate}/s (p99 ${listRun.p99} ms): ratio ${round(listRun.rate / staticRun.rate, 3)}`,
      );
      if (staticRun.errors || listRun.errors)
        throw new Error(`errors: ${JSON.stringify({ ...staticRun.errorSamples, ...listRun.errorSamples })}`);
    }
    const sum = (k) => rounds.reduce((n, x) => n + x[k].rate, 0) / rounds.length;
    const ratio = round(sum('list') / sum('static'), 3);
    const pass = ratio >= 0.5;
    say(
      `public initiative list / static file at concurrency ${CONCURRENCY}: ${ratio} (target ≥ 0.5) ${pass ? 'PASS' : 'FAIL'}`,
    );
    mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
    const file = join(ROOT, 'bench/results', `public-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
    writeFileSync(
      file,
      JSON.stringify(
        {
          at: new Date().toISOString(),
          machine: { cpus: os.cpus().length, load: os.loadavg() },
          list: LIST,
          listBytes: listAnswer.bytes,
          static: STATIC,
          staticBytes: asset.size,
          concurrency: CONCURRENCY,
          rounds,
          ratio,
          pass,
        },
        null,
        2,
      ),
    );
    say(`results: ${file}`);
    await finish();
    process.exitCode = pass ? 0 : 1;
  } catch (error) {
    say(error instanceof Error ? (error.stack ?? error.message) : String(error));
    await finish();
    process.exitCode = 1;
  }
}

await main();
