import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_BUREAU_CODES, KUMAMOTO_ORG_UNITS } from '#libs/identity';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp } from '../support/processes.js';

async function cli(db: TestDatabase, args: string[], env: Record<string, string> = {}) {
  const run = spawnApp(
    'cli',
    { DATABASE_URL: db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? '', QUEUE_PREFIX: `{${db.name}}`, ...env },
    args,
  );
  const exit = await run.exited;
  return { code: exit.code, output: run.output() };
}

describe('admin CLI on a new installation', () => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('creates the first admin (and the city unit) and that admin can sign in', async () => {
    const made = await cli(db, ['create-admin', '--username', 'chief', '--display-name', '管理者'], {
      KAIKAKU_ADMIN_PASSWORD: 'a-long-enough-password',
    });
    expect(made.output).toMatch(/created admin chief/);
    expect(made.code).toBe(0);
    api = await startApi(testConfig(db.url));
    const me = await as(api.url, await signIn(api.url, 'chief', 'a-long-enough-password')).get('/me');
    expect(me.body).toMatchObject({ username: 'chief', orgUnit: { code: 'kumamoto' } });
    expect(me.body.grants).toEqual([
      expect.objectContaining({ role: 'admin', orgUnit: expect.objectContaining({ code: 'kumamoto' }) }),
    ]);
    const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM security_event WHERE kind = 'user.created'`);
    expect(n).toBe(1);
  });

  it('refuses a short password and writes nothing', async () => {
    const made = await cli(db, ['create-admin', '--username', 'weak'], { KAIKAKU_ADMIN_PASSWORD: 'short' });
    expect(made.code).toBe(1);
    expect(made.output).toMatch(/at least 10 characters/);
    expect(await db.query(`SELECT 1 FROM app_user WHERE username = 'weak'`)).toHaveLength(0);
  });

  it('loads the demo data, and loading it again changes nothing', async () => {
    const first = await cli(db, ['seed']);
    expect(first.code).toBe(0);
    const count = async () =>
      (
        await db.query(
          `SELECT (SELECT count(*)::int FROM org_unit) AS units, (SELECT count(*)::int FROM app_user) AS users`,
        )
      )[0];
    const afterFirst = await count();
    // The city existed already (created with the admin); the other units and every demo user are new.
    expect(afterFirst).toEqual({ units: KUMAMOTO_ORG_UNITS.length, users: 1 + 5 + DEMO_BUREAU_CODES.length * 2 });
    const second = await cli(db, ['seed']);
    expect(second.code).toBe(0);
    expect(second.output).toMatch(/demo users: 0 created/);
    expect(await count()).toEqual(afterFirst);
    expect(DEMO_BUREAU_CODES).toHaveLength(19);
  });
});
