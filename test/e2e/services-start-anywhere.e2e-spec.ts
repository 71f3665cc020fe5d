import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';

/**
 * A clone inside a private home folder (mode 700, as root's is on Debian): as root, the
 * local PostgreSQL runs as the `postgres` user, who cannot enter it. The services script
 * must still start and stop the test services, its data in a folder that user can reach.
 */
describe('the local services start from a clone in a mode-700 folder', () => {
  const home = mkdtempSync(join(tmpdir(), 'kaikaku-home-'));
  const repo = join(home, 'kaikaku');
  // Ports of their own, apart from every worktree's and CI's.
  const env = { ...process.env, KAIKAKU_PORT_OFFSET: '573' };
  const services = (command: string) =>
    spawnSync(process.execPath, [join(repo, 'scripts/services.mjs'), command, 'test'], {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    });
  let dataFolder: string | undefined;

  afterAll(() => {
    services('stop');
    if (dataFolder) rmSync(dataFolder, { recursive: true, force: true });
    rmSync(home, { recursive: true, force: true });
  });

  it('starts PostgreSQL and Redis there, says where the data went, and stops them', () => {
    mkdirSync(join(repo, 'scripts'), { recursive: true });
    cpSync(join(process.cwd(), 'scripts/services.mjs'), join(repo, 'scripts/services.mjs'));
    chmodSync(home, 0o700);

    const started = services('start');
    // Its sentence, when it could not start, is the failure message.
    expect(started.status === 0 ? 'started' : started.stderr).toBe('started');
    expect(started.stdout).toMatch(/^DATABASE_URL=postgres:\/\/.+:56006\//m);
    if (process.getuid?.() === 0) {
      // As root: the repo is out of the postgres user's reach, so the data lives elsewhere.
      dataFolder = /PostgreSQL data goes to (\/var\/tmp\/kaikaku-[0-9a-f]{12})\/test/.exec(started.stderr)?.[1];
      expect(dataFolder).toBeDefined();
    }
    const stopped = services('stop');
    expect(stopped.status).toBe(0);
    expect(stopped.stderr).toMatch(/postgres \(test\) stopped/);
  }, 180_000);
});
