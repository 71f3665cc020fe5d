import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, waitFor } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/private-services.js';
import { spawnApp, type SpawnedApp } from '../support/processes.js';

/**
 * Two API processes keep callers in memory; a change to a user or a grant, made through
 * either of them, applies at the next request on both (the database's triggers notify both;
 * the writing instance answers once it has seen its notice).
 */
describe('the principal cache across API instances', () => {
  let db: TestDatabase;
  const apis: Array<{ app: SpawnedApp; url: string }> = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const app = spawnApp('api', {
        DATABASE_URL: db.url,
        REDIS_URL: process.env.TEST_REDIS_URL ?? '',
        QUEUE_PREFIX: `{${db.name}}`,
        PORT: String(port),
        LOG_LEVEL: 'warn',
        OPENAPI_UI: 'false',
      });
      const url = `http://127.0.0.1:${port}`;
      apis.push({ app, url });
      await waitFor(
        async () => (await http(`${url}/health`).catch(() => ({ status: 0 }))).status === 200 || null,
        `API ${i} to listen`,
        60_000,
        100,
      );
    }
  }, 120_000);
  afterAll(async () => {
    for (const { app } of apis) if (app.child.exitCode === null) app.child.kill('SIGKILL');
    await db?.drop();
  });

  /** The status a call settles on within 2 s (the other instance's notice in flight). */
  const settles = async (call: () => Promise<{ status: number }>, status: number) => {
    const until = Date.now() + 2_000;
    let last = (await call()).status;
    while (last !== status && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
      last = (await call()).status;
    }
    expect(last).toBe(status);
  };

  it('drops a removed grant and a disabled user on both instances: at once where written, on its notice elsewhere', async () => {
    const [a, b] = apis;
    const adminA = as(a.url, await signIn(a.url, 'admin'));
    const adminB = as(b.url, await signIn(b.url, 'admin'));
    const created = ok(
      await adminA.post('/users', {
        username: 'cache.admin',
        displayName: 'キャッシュ確認',
        password: 'kaikaku-cache-1',
        orgUnit: 'somu',
        grants: [{ role: 'admin', orgUnit: 'kumamoto' }],
      }),
      201,
    ).body;
    const onA = as(a.url, await signIn(a.url, 'cache.admin', 'kaikaku-cache-1'));
    const onB = as(b.url, await signIn(b.url, 'cache.admin', 'kaikaku-cache-1'));
    // Warm both caches (twice: the second answer comes from memory).
    for (let i = 0; i < 2; i++) {
      expect((await onA.get('/security-events')).status).toBe(200);
      expect((await onB.get('/security-events')).status).toBe(200);
    }

    // The grant goes, through instance A.
    const etag = (await adminA.get(`/users/${created.id}`)).headers.get('etag')!;
    ok(
      await adminA.patch(
        `/users/${created.id}`,
        { grants: [{ role: 'viewer', orgUnit: 'kumamoto' }] },
        { 'if-match': etag },
      ),
    );
    // The instance that wrote answers once its own notice arrived; the other applies the change
    // when PostgreSQL delivers the notice to it (milliseconds; bounded here at 2 s).
    expect((await onA.get('/security-events')).status).toBe(403);
    await settles(() => onB.get('/security-events'), 403);
    expect((await onB.get('/me')).status).toBe(200);

    // Given back, through instance B.
    const etagBack = (await adminB.get(`/users/${created.id}`)).headers.get('etag')!;
    ok(
      await adminB.patch(
        `/users/${created.id}`,
        { grants: [{ role: 'admin', orgUnit: 'kumamoto' }] },
        { 'if-match': etagBack },
      ),
    );
    expect((await onB.get('/security-events')).status).toBe(200);
    await settles(() => onA.get('/security-events'), 200);

    // The user is disabled through instance B.
    const etag2 = (await adminB.get(`/users/${created.id}`)).headers.get('etag')!;
    ok(await adminB.patch(`/users/${created.id}`, { active: false }, { 'if-match': etag2 }));
    expect((await onB.get('/me')).status).toBe(401);
    await settles(() => onA.get('/me'), 401);
  });
});
