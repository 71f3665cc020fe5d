import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEV_JWT_SECRET } from '#libs/platform';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
function jwt(header: object, payload: object, secret = DEV_JWT_SECRET): string {
  const unsigned = `${b64(header)}.${b64(payload)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

describe('authentication', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let adminAuth: string;
  const now = () => Math.floor(Date.now() / 1000);
  const userId = async (username: string) =>
    (await db.query(`SELECT id FROM app_user WHERE username = $1`, [username]))[0].id as string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    adminAuth = await signIn(api.url, 'admin');
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('signs in with the demo password and answers who the caller is', async () => {
    const res = await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'kenko.editor', password: DEMO_PASSWORD },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    const me = await as(api.url, `Bearer ${res.body.access_token}`).get('/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({
      username: 'kenko.editor',
      orgUnit: { code: 'kenko', nameJa: '健康福祉局' },
      via: 'access_token',
    });
    expect(me.body.grants).toEqual([
      expect.objectContaining({ role: 'bureau_editor', orgUnit: expect.objectContaining({ code: 'kenko' }) }),
    ]);
    expect(JSON.stringify(me.body)).not.toMatch(/password|argon2/);
  });

  it('answers a wrong password and an unknown user alike, with 401', async () => {
    const wrong = await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'kita.editor', password: 'not-the-password' },
    });
    const unknown = await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'nobody', password: 'not-the-password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
    expect(wrong.body.code).toBe('UNAUTHENTICATED');
  });

  describe('refuses with 401', () => {
    const cases: Array<[string, () => Promise<string | null>]> = [
      ['no token', async () => null],
      ['a malformed header', async () => 'Token abc'],
      ['garbage', async () => 'Bearer not.a.jwt-at-all'],
      [
        'an expired token',
        async () =>
          `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub: await userId('admin'), typ: 'access', iss: 'kaikaku', aud: 'kaikaku-api', iat: now() - 7200, exp: now() - 3600 })}`,
      ],
      [
        'a token signed with another secret',
        async () =>
          `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub: await userId('admin'), typ: 'access', iss: 'kaikaku', aud: 'kaikaku-api', exp: now() + 600 }, 'another-secret-entirely')}`,
      ],
      [
        'a tampered token',
        async () => {
          const [h, , s] = adminAuth.slice(7).split('.');
          return `Bearer ${h}.${b64({ sub: await userId('admin'), typ: 'access', iss: 'kaikaku', aud: 'kaikaku-api', exp: now() + 99999 })}.${s}`;
        },
      ],
      [
        'an alg:none token',
        async () =>
          `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: await userId('admin'), typ: 'access', iss: 'kaikaku', aud: 'kaikaku-api', exp: now() + 600 })}.`,
      ],
      [
        'a token for another audience',
        async () =>
          `Bearer ${jwt({ alg: 'HS256', typ: 'JWT' }, { sub: await userId('admin'), typ: 'access', iss: 'kaikaku', aud: 'elsewhere', exp: now() + 600 })}`,
      ],
      ['an unknown API token', async () => 'Bearer kkt_' + 'A'.repeat(43)],
    ];
    it.each(cases)('%s', async (_name, make) => {
      const res = await as(api.url, await make()).get('/me');
      expect(res.status).toBe(401);
      expect(res.body.code).toBe('UNAUTHENTICATED');
    });

    it('(the control: a good token is accepted)', async () => {
      expect((await as(api.url, adminAuth).get('/me')).status).toBe(200);
    });
  });

  it('stops a disabled user at once, even with a token that has not expired', async () => {
    const auth = await signIn(api.url, 'nishi.editor');
    expect((await as(api.url, auth).get('/me')).status).toBe(200);
    const id = await userId('nishi.editor');
    const admin = as(api.url, adminAuth);
    const { headers } = await admin.get(`/users/${id}`);
    const res = await admin.patch(`/users/${id}`, { active: false }, { 'if-match': headers.get('etag')! });
    expect(res.status).toBe(200);
    expect((await as(api.url, auth).get('/me')).status).toBe(401);
    const signin = await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'nishi.editor', password: DEMO_PASSWORD },
    });
    expect(signin.status).toBe(401);
  });

  it('applies a change of grants on the next request', async () => {
    const viewerAuth = await signIn(api.url, 'viewer');
    const viewer = as(api.url, viewerAuth);
    expect((await viewer.get('/users')).status).toBe(403);
    const id = await userId('viewer');
    const admin = as(api.url, adminAuth);
    let etag = (await admin.get(`/users/${id}`)).headers.get('etag')!;
    const grant = await admin.patch(
      `/users/${id}`,
      {
        grants: [
          { role: 'viewer', orgUnit: 'kumamoto' },
          { role: 'admin', orgUnit: 'kumamoto' },
        ],
      },
      { 'if-match': etag },
    );
    expect(grant.status).toBe(200);
    expect((await viewer.get('/users')).status).toBe(200);
    etag = grant.headers.get('etag')!;
    expect(
      (await admin.patch(`/users/${id}`, { grants: [{ role: 'viewer', orgUnit: 'kumamoto' }] }, { 'if-match': etag }))
        .status,
    ).toBe(200);
    expect((await viewer.get('/users')).status).toBe(403);
  });

  describe('personal API tokens', () => {
    it('are shown once, work as Bearer tokens, are listed without the secret, and stop working when revoked', async () => {
      const me = as(api.url, await signIn(api.url, 'chuo.approver'));
      const created = await me.post('/me/api-tokens', { name: 'ward spreadsheet sync', expiresInDays: 30 });
      expect(created.status).toBe(201);
      const token: string = created.body.token;
      expect(token).toMatch(/^kkt_[A-Za-z0-9_-]{43}$/);

      const viaToken = as(api.url, `Bearer ${token}`);
      const who = await viaToken.get('/me');
      expect(who.status).toBe(200);
      expect(who.body).toMatchObject({ username: 'chuo.approver', via: 'api_token' });

      const list = await me.get('/me/api-tokens');
      expect(list.body).toHaveLength(1);
      expect(JSON.stringify(list.body)).not.toContain(token);
      expect(list.body[0]).toMatchObject({
        name: 'ward spreadsheet sync',
        prefix: token.slice(0, 10),
        revokedAt: null,
      });
      const [{ token_hash }] = await db.query(
        `SELECT encode(token_hash, 'hex') AS token_hash FROM api_token WHERE id = $1`,
        [created.body.id],
      );
      expect(token_hash).not.toContain(Buffer.from(token).toString('hex'));

      expect((await me.delete(`/me/api-tokens/${created.body.id}`)).status).toBe(204);
      expect((await viaToken.get('/me')).status).toBe(401);
    });

    it('cannot be revoked by anyone but their owner (404, as if absent)', async () => {
      const owner = as(api.url, await signIn(api.url, 'kita.approver'));
      const other = as(api.url, await signIn(api.url, 'kenko.approver'));
      const created = await owner.post('/me/api-tokens', { name: 'mine' });
      const attempt = await other.delete(`/me/api-tokens/${created.body.id}`);
      expect(attempt.status).toBe(404);
      expect((await as(api.url, `Bearer ${created.body.token}`).get('/me')).status).toBe(200);
    });

    it('stop working once expired', async () => {
      const owner = as(api.url, await signIn(api.url, 'minami.approver'));
      const created = await owner.post('/me/api-tokens', { name: 'short', expiresInDays: 1 });
      await db.query(`UPDATE api_token SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.body.id]);
      expect((await as(api.url, `Bearer ${created.body.token}`).get('/me')).status).toBe(401);
    });
  });

  describe('fields a caller may not set', () => {
    it('a non-admin sending roles or orgUnitId to PATCH /me gets 400 and nothing changes', async () => {
      const me = as(api.url, await signIn(api.url, 'higashi.editor'));
      const before = (await me.get('/me')).body;
      for (const body of [
        { roles: ['admin'] },
        { orgUnitId: before.orgUnit.id },
        { grants: [{ role: 'admin', orgUnit: 'kumamoto' }] },
        { displayName: 'x', active: false },
      ]) {
        const res = await me.patch('/me', body);
        expect(res.status).toBe(400);
        expect(res.body.code).toBe('VALIDATION_FAILED');
      }
      const after = (await me.get('/me')).body;
      expect(after).toEqual(before);
    });

    it('a non-admin creating a user or changing grants gets 403 and nothing is written', async () => {
      const editor = as(api.url, await signIn(api.url, 'zaisei.editor'));
      const [{ n: usersBefore }] = await db.query(`SELECT count(*)::int AS n FROM app_user`);
      const created = await editor.post('/users', {
        username: 'sneaky',
        displayName: 'x',
        orgUnit: 'zaisei',
        grants: [{ role: 'admin', orgUnit: 'kumamoto' }],
      });
      expect(created.status).toBe(403);
      const id = await userId('zaisei.editor');
      const patched = await editor.patch(
        `/users/${id}`,
        { grants: [{ role: 'admin', orgUnit: 'kumamoto' }] },
        { 'if-match': '"1"' },
      );
      expect(patched.status).toBe(403);
      const [{ n: usersAfter }] = await db.query(`SELECT count(*)::int AS n FROM app_user`);
      expect(usersAfter).toBe(usersBefore);
      const grants = await db.query(`SELECT role FROM role_grant WHERE user_id = $1`, [id]);
      expect(grants).toEqual([{ role: 'bureau_editor' }]);
    });
  });

  describe('optimistic concurrency on PATCH', () => {
    it('428 without If-Match, 412 with a stale one', async () => {
      const admin = as(api.url, adminAuth);
      const id = await userId('kankyo.editor');
      const first = await admin.get(`/users/${id}`);
      expect((await admin.patch(`/users/${id}`, { displayName: 'a' })).status).toBe(428);
      const ok = await admin.patch(`/users/${id}`, { displayName: 'a' }, { 'if-match': first.headers.get('etag')! });
      expect(ok.status).toBe(200);
      const stale = await admin.patch(`/users/${id}`, { displayName: 'b' }, { 'if-match': first.headers.get('etag')! });
      expect(stale.status).toBe(412);
      expect(stale.body.code).toBe('VERSION_CONFLICT');
      expect((await admin.get(`/users/${id}`)).body.displayName).toBe('a');
    });
  });

  it('never leaves the city without an active admin', async () => {
    const admin = as(api.url, adminAuth);
    const id = await userId('admin');
    const etag = (await admin.get(`/users/${id}`)).headers.get('etag')!;
    const res = await admin.patch(`/users/${id}`, { active: false }, { 'if-match': etag });
    expect(res.status).toBe(409);
    expect((await admin.get('/me')).status).toBe(200);
  });

  it('records security events with actor, time and source address, readable by admins only', async () => {
    const admin = as(api.url, adminAuth);
    const events = await admin.get('/security-events?pageSize=100');
    expect(events.status).toBe(200);
    const kinds = new Set(events.body.items.map((e: { kind: string }) => e.kind));
    for (const k of [
      'signin.succeeded',
      'signin.failed',
      'token.created',
      'token.revoked',
      'grants.changed',
      'user.disabled',
    ])
      expect(kinds).toContain(k);
    const disabled = events.body.items.find((e: { kind: string }) => e.kind === 'user.disabled');
    expect(disabled).toMatchObject({
      actorUserId: await userId('admin'),
      subjectUserId: await userId('nishi.editor'),
      sourceAddress: '127.0.0.1',
    });
    expect(new Date(disabled.occurredAt).getTime()).toBeGreaterThan(Date.now() - 600_000);
    const failed = events.body.items.find(
      (e: { kind: string; username: string }) => e.kind === 'signin.failed' && e.username === 'nobody',
    );
    expect(failed.details).toEqual({ reason: 'unknown_user' });

    const viewer = as(api.url, await signIn(api.url, 'committee'));
    expect((await viewer.get('/security-events')).status).toBe(403);
  });
});

