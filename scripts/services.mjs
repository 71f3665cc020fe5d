#!/usr/bin/env node
// Local PostgreSQL and Redis for development and tests, without Docker.
//
// Plain Node with no dependencies: it runs before `npm install` on a fresh clone.
// Each profile (dev, test) has its own loopback ports and its own data folder under
// .local/<profile>/ (git-ignored). Starting is idempotent: a server that already runs
// from that folder is reused. `stop` stops what this script started, by pid.
//
//   node scripts/services.mjs start|stop|status [dev|test]

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, chownSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/**
 * KAIKAKU_PORT_OFFSET moves every profile's ports (e.g. 100: 55532/56479 and 55533/56480), so
 * several clones on one machine (worktrees, a CI run beside a developer) each get their own servers.
 */
const PORT_OFFSET = Number.parseInt(process.env.KAIKAKU_PORT_OFFSET ?? '0', 10) || 0;

export const PROFILES = {
  dev: { pgPort: 55432 + PORT_OFFSET, redisPort: 56379 + PORT_OFFSET },
  test: { pgPort: 55433 + PORT_OFFSET, redisPort: 56380 + PORT_OFFSET },
};

/**
 * Two roles in every local cluster: the owner, who runs migrations, and the role the apps
 * connect as, which may not rewrite history (no UPDATE or DELETE on the audit log).
 */
export const DB = {
  user: 'kaikaku',
  password: 'kaikaku',
  database: 'kaikaku',
  appUser: 'kaikaku_app',
  appPassword: 'kaikaku_app',
};

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

function log(message) {
  process.stderr.write(`[services] ${message}\n`);
}

function run(cmd, args, opts = {}) {
  const result = spawnSync(cmd, args, { encoding: 'utf8', ...opts });
  if (result.error) throw result.error;
  return result;
}

