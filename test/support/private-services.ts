import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, chownSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from './apps.js';

/**
 * Servers owned by one test file, for fault tests that stop and restart them: stopping the
 * shared test services would break the files running beside it.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function canConnect(port: number): Promise<boolean> {
  const { createConnection } = await import('node:net');
  return new Promise((resolve) => {
    const s = createConnection({ port, host: '127.0.0.1' });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

/** A redis-server with AOF and noeviction, like production, in a temporary folder. */
export async function privateRedis(): Promise<PrivateRedis> {
  const server = process.env.TEST_REDIS_SERVER || 'redis-server';
  const dir = mkdtempSync(join(tmpdir(), 'kaikaku-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  const self: PrivateRedis = {
    url: `redis://127.0.0.1:${port}`,
    port,
    async start() {
      child = spawn(
        server,
        [
          '--port',
          String(port),
          '--bind',
          '127.0.0.1',
          '--dir',
          dir,
          '--appendonly',
          'yes',
          '--maxmemory-policy',
          'noeviction',
          '--save',
          '',
        ],
        {
          stdio: 'ignore',
        },
      );
      await waitFor(() => canConnect(port), `private redis on ${port}`, 15_000);
    },
    async stop() {
      if (!child) return;
      const c = child;
      child = null;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      await exited;
    },
    async cleanup() {
      await self.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}

export interface PrivatePostgres {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
  cleanup(): Promise<void>;
}

const isRoot = process.getuid?.() === 0;

function asPostgres(bin: string, args: string[]) {
  const r = isRoot
    ? spawnSync('runuser', ['-u', 'postgres', '--', bin, ...args], { encoding: 'utf8' })
    : spawnSync(bin, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed: ${r.stderr}`);
  return r;
}

/** A PostgreSQL cluster of its own (initdb in a temporary folder), with the `kaikaku` database. */
export async function privatePostgres(): Promise<PrivatePostgres> {
  const bin = process.env.TEST_PG_BIN;
  if (!bin) throw new Error('TEST_PG_BIN is not set (the global setup sets it)');
  const dir = mkdtempSync(join(tmpdir(), 'kaikaku-pg-'));
  const data = join(dir, 'data');
  const port = await freePort();
  if (isRoot) {
    const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
    chownSync(dir, uid, gid);
  }
  asPostgres(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const self: PrivatePostgres = {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    async start() {
      asPostgres(join(bin, 'pg_ctl'), [
        '-D',
        data,
        '-l',
        join(dir, 'log'),
        '-o',
        `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off`,
        '-w',
        'start',
      ]);
    },
    async stop() {
      spawnSync(
        isRoot ? 'runuser' : join(bin, 'pg_ctl'),
        isRoot
          ? ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']
          : ['-D', data, '-m', 'immediate', '-w', 'stop'],
      );
    },
    async cleanup() {
      await self.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await self.start();
  return self;
}
