#!/usr/bin/env node
// `npm start`: the whole system on this machine, with demo data.
// Dependencies if absent → build → local PostgreSQL and Redis (.local/dev) → migrations →
// demo data (idempotent) → API on :3000 and the worker → where to look. Ctrl-C stops the
// apps; `npm run stop` stops the services too.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { build, cli, ensureDependencies, exitOnSetupFailure, ROOT, say } from './lib/setup.mjs';
import { findChromium, startServices } from './services.mjs';

exitOnSetupFailure();
ensureDependencies();
build();
const services = await startServices('dev');

const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? services.databaseUrl,
  MIGRATION_DATABASE_URL:
    process.env.MIGRATION_DATABASE_URL ?? (process.env.DATABASE_URL ? undefined : services.migrationDatabaseUrl),
  REDIS_URL: process.env.REDIS_URL ?? services.redisUrl,
  LOG_PRETTY: process.env.LOG_PRETTY ?? 'true',
  // Prints the public site's council report as PDF (installed when missing and root, like PostgreSQL).
  CHROMIUM_PATH: process.env.CHROMIUM_PATH ?? findChromium() ?? '',
};
const port = env.PORT ?? '3000';
const workerPort = env.WORKER_HEALTH_PORT ?? '3001';

say('applying migrations…');
cli(['migrate'], env);
say('loading demo data…');
cli(['seed'], env);

const children = [];
function run(name, script) {
  const child = spawn(process.execPath, [join(ROOT, script)], { cwd: ROOT, env, stdio: 'inherit' });
  child.on('exit', (code, signal) => {
    if (!stopping) {
      say(`${name} exited (${signal ?? code}); stopping`);
      stop(1);
    }
  });
  children.push(child);
}

let stopping = false;
function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM');
  void Promise.all(
    children.map((c) => (c.exitCode === null ? new Promise((r) => c.once('exit', r)) : Promise.resolve())),
  ).then(() => {
    say('stopped the API and the worker. PostgreSQL and Redis keep running: `npm run stop` stops them.');
    process.exit(code);
  });
}
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));

run('api', 'dist/apps/api/src/main.js');
run('worker', 'dist/apps/worker/src/main.js');

async function ready(url) {
  for (let i = 0; i < 600 && !stopping; i++) {
    try {
      if ((await fetch(url)).status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

const base = `http://localhost:${port}`;
if ((await ready(`${base}/health/ready`)) && (await ready(`http://localhost:${workerPort}/health/ready`))) {
  const password = env.DEMO_PASSWORD ?? 'kaikaku-demo';
  process.stderr.write(`
  ────────────────────────────────────────────────────────────────
   Kaikaku 改革 is running, with Kumamoto City's demo data.

   Web application        ${base}/
     sign in as kenko.editor, kenko.approver, secretariat, committee,
     hq or admin — password "${password}"

   API docs (Swagger UI)  ${base}/docs
   OpenAPI document       ${base}/docs-json
   Readiness              ${base}/health/ready
   Worker readiness       http://localhost:${workerPort}/health/ready

   Sign in: POST ${base}/api/v1/auth/token
            {"username": "secretariat", "password": "${password}"}
   Demo users: admin, secretariat, committee, hq, viewer, and
   <bureau>.editor / <bureau>.approver for every bureau and ward
   (e.g. kenko.editor) — all with the password "${password}".

   With the token (Authorization: Bearer …), for instance:
     ${base}/api/v1/rollups/progress?fiscalYear=2022&by=policy
       → the previous plan's 令和4年度: 108 計画通り進捗 + 29 一部変更・遅れ = 137
     ${base}/api/v1/reports/council?fiscalYear=2022&format=xlsx
     ${base}/api/v1/indicators   (the nine 検証指標 with achievement and grade)
   Queue dashboard        ${base}/admin/queues (as admin)

   Ctrl-C stops the API and the worker; npm run stop stops the databases.
  ────────────────────────────────────────────────────────────────
`);
}