function which(name) {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

function aptInstall(packages) {
  if (!isRoot) {
    throw new Error(
      `${packages.join(', ')} not found and not running as root: install them (Debian: apt-get install -y ${packages.join(' ')})`,
    );
  }
  log(`installing ${packages.join(', ')} from Debian…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
}

/**
 * The independent readers the tests check our files with: Python's icalendar (Debian's
 * python3-icalendar, for the system /usr/bin/python3 — a `python3` on PATH may be a pyenv shim).
 */
export function ensureFileReaders() {
  const python = '/usr/bin/python3';
  const has = () => existsSync(python) && run(python, ['-c', 'import icalendar']).status === 0;
  if (!has()) aptInstall(['python3-icalendar']);
  // pdftotext and pdffonts (poppler-utils): the public site's PDF council report is read back with them.
  if (!which('pdftotext') && !existsSync('/usr/bin/pdftotext')) aptInstall(['poppler-utils']);
}

/** The folder holding initdb/pg_ctl: the newest /usr/lib/postgresql/<v>/bin, else PATH. */
export function findPostgresBin({ install = true } = {}) {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base)
      .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length > 0) return join(base, versions[0], 'bin');
  }
  const pgCtl = which('pg_ctl');
  if (pgCtl) return dirname(pgCtl);
  if (!install) return null;
  aptInstall(['postgresql']);
  return findPostgresBin({ install: false });
}

export function findRedisServer({ install = true } = {}) {
  const found = which('redis-server') ?? (existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
  if (found || !install) return found;
  aptInstall(['redis-server']);
  return findRedisServer({ install: false });
}

/**
 * OpenLDAP's slapd from Debian, for the directory sign-in tests (which start their own on a
 * loopback port; nothing else uses it). Installed when missing and root, like PostgreSQL.
 */
export function findSlapd({ install = isRoot } = {}) {
  const found = which('slapd') ?? (existsSync('/usr/sbin/slapd') ? '/usr/sbin/slapd' : null);
  if (found || !install) return found;
  aptInstall(['slapd']);
  return findSlapd({ install: false });
}

/** Where the Japanese font of the browser tests' screenshots lives once fonts-noto-cjk is installed. */
const CJK_FONT = '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc';

/**
 * Debian's Chromium for the browser tests (driven by playwright-core, which downloads
 * nothing), with the CJK fonts its screenshots of Japanese pages need. Installed when
 * missing and root, like PostgreSQL and Redis; otherwise null.
 */
export function findChromium({ install = isRoot } = {}) {
  const found = which('chromium') ?? (existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null);
  if ((found && existsSync(CJK_FONT)) || !install) return found;
  aptInstall(found ? ['fonts-noto-cjk'] : ['chromium', 'fonts-noto-cjk']);
  return findChromium({ install: false });
}

function portOpen(port, host = '127.0.0.1') {
  return new Promise((done) => {
    const socket = createConnection({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      done(true);
    });
    socket.once('error', () => done(false));
  });
}

async function waitFor(check, what, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function pidAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function readPid(file) {
  if (!existsSync(file)) return null;
  const pid = Number.parseInt(readFileSync(file, 'utf8').split('\n')[0], 10);
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb refuses root). */
function asPostgres(bin, args) {
  if (!isRoot) return run(bin, args);
  return run('runuser', ['-u', 'postgres', '--', bin, ...args]);
}

/**
 * Where PostgreSQL keeps its data. As root, the cluster runs as the `postgres` user, who
 * cannot enter a clone inside a private home (mode 700, root's on Debian): then the data
 * goes to a folder of its own under /var/tmp, named after a hash of this clone's path so
 * that each clone keeps its own cluster across runs.
 */
function pgBase(profile) {
  const own = join(ROOT, '.local', profile);
  if (!isRoot || run('runuser', ['-u', 'postgres', '--', 'test', '-x', ROOT]).status === 0) return own;
  const hash = createHash('sha256').update(ROOT).digest('hex').slice(0, 12);
  return join('/var/tmp', `kaikaku-${hash}`, profile);
}

const pgBaseCache = new Map();
function paths(profile) {
  const dir = join(ROOT, '.local', profile);
  if (!pgBaseCache.has(profile)) pgBaseCache.set(profile, pgBase(profile));
  const pgDir = pgBaseCache.get(profile);
  return { dir, pgDir, pgData: join(pgDir, 'pg'), pgLog: join(pgDir, 'pg.log'), redisDir: join(dir, 'redis') };
}

async function startPostgres(profile) {
  const { pgPort } = PROFILES[profile];
  // First: installing PostgreSQL creates the postgres user that paths() asks about.
  const bin = findPostgresBin();
  const { dir, pgDir, pgData, pgLog } = paths(profile);
  mkdirSync(dir, { recursive: true });
  if (pgDir !== dir) {
    // Reachable by the postgres user: the parents stay root's and traversable.
    mkdirSync(pgDir, { recursive: true, mode: 0o755 });
    log(`${ROOT} is not reachable by the postgres user (a private home folder?): PostgreSQL data goes to ${pgDir}`);
  }

  const pid = readPid(join(pgData, 'postmaster.pid'));
  if (pid && pidAlive(pid) && (await portOpen(pgPort))) {
    ensureDatabase(bin, pgPort);
    log(`postgres (${profile}) already running on 127.0.0.1:${pgPort}, pid ${pid}`);
    return;
  }
  if (await portOpen(pgPort)) {
    throw new Error(`port ${pgPort} is taken by a process this script did not start`);
  }

  if (!existsSync(join(pgData, 'PG_VERSION'))) {
    mkdirSync(pgData, { recursive: true });
    if (isRoot) {
      const { uid, gid } = postgresIds();
      chownSync(pgData, uid, gid);
      writeFileSync(pgLog, '');
      chownSync(pgLog, uid, gid);
    }
    log(`initialising a PostgreSQL cluster in ${pgData}`);
    const init = asPostgres(join(bin, 'initdb'), [
      '-D',
      pgData,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    if (init.status !== 0) {
      const reason =
        (init.stderr || init.stdout || '')
          .trim()
          .split('\n')
          .find((l) => /initdb:/.test(l)) ?? 'see its output';
      throw new Error(
        `initdb could not create the PostgreSQL cluster in ${pgData} (${reason}); remove that folder, or check that the postgres user may write there`,
      );
    }
  } else if (isRoot && !existsSync(pgLog)) {
    const { uid, gid } = postgresIds();
    writeFileSync(pgLog, '');
    chownSync(pgLog, uid, gid);
  }

  // TCP on loopback only; no Unix socket, so nothing is written outside the data folder.
  const options = [
    `-p ${pgPort}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    `-c max_connections=300`,
    `-c shared_buffers=128MB`,
    `-c fsync=${profile === 'test' ? 'off' : 'on'}`,
    `-c synchronous_commit=${profile === 'test' ? 'off' : 'on'}`,
  ].join(' ');
  const started = asPostgres(join(bin, 'pg_ctl'), [
    '-D',
    pgData,
    '-l',
    pgLog,
    '-o',
    options,
    '-w',
    '-t',
    '60',
    'start',
  ]);
  if (started.status !== 0) {
    throw new Error(`pg_ctl start failed:\n${started.stdout}\n${started.stderr}\n${tail(pgLog)}`);
  }
  await waitFor(() => portOpen(pgPort), `postgres on ${pgPort}`);
  ensureDatabase(bin, pgPort);
  log(`postgres (${profile}) started on 127.0.0.1:${pgPort}`);
}

function postgresIds() {
  const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
  return { uid, gid };
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}

/** Creates the owner role and database once; later calls find them and do nothing. */
function ensureDatabase(bin, port) {
  const psql = (sql, db = 'postgres') => {
    const r = run(join(bin, 'psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-d', db, '-tAc', sql]);
    if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
    return r.stdout.trim();
  };
  if (psql(`SELECT 1 FROM pg_roles WHERE rolname = '${DB.user}'`) !== '1') {
    psql(`CREATE ROLE ${DB.user} LOGIN CREATEDB CREATEROLE PASSWORD '${DB.password}'`);
  }
  if (psql(`SELECT 1 FROM pg_roles WHERE rolname = '${DB.appUser}'`) !== '1') {
    psql(`CREATE ROLE ${DB.appUser} LOGIN PASSWORD '${DB.appPassword}'`);
  }
  // The owner drops the test databases, which may still hold the apps' connections.
  psql(`GRANT pg_signal_backend TO ${DB.user}`);
  if (psql(`SELECT 1 FROM pg_database WHERE datname = '${DB.database}'`) !== '1') {
    psql(`CREATE DATABASE ${DB.database} OWNER ${DB.user}`);
  }
}

async function startRedis(profile) {
  const { redisPort } = PROFILES[profile];
  const { redisDir } = paths(profile);
  const server = findRedisServer();
  mkdirSync(redisDir, { recursive: true });
  const pidFile = join(redisDir, 'redis.pid');

  const pid = readPid(pidFile);
  if (pid && pidAlive(pid) && (await portOpen(redisPort))) {
    log(`redis (${profile}) already running on 127.0.0.1:${redisPort}, pid ${pid}`);
    return;
  }
  if (await portOpen(redisPort)) {
    throw new Error(`port ${redisPort} is taken by a process this script did not start`);
  }
  // BullMQ requires noeviction (a queue must never lose keys) and we want AOF so that
  // delayed jobs survive a restart; see BullMQ's "going to production" guide.
  const args = [
    '--port',
    String(redisPort),
    '--bind',
    '127.0.0.1',
    '--dir',
    redisDir,
    '--daemonize',
    'yes',
    '--pidfile',
    pidFile,
    '--logfile',
    join(redisDir, 'redis.log'),
    '--appendonly',
    'yes',
    '--appendfsync',
    'everysec',
    '--maxmemory-policy',
    'noeviction',
    '--save',
    '',
  ];
  const r = run(server, args);
  if (r.status !== 0) throw new Error(`redis-server failed: ${r.stderr}`);
  await waitFor(() => portOpen(redisPort), `redis on ${redisPort}`);
  log(`redis (${profile}) started on 127.0.0.1:${redisPort}`);
}

async function stopPostgres(profile) {
  const { pgData } = paths(profile);
  const pid = readPid(join(pgData, 'postmaster.pid'));
  if (!pid || !pidAlive(pid)) return log(`postgres (${profile}) is not running`);
  const bin = findPostgresBin({ install: false });
  const r = bin ? asPostgres(join(bin, 'pg_ctl'), ['-D', pgData, '-m', 'fast', '-w', 'stop']) : { status: 1 };
  if (r.status !== 0) process.kill(pid, 'SIGINT');
  log(`postgres (${profile}) stopped`);
}

async function stopRedis(profile) {
  const { redisDir } = paths(profile);
  const pid = readPid(join(redisDir, 'redis.pid'));
  if (!pid || !pidAlive(pid)) return log(`redis (${profile}) is not running`);
  process.kill(pid, 'SIGTERM');
  await waitFor(async () => !pidAlive(pid), `redis pid ${pid} to exit`, 15_000);
  log(`redis (${profile}) stopped`);
}

export async function startServices(profile) {
  await startPostgres(profile);
  await startRedis(profile);
  const { pgPort, redisPort } = PROFILES[profile];
  return {
    databaseUrl: `postgres://${DB.appUser}:${DB.appPassword}@127.0.0.1:${pgPort}/${DB.database}`,
    migrationDatabaseUrl: `postgres://${DB.user}:${DB.password}@127.0.0.1:${pgPort}/${DB.database}`,
    redisUrl: `redis://127.0.0.1:${redisPort}`,
    pgPort,
    redisPort,
    pgBin: findPostgresBin({ install: false }),
    redisServer: findRedisServer({ install: false }),
    dataDir: paths(profile).dir,
  };
}

export async function stopServices(profile) {
  await stopRedis(profile);
  await stopPostgres(profile);
}

export async function servicesStatus(profile) {
  const { pgPort, redisPort } = PROFILES[profile];
  return { postgres: await portOpen(pgPort), redis: await portOpen(redisPort) };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const [command = 'status', ...rest] = process.argv.slice(2);
  const profiles = rest.length > 0 ? rest : command === 'stop' ? ['dev', 'test'] : ['dev'];
  try {
    for (const profile of profiles) {
      if (!PROFILES[profile]) throw new Error(`unknown profile "${profile}" (dev, test)`);
      if (command === 'start') {
        const s = await startServices(profile);
        process.stdout.write(
          `DATABASE_URL=${s.databaseUrl}\nMIGRATION_DATABASE_URL=${s.migrationDatabaseUrl}\nREDIS_URL=${s.redisUrl}\n`,
        );
      } else if (command === 'stop') {
        await stopServices(profile);
      } else if (command === 'status') {
        process.stdout.write(`${profile}: ${JSON.stringify(await servicesStatus(profile))}\n`);
      } else {
        throw new Error(`unknown command "${command}" (start, stop, status)`);
      }
    }
  } catch (error) {
    log(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}
