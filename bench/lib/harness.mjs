// Set-up and measuring helpers for the benchmarks that spawn the compiled apps: a scratch
// database migrated and seeded with the real CLI, child processes whose output is kept for
// a failure report, Redis keys under one prefix, CPU accounting, percentiles.
//
// Plain Node ESM, like the benchmarks: no TypeScript loader, only the repository's own
// dependencies. Every benchmark takes these from here.

import { execFileSync, fork, spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import pg from 'pg';
import { ROOT } from '../../scripts/lib/setup.mjs';
import { servicesStatus, startServices, stopServices } from '../../scripts/services.mjs';

export { ROOT };

/** Progress goes to stderr, so that stdout holds only the report. */
export function say(message) {
  process.stderr.write(`\x1b[35m[bench]\x1b[0m ${message}\n`);
}

export function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number.parseInt(raw, 10);
  if (!Number.isInteger(n) || n <= 0 || String(n) !== raw.trim()) throw new Error(`${name} must be a positive integer`);
  return n;
}

export function numberEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number`);
  return n;
}

/**
 * The secrets production refuses to start without, made up per run: a 40-character
 * JWT_SECRET and an Ed25519 AUDIT_SIGNING_KEY (PKCS#8 PEM) for the audit checkpoints.
 */
export function productionSecrets() {
  const { privateKey } = generateKeyPairSync('ed25519');
  return {
    JWT_SECRET: `bench-${Date.now().toString(36)}-`.padEnd(40, 'x').slice(0, 40),
    AUDIT_SIGNING_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  };
}

export function urlFor(base, database) {
  const u = new URL(base);
  u.pathname = `/${database}`;
  return u.toString();
}

/** The compiled admin CLI, its stdout sent to our stderr. */
export function cli(args, env) {
  execFileSync(process.execPath, [join(ROOT, 'dist/apps/cli/src/main.js'), ...args], {
    cwd: ROOT,
    env,
    stdio: ['ignore', 2, 'inherit'],
  });
}

// ── the services and the run's clean-up ──────────────────────────────────────

/**
 * The profile a bench runs on: `test` (fsync=off, synchronous_commit=off: the default) or,
 * with BENCH_SERVICES=dev, the `dev` profile's cluster, which runs with fsync=on and
 * synchronous_commit=on as production does. Each has its own ports and data folder.
 */
export function benchProfile() {
  const profile = process.env.BENCH_SERVICES || 'test';
  if (profile !== 'test' && profile !== 'dev') throw new Error(`BENCH_SERVICES must be test or dev, not "${profile}"`);
  return profile;
}

/**
 * The bench profile's PostgreSQL and Redis (see benchProfile), started if they are not
 * running; `release()` stops them only when this run started both (someone else's may be in use).
 */
export async function testServices() {
  const profile = benchProfile();
  const before = await servicesStatus(profile);
  const services = await startServices(profile);
  const ours = !before.postgres && !before.redis;
  const durability = await withClient(services.migrationDatabaseUrl, async (db) => {
    const { rows } = await db.query(
      `SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS synchronous_commit`,
    );
    return rows[0];
  });
  return {
    ...services,
    profile,
    durability,
    release: async () => {
      if (ours) await stopServices(profile).catch((e) => say(`stopping the ${profile} services: ${e.message}`));
    },
  };
}

/**
 * Makes `cleanup` run at most once, whoever asks first: Ctrl-C or SIGTERM (then the process
 * exits with 130 when it is done), or the run's own end. Answers the function to call at
 * that end; it waits for a clean-up a signal already started, so the run never exits halfway.
 */
export function cleanUpOnSignal(cleanup) {
  let running = null;
  const once = () => (running ??= cleanup());
  const onSignal = (signal) => {
    if (running) return;
    say(`${signal}: cleaning up…`);
    once().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return once;
}

// ── a scratch database ───────────────────────────────────────────────────────

/** `ownerUrl` points at any database of the cluster (not `name`): the owner creates and drops. */
export async function recreateDatabase(ownerUrl, name) {
  // A run killed halfway leaves the database behind; start from scratch anyway.
  await dropDatabase(ownerUrl, name);
  await withClient(ownerUrl, (c) => c.query(`CREATE DATABASE ${name}`));
}

export async function dropDatabase(ownerUrl, name) {
  await withClient(ownerUrl, async (admin) => {
    // Backends of a process that just exited linger for a moment, and FORCE may not end the
    // apps' role's backends (the owner is not a member of it): wait for them first.
    const until = Date.now() + 15_000;
    while (Date.now() < until) {
      const { rows } = await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [name]);
      if (rows[0].n === 0) break;
      await sleep(100);
    }
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });
}

export async function withClient(url, work) {
  const client = new pg.Client({ connectionString: url, application_name: 'kaikaku-bench' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

// ── child processes ──────────────────────────────────────────────────────────

/**
 * A Node child process whose last output lines are kept (the pipes must be drained anyway,
 * or the child blocks on a full pipe). `ipc` forks it with a message channel.
 */
export function startNode(script, { args = [], nodeArgs = [], env, ipc = false, keepLines = 40, onLine } = {}) {
  const options = { cwd: ROOT, env, stdio: ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'] };
  const child = ipc
    ? fork(script, args, { ...options, execArgv: nodeArgs })
    : spawn(process.execPath, [...nodeArgs, script, ...args], options);
  const tail = [];
  const keep = (chunk) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      onLine?.(line);
      tail.push(line);
    }
    if (tail.length > keepLines) tail.splice(0, tail.length - keepLines);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, tail, exited };
}

export function isRunning(proc) {
  return Boolean(proc) && proc.child.exitCode === null && proc.child.signalCode === null;
}

/** Waits until a started API answers 200 on /health/ready; fails at once when it exits, or after `timeoutMs`. */
export async function waitApiReady(api, baseUrl, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!isRunning(api)) throw new Error(`the API exited during start-up:\n${api.tail.join('\n')}`);
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

/** SIGTERM first (a graceful exit lets --cpu-prof write its profile), SIGKILL after `graceMs`. */
export async function stopNode(proc, graceMs = 25_000) {
  if (!isRunning(proc)) return;
  proc.child.kill('SIGTERM');
  const done = await Promise.race([proc.exited, sleep(graceMs).then(() => null)]);
  if (!done) {
    proc.child.kill('SIGKILL');
    await proc.exited;
  }
}

// ── Redis ────────────────────────────────────────────────────────────────────

/** ioredis options from a redis:// URL (what the apps' redisOptionsFromUrl does). */
export function redisOptions(url) {
  const u = new URL(url);
  const db = u.pathname.length > 1 ? Number.parseInt(u.pathname.slice(1), 10) : 0;
  return {
    host: u.hostname,
    port: u.port ? Number.parseInt(u.port, 10) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
    db: Number.isInteger(db) ? db : 0,
  };
}

/**
 * Deletes every key under `prefix` (BullMQ names them `<prefix>:<queue>:…`), with SCAN and
 * UNLINK: the Redis is shared with other work, so never FLUSHALL, and never one big KEYS.
 * Answers how many keys went.
 */
export async function deleteKeysUnder(redisUrl, prefix) {
  if (!/^\{[A-Za-z0-9_.:-]+\}$/.test(prefix))
    throw new Error(`refusing to delete keys under "${prefix}": not a hash-tag prefix`);
  const redis = new Redis({ ...redisOptions(redisUrl), lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  let deleted = 0;
  try {
    // The braces are literal in a SCAN pattern; only * ? [ ] \ are special, and the prefix has none.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 2000);
      cursor = next;
      if (keys.length > 0) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** Redis's own CPU seconds (user + system) so far, from INFO. */
export async function redisCpuSeconds(redis) {
  const info = await redis.info('cpu');
  const field = (name) => Number(new RegExp(`^${name}:([0-9.]+)`, 'm').exec(info)?.[1]);
  return field('used_cpu_user') + field('used_cpu_sys');
}

// ── CPU accounting (Linux /proc) ─────────────────────────────────────────────

const TICKS = 100; // USER_HZ: 100 on every Linux this runs on

/** The parent of a process (a PostgreSQL backend's is its cluster's postmaster), or null. */
export function parentPid(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return null;
  }
}

/**
 * The postmaster of the cluster a `pg` pool or client is connected to, or null (not Linux):
 * to count that cluster's processes only. Every engineer's cluster on a shared machine runs
 * the same benchmarks, with backends of a database of the same name.
 */
export async function postmasterOf(db) {
  const { rows } = await db.query('SELECT pg_backend_pid() AS pid');
  return parentPid(rows[0].pid);
}

/** CPU seconds (user + system) a process has used so far, or null when it is gone or not Linux. */
export function processCpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces and parentheses: count fields after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS;
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far, and the process title, of every process whose command name is `comm`
 * (e.g. `postgres`: the postmaster, its background processes and one backend per connection), by pid.
 */
export function cpuSecondsByComm(comm) {
  const out = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== comm) continue;
    } catch {
      continue; // gone meanwhile
    }
    const seconds = processCpuSeconds(entry);
    let title = '';
    try {
      // A PostgreSQL backend's title: "postgres: <user> <database> <client> <state>".
      title = readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim();
    } catch {
      // gone meanwhile: its title does not matter
    }
    if (seconds !== null) out.set(entry, { seconds, title, parent: parentPid(entry) });
  }
  return out;
}

/** The whole machine's busy and total CPU seconds so far (all cores), or null when not Linux. */
export function machineCpuSeconds() {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    // user nice system idle iowait irq softirq steal (guest time is already inside user and nice)
    const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const total = v.reduce((s, x) => s + (x || 0), 0);
    const idle = v[3] + (v[4] || 0);
    // Interrupt work (loopback TCP is mostly softirq) and steal (the hypervisor ran someone
    // else) belong to no process: shown apart so that they are not taken for another program.
    return {
      busy: (total - idle) / TICKS,
      total: total / TICKS,
      interrupts: ((v[5] || 0) + (v[6] || 0)) / TICKS,
      steal: (v[7] || 0) / TICKS,
    };
  } catch {
    return null;
  }
}

/**
 * CPU used over an interval, split by who used it: the named processes (by pid), Redis
 * (from INFO), PostgreSQL (all its processes, or with `pgPostmaster` those of that one cluster;
 * a backend that ended meanwhile is missed),
 * this process, interrupts and steal, and the rest of the machine (other programs: on a
 * shared machine, the noise to look at when two runs disagree).
 */
export function cpuMeter(pids, redis, { pgDatabase, pgPostmaster } = {}) {
  const start = async () => ({
    at: process.hrtime.bigint(),
    own: process.cpuUsage(),
    machine: machineCpuSeconds(),
    procs: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, processCpuSeconds(pid)])),
    postgres: cpuSecondsByComm('postgres'),
    redis: redis ? await redisCpuSeconds(redis).catch(() => null) : null,
  });
  return {
    async begin() {
      this.s = await start();
    },
    async end() {
      const e = await start();
      const s = this.s;
      const wall = Number(e.at - s.at) / 1e9;
      const diff = (a, b) => (a === null || b === null || a === undefined || b === undefined ? null : round(b - a, 2));
      const procs = Object.fromEntries(Object.keys(pids).map((name) => [name, diff(s.procs[name], e.procs[name])]));
      const own = round((e.own.user - s.own.user + e.own.system - s.own.system) / 1e6, 2);
      const redisCpu = diff(s.redis, e.redis);
      let postgres = 0;
      let ownBackends = 0;
      for (const [pid, { seconds, title, parent }] of e.postgres) {
        // Another cluster's processes (`pgPostmaster`: this one's) are the rest of the machine.
        if (pgPostmaster && Number(pid) !== pgPostmaster && parent !== pgPostmaster) continue;
        const used = seconds - (s.postgres.get(pid)?.seconds ?? 0);
        postgres += used;
        // Backends connected to the benchmark's database, as opposed to background work
        // (walwriter, autovacuum, checkpointer) and other databases of the machine.
        if (pgDatabase && title.split(' ').includes(pgDatabase)) ownBackends += used;
      }
      postgres = round(postgres, 2);
      const busy = s.machine && e.machine ? round(e.machine.busy - s.machine.busy, 2) : null;
      const capacity = s.machine && e.machine ? round(e.machine.total - s.machine.total, 2) : null;
      const interrupts = s.machine && e.machine ? round(e.machine.interrupts - s.machine.interrupts, 2) : null;
      const steal = s.machine && e.machine ? round(e.machine.steal - s.machine.steal, 2) : null;
      const known =
        Object.values(procs).reduce((sum, x) => sum + (x ?? 0), 0) +
        own +
        (redisCpu ?? 0) +
        postgres +
        (interrupts ?? 0) +
        (steal ?? 0);
      return {
        wallSeconds: round(wall, 2),
        machineBusySeconds: busy,
        machineCapacitySeconds: capacity,
        machineBusyShare: busy !== null && capacity ? round(busy / capacity, 3) : null,
        ...Object.fromEntries(Object.entries(procs).map(([name, x]) => [`${name}Seconds`, x])),
        redisSeconds: redisCpu,
        postgresSeconds: postgres,
        ...(pgDatabase ? { postgresBackendsOfDatabaseSeconds: round(ownBackends, 2) } : {}),
        benchProcessSeconds: own,
        interruptSeconds: interrupts,
        stealSeconds: steal,
        restOfMachineSeconds: busy === null ? null : round(busy - known, 2),
      };
    },
  };
}

// ── statistics ───────────────────────────────────────────────────────────────

export const round = (x, digits) => Math.round(x * 10 ** digits) / 10 ** digits;

/** p50/p90/p99/max of a list of numbers, nearest rank (the smallest value with ≥ p of the samples at or below it). */
export function percentiles(values) {
  const sorted = Float64Array.from(values).sort();
  if (sorted.length === 0) return { n: 0, p50: null, p90: null, p99: null, max: null, min: null };
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  return {
    n: sorted.length,
    min: round(sorted[0], 1),
    p50: round(pct(0.5), 1),
    p90: round(pct(0.9), 1),
    p99: round(pct(0.99), 1),
    max: round(sorted[sorted.length - 1], 1),
  };
}

// ── load ─────────────────────────────────────────────────────────────────────

/** A free loopback port for an app to listen on. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** A bearer token for the demo secretariat. */
export async function signIn(baseUrl) {
  const res = await fetch(`${baseUrl}/api/v1/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'secretariat', password: process.env.DEMO_PASSWORD || 'kaikaku-demo' }),
  });
  const body = await res.json().catch(() => null);
  if (res.status !== 200 || !body?.access_token)
    throw new Error(`sign-in as secretariat failed: ${res.status} ${JSON.stringify(body)}`);
  return body.access_token;
}