describe('sign-in limits shared by two API instances', () => {
  let db: TestDatabase;
  let one: RunningApi;
  let two: RunningApi;
  const LIMIT = 5;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url, {
      LOGIN_MAX_ATTEMPTS_PER_USERNAME: String(LIMIT),
      LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '1000',
    });
    [one, two] = await Promise.all([startApi(config), startApi(config)]);
  });
  afterAll(async () => {
    await Promise.all([one?.close(), two?.close()]);
    await db?.drop();
  });

  it('holds at the configured number of attempts per username, not twice it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LIMIT * 2 + 2; i++) {
      const target = i % 2 === 0 ? one : two;
      const res = await http(`${target.url}/api/v1/auth/token`, {
        method: 'POST',
        json: { username: 'kotsu.editor', password: `wrong-${i}` },
      });
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(LIMIT);
    expect(statuses.slice(LIMIT).every((s) => s === 429)).toBe(true);

    // Even the right password is refused until the window ends.
    const right = await http(`${two.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'kotsu.editor', password: DEMO_PASSWORD },
    });
    expect(right.status).toBe(429);
    expect(right.body.code).toBe('RATE_LIMITED');
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);

    // Other users are not affected.
    expect(
      (
        await http(`${one.url}/api/v1/auth/token`, {
          method: 'POST',
          json: { username: 'kotsu.approver', password: DEMO_PASSWORD },
        })
      ).status,
    ).toBe(200);
  });

  it('counts concurrent attempts exactly', async () => {
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        http(`${(i % 2 ? one : two).url}/api/v1/auth/token`, {
          method: 'POST',
          json: { username: 'shobo.editor', password: `wrong-${i}` },
        }),
      ),
    );
    expect(results.filter((r) => r.status === 401)).toHaveLength(LIMIT);
    expect(results.filter((r) => r.status === 429)).toHaveLength(20 - LIMIT);
  });
});
