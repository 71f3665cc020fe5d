import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const LIMITS = { LOGIN_MAX_ATTEMPTS_PER_USERNAME: '3', LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '100' };

const wrong = (api: RunningApi, username: string) =>
  http(`${api.url}/api/v1/auth/token`, { method: 'POST', json: { username, password: 'wrong-password' } }).then(
    (r) => r.status,
  );

/** The sign-in limiter's other stores: PostgreSQL (QUEUE_BACKEND=postgres), and memory when Redis is away. */
describe('the sign-in limiter', () => {
  let db: TestDatabase;
  const apis: RunningApi[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
  });
  afterAll(async () => {
    await Promise.all(apis.map((a) => a.close()));
    await db?.drop();
  });

  it('keeps its counts in PostgreSQL with QUEUE_BACKEND=postgres, shared by every API instance', async () => {
    const config = testConfig(db.url, { ...LIMITS, QUEUE_BACKEND: 'postgres' });
    const [a, b] = await Promise.all([startApi(config), startApi(config)]);
    apis.push(a, b);
    // Two failures on one instance and one on the other use up the three; the fourth is refused on either.
    expect([
      await wrong(a, 'chuo.editor'),
      await wrong(a, 'chuo.editor'),
      await wrong(b, 'chuo.editor'),
      await wrong(b, 'chuo.editor'),
      await wrong(a, 'chuo.editor'),
    ]).toEqual([401, 401, 401, 429, 429]);
    const rows = await db.query(`SELECT key, points FROM signin_limit WHERE key LIKE '%chuo.editor%'`);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].points)).toBeGreaterThanOrEqual(3);
  });

  it('still limits, in memory, when Redis is away (rather than refusing every sign-in or limiting none)', async () => {
    // Nothing listens on port 1.
    const api = await startApi(testConfig(db.url, { ...LIMITS, REDIS_URL: 'redis://127.0.0.1:1' }));
    apis.push(api);
    expect([
      await wrong(api, 'nishi.editor'),
      await wrong(api, 'nishi.editor'),
      await wrong(api, 'nishi.editor'),
      await wrong(api, 'nishi.editor'),
    ]).toEqual([401, 401, 401, 429]);
    // A right password still signs in (another name: this one's limit is used up).
    const good = await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'kita.editor', password: 'kaikaku-demo' },
    });
    expect(good.status).toBe(200);
  });
});