/** A problem+json answer in one line, for an error sample. */
export function problemCode(text) {
  try {
    const p = JSON.parse(text);
    return `${p.code ?? p.title ?? ''}: ${p.detail ?? ''}`.slice(0, 200);
  } catch {
    return text.slice(0, 200);
  }
}

/** Hands out each id once; running out stops the run (`hint` says which knob to raise). */
export function cursor(ids, what, hint = '') {
  let next = 0;
  return () => {
    if (next >= ids.length) throw new Error(`ran out of fresh ${what} (${ids.length})${hint ? `; ${hint}` : ''}`);
    return ids[next++];
  };
}

/**
 * A closed loop: `concurrency` callers, each starting its next request as soon as the
 * previous one answered, until `total` requests are done. Latency is per request, from the
 * call until `once` resolves (an HTTP answer's last byte, a COMMIT).
 */
export /**
 * A closed loop: `concurrency` callers, each starting its next request as soon as the
 * previous one answered, until `total` requests are done. Latency is per request, from
 * the call to the last byte of the answer (for the API) or the COMMIT (for the baseline).
 */
async function closedLoop(concurrency, total, takeNext, once) {
  const latencies = new Float64Array(total);
  const errors = [];
  let started = 0;
  const t0 = process.hrtime.bigint();
  const caller = async () => {
    while (started < total) {
      const i = started++;
      const item = takeNext();
      const s = process.hrtime.bigint();
      try {
        await once(item);
      } catch (error) {
        errors.push(error instanceof Error ? error.message : String(error));
      }
      latencies[i] = Number(process.hrtime.bigint() - s) / 1e6;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, caller));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  return summarise(latencies, seconds, errors);
}

export function summarise(latencies, seconds, errors) {
  const sorted = Float64Array.from(latencies).sort();
  // Nearest rank: the smallest value with at least p of the samples at or below it.
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
  const distinct = {};
  // Ids make every message unique; without them, alike failures group into one line.
  const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
  for (const e of errors) {
    const key = e.replace(UUID, '<id>');
    distinct[key] = (distinct[key] ?? 0) + 1;
  }
  return {
    requests: latencies.length,
    seconds: round(seconds, 3),
    rate: round(latencies.length / seconds, 1),
    p50: round(pct(0.5), 2),
    p90: round(pct(0.9), 2),
    p99: round(pct(0.99), 2),
    max: round(sorted[sorted.length - 1], 2),
    errors: errors.length,
    errorSamples: distinct,
  };
}
