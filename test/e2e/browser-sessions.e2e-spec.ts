import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type HttpAnswer, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

/** One Set-Cookie header, read into its value and attributes (names lower-cased). */
function refreshCookieOf(res: HttpAnswer): { value: string; attributes: Record<string, string | true> } {
  const header = res.headers.getSetCookie().find((c) => c.startsWith('kaikaku_refresh='));
  if (!header)
    throw new Error(`no kaikaku_refresh cookie in ${res.status} ${JSON.stringify(res.headers.getSetCookie())}`);
  const [pair, ...rest] = header.split(';').map((p) => p.trim());
  const attributes: Record<string, string | true> = {};
  for (const part of rest) {
    const [name, ...v] = part.split('=');
    attributes[name.toLowerCase()] = v.length ? v.join('=') : true;
  }
  return { value: pair.slice('kaikaku_refresh='.length), attributes };
}

describe('browser sessions (refresh cookie)', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const base = () => `${api.url}/api/v1/auth/session`;
  const start = (username: string, password = DEMO_PASSWORD) =>
    http(base(), { method: 'POST', json: { username, password } });
  const refresh = (token: string) =>
    http(`${base()}/refresh`, { method: 'POST', headers: { cookie: `kaikaku_refresh=${token}` } });
  const signOut = (token: string) =>
    http(base(), { method: 'DELETE', headers: { cookie: `kaikaku_refresh=${token}` } });

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { REFRESH_TOKEN_TTL_SECONDS: '3600' }));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('signs in like POST /auth/token and sets an httpOnly, SameSite=Strict cookie scoped to the session routes', async () => {
    const res = await start('kenko.editor');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 900 });
    expect(res.headers.get('cache-control')).toBe('no-store');
    const cookie = refreshCookieOf(res);
    expect(cookie.value).toMatch(/^kkr_[A-Za-z0-9_-]{43}$/);
    expect(cookie.attributes).toMatchObject({ httponly: true, samesite: 'Strict', path: '/api/v1/auth/session' });
    // REFRESH_TOKEN_TTL_SECONDS=3600, counted from the database's clock.
    expect(Number(cookie.attributes['max-age'])).toBeGreaterThan(3000);
    expect(Number(cookie.attributes['max-age'])).toBeLessThanOrEqual(3600);
    // Plain http here (PUBLIC_BASE_URL is http://…): not Secure, or the browser would drop it.
    expect(cookie.attributes.secure).toBeUndefined();
    const me = await as(api.url, `Bearer ${res.body.access_token}`).get('/me');
    expect(me.body).toMatchObject({ username: 'kenko.editor', via: 'access_token' });
    // Only the hash is stored.
    const stored = await db.query(`SELECT encode(token_hash, 'hex') AS h FROM refresh_token`);
    expect(JSON.stringify(stored)).not.toContain(Buffer.from(cookie.value).toString('hex'));
  });

  it('refuses a wrong password with the same 401 as POST /auth/token, and sets no cookie', async () => {
    const res = await start('kenko.editor', 'not-the-password');
    expect(res.status).toBe(401);
    expect(res.body.code).toBe('UNAUTHENTICATED');
    expect(res.headers.getSetCookie()).toEqual([]);
  });

  it('marks the cookie Secure when PUBLIC_BASE_URL is https', async () => {
    const secure = await startApi(testConfig(db.url, { PUBLIC_BASE_URL: 'https://kaikaku.city.example' }));
    try {
      const res = await http(`${secure.url}/api/v1/auth/session`, {
        method: 'POST',
        json: { username: 'kita.editor', password: DEMO_PASSWORD },
      });
      expect(refreshCookieOf(res).attributes.secure).toBe(true);
    } finally {
      await secure.close();
    }
  });

  it('rotates the refresh token on every use; the old one is then refused', async () => {
    const first = refreshCookieOf(await start('chuo.editor')).value;
    const res = await refresh(first);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
    expect((await as(api.url, `Bearer ${res.body.access_token}`).get('/me')).body.username).toBe('chuo.editor');
    const second = refreshCookieOf(res);
    expect(second.value).not.toBe(first);
    expect(second.attributes).toMatchObject({ httponly: true, samesite: 'Strict', path: '/api/v1/auth/session' });
    // The family keeps the sign-in's expiry: rotation does not stretch a session.
    expect(Number(second.attributes['max-age'])).toBeLessThanOrEqual(3600);
    const third = await refresh(second.value);
    expect(third.status).toBe(200);
    const replay = await refresh(first);
    expect(replay.status).toBe(401);
    expect(replay.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(replay.body.code).toBe('UNAUTHENTICATED');
  });

  it('treats reuse of a rotated token as theft: the whole family is revoked, the newest token too, and it is logged', async () => {
    const stolen = refreshCookieOf(await start('minami.editor')).value;
    const rotated = refreshCookieOf(await refresh(stolen)).value;
    const newest = refreshCookieOf(await refresh(rotated)).value;
    expect((await refresh(stolen)).status).toBe(401);
    const after = await refresh(newest);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('UNAUTHENTICATED');
    // The refused answer clears the cookie in the browser.
    expect(refreshCookieOf(after).value).toBe('');
    expect(new Date(String(refreshCookieOf(after).attributes.expires)).getTime()).toBeLessThan(Date.now());
    const rows = await db.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE revoked_reason = 'reuse')::int AS reused
         FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'minami.editor'`,
    );
    expect(rows[0]).toEqual({ n: 3, reused: 3 });
    const admin = as(api.url, await signIn(api.url, 'admin'));
    const events = await admin.get('/security-events?kind=session.reuse_detected&username=minami.editor');
    expect(events.status).toBe(200);
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({ kind: 'session.reuse_detected', username: 'minami.editor' });
  });

  it('a second sign-in is a family of its own, untouched by the revocation of another', async () => {
    const a = refreshCookieOf(await start('nishi.approver')).value;
    const b = refreshCookieOf(await start('nishi.approver')).value;
    const aNext = refreshCookieOf(await refresh(a)).value;
    expect((await refresh(a)).status).toBe(401);
    expect((await refresh(aNext)).status).toBe(401);
    expect((await refresh(b)).status).toBe(200);
  });

  it('signs out: 204, the cookie is cleared and the family revoked', async () => {
    const token = refreshCookieOf(await start('higashi.editor')).value;
    const next = refreshCookieOf(await refresh(token)).value;
    const res = await signOut(next);
    expect(res.status).toBe(204);
    const cleared = refreshCookieOf(res);
    expect(cleared.value).toBe('');
    expect(cleared.attributes.path).toBe('/api/v1/auth/session');
    expect((await refresh(next)).status).toBe(401);
    const [{ reason }] = await db.query(
      `SELECT DISTINCT revoked_reason AS reason FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'higashi.editor'`,
    );
    expect(reason).toBe('signed_out');
    // Signing out without a session is not an error.
    expect((await http(base(), { method: 'DELETE' })).status).toBe(204);
  });

  it('answers 401 problem+json without a cookie, and for an unknown or expired token', async () => {
    const none = await http(`${base()}/refresh`, { method: 'POST' });
    expect(none.status).toBe(401);
    expect(none.body.code).toBe('UNAUTHENTICATED');
    expect((await refresh('kkr_' + 'A'.repeat(43))).status).toBe(401);
    const token = refreshCookieOf(await start('kita.approver')).value;
    await db.query(
      `UPDATE refresh_token SET expires_at = now() - interval '1 second'
        WHERE user_id = (SELECT id FROM app_user WHERE username = 'kita.approver') AND rotated_at IS NULL`,
    );
    expect((await refresh(token)).status).toBe(401);
  });

  it('disabling a user revokes their sessions, and a refresh of a disabled user is refused', async () => {
    const token = refreshCookieOf(await start('chuo.approver')).value;
    const admin = as(api.url, await signIn(api.url, 'admin'));
    const [{ id }] = await db.query(`SELECT id FROM app_user WHERE username = 'chuo.approver'`);
    const etag = (await admin.get(`/users/${id}`)).headers.get('etag')!;
    expect((await admin.patch(`/users/${id}`, { active: false }, { 'if-match': etag })).status).toBe(200);
    const [{ live }] = await db.query(
      `SELECT count(*)::int AS live FROM refresh_token WHERE user_id = $1 AND revoked_at IS NULL`,
      [id],
    );
    expect(live).toBe(0);
    expect((await refresh(token)).status).toBe(401);
    // Even a token that somehow escaped revocation is refused while the user is disabled.
    await db.query(`UPDATE refresh_token SET revoked_at = NULL, revoked_reason = NULL WHERE user_id = $1`, [id]);
    expect((await refresh(token)).status).toBe(401);
  });

  it('two refreshes of one token at once: one succeeds, the other is reuse and ends the session', async () => {
    const token = refreshCookieOf(await start('kenko.approver')).value;
    const answers = await Promise.all([refresh(token), refresh(token)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 401]);
    const winner = answers.find((a) => a.status === 200)!;
    expect((await refresh(refreshCookieOf(winner).value)).status).toBe(401);
  });

  it('counts sign-ins here against the same limits as POST /auth/token', async () => {
    const limit = 10; // LOGIN_MAX_ATTEMPTS_PER_USERNAME's default
    for (let i = 0; i < limit; i++) {
      const res =
        i % 2 === 0
          ? await start('seisaku.editor', 'wrong-password')
          : await http(`${api.url}/api/v1/auth/token`, {
              method: 'POST',
              json: { username: 'seisaku.editor', password: 'wrong-password' },
            });
      expect(res.status).toBe(401);
    }
    const limited = await start('seisaku.editor');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(limited.headers.getSetCookie()).toEqual([]);
  });

  it('leaves bearer tokens and API tokens working as before', async () => {
    const auth = await signIn(api.url, 'kenko.approver');
    const me = as(api.url, auth);
    expect((await me.get('/me')).status).toBe(200);
    const created = await me.post('/me/api-tokens', { name: 'integration' });
    expect((await as(api.url, `Bearer ${created.body.token}`).get('/me')).body.via).toBe('api_token');
  });
});
