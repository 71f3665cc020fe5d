import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApiApp } from '../../apps/api/src/api-app.js';
import { http, testConfig } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { axeViolations, openBrowser, screenshot, VIEWPORT, type TestBrowser } from '../support/browser.js';
import { ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import {
  CookieJar,
  startOidcProvider,
  visitProvider,
  type ProviderAccount,
  type TestOidcProvider,
} from '../support/oidc.js';
import { freePort } from '../support/private-services.js';

/**
 * Sign-in through the city's OpenID Connect provider: a real provider (`oidc-provider`) on a
 * loopback port, the authorization code flow with PKCE driven as a browser drives it (redirects,
 * the provider's sign-in form, cookies). Claims give the person, their unit and roles; a person
 * the provider marks disabled is refused and their sessions here end.
 */
const TANAKA: ProviderAccount = {
  preferred_username: 'tanaka.oidc',
  name: '田中 花子',
  email: 'tanaka@city.example',
  department: 'kenko',
  groups: ['kaikaku-editors'],
  employee_number: 'K2001',
};
const SATO: ProviderAccount = {
  preferred_username: 'sato.oidc',
  name: '佐藤 次郎',
  department: 'chuo',
  groups: ['kaikaku-editors'],
};
const SUZUKI: ProviderAccount = {
  preferred_username: 'suzuki.oidc',
  name: '鈴木 一郎',
  department: '総務局',
  groups: ['kaikaku-secretariat', 'unrelated'],
};
const PEOPLE = { 'sub-tanaka': TANAKA, 'sub-suzuki': SUZUKI, 'sub-sato': SATO };

describe('directory sign-in over OpenID Connect', () => {
  let provider: TestOidcProvider;
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let url: string;
  // The web app for the browser, reached as `localhost`: another site than the provider's
  // 127.0.0.1, so the browser's SameSite rules for the flow and session cookies are exercised.
  let webApp: NestFastifyApplication;
  let webUrl: string;
  let browser: TestBrowser;

  const configured = (dbUrl: string, publicBaseUrl: string) =>
    testConfig(dbUrl, {
      PUBLIC_BASE_URL: publicBaseUrl,
      OIDC_ISSUER: provider.issuer,
      OIDC_CLIENT_ID: provider.clientId,
      OIDC_CLIENT_SECRET: provider.clientSecret,
      OIDC_SCOPES: 'openid profile email kaikaku',
      OIDC_DISABLED_CLAIM: 'account_disabled',
      DIRECTORY_ROLE_MAP: JSON.stringify({
        'kaikaku-editors': 'bureau_editor@{unit}',
        'kaikaku-secretariat': ['secretariat@kumamoto', 'viewer@kumamoto'],
      }),
    });

  beforeAll(async () => {
    const [providerPort, apiPort, webPort] = [await freePort(), await freePort(), await freePort()];
    url = `http://127.0.0.1:${apiPort}`;
    webUrl = `http://localhost:${webPort}`;
    provider = await startOidcProvider(
      providerPort,
      [`${url}/api/v1/auth/oidc/callback`, `${webUrl}/api/v1/auth/oidc/callback`],
      PEOPLE,
    );
    db = await createTestDatabase({ demo: true });
    app = await createApiApp(configured(db.url, url));
    await app.listen(apiPort, '127.0.0.1');
    webApp = await createApiApp(configured(db.url, webUrl));
    await webApp.listen(webPort, '127.0.0.1');
    browser = await openBrowser();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await webApp?.close();
    await app?.close();
    await db?.drop();
    await provider?.stop();
  });

  /** A browser's whole sign-in: to the provider and back; answers the callback's answer and the browser's cookies here. */
  async function signInAs(login: string, options: { cancel?: boolean } = {}) {
    const jar = new CookieJar();
    const visit = await visitProvider(`${url}/api/v1/auth/oidc`, jar, login, options);
    const back = await fetch(visit.callback, { redirect: 'manual', headers: { cookie: jar.header() } });
    jar.take(back.headers);
    return { visit, status: back.status, location: back.headers.get('location'), jar };
  }
  const refresh = (jar: CookieJar) =>
    http(`${url}/api/v1/auth/session/refresh`, {
      method: 'POST',
      headers: { cookie: `kaikaku_refresh=${jar.get('kaikaku_refresh') ?? ''}` },
    });
  const events = async (kind: string, username?: string) =>
    ok(
      await as(url, await signIn(url, 'admin')).get(
        `/security-events?kind=${kind}${username ? `&username=${username}` : ''}`,
      ),
    ).body.items as Array<{ details: Record<string, unknown> }>;
  const grantsOf = (me: { grants: Array<{ role: string; orgUnit: { code: string } }> }) =>
    me.grants.map((g) => `${g.role}@${g.orgUnit.code}`).sort();

  it('tells the sign-in page that the city’s provider is there', async () => {
    expect(ok(await http(`${url}/api/v1/auth/methods`)).body).toEqual({ password: true, oidc: true });
  });

  it('creates the person at their first sign-in (code flow with PKCE), with unit and roles from the claims, and starts a browser session', async () => {
    expect(await db.query(`SELECT 1 FROM app_user WHERE username = 'tanaka.oidc'`)).toHaveLength(0);
    const { visit, status, location, jar } = await signInAs('sub-tanaka');
    expect(visit.authorization.searchParams.get('code_challenge_method')).toBe('S256');
    expect(visit.authorization.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(visit.callback.searchParams.get('code')).toBeTruthy();
    expect([status, location]).toEqual([303, '/']);
    // The web app trades the refresh cookie for an access token, as after a password sign-in.
    const token = ok(await refresh(jar)).body.access_token as string;
    const me = ok(await as(url, `Bearer ${token}`).get('/me')).body;
    expect(me).toMatchObject({
      username: 'tanaka.oidc',
      displayName: '田中 花子',
      email: 'tanaka@city.example',
      orgUnit: { code: 'kenko' },
    });
    expect(grantsOf(me)).toEqual(['bureau_editor@kenko']);
    const [row] = await db.query(
      `SELECT directory, directory_subject, employee_number, password_hash FROM app_user WHERE username = 'tanaka.oidc'`,
    );
    expect(row).toEqual({
      directory: 'oidc',
      directory_subject: 'sub-tanaka',
      employee_number: 'K2001',
      password_hash: null,
    });
    expect((await events('user.created', 'tanaka.oidc'))[0].details).toMatchObject({
      via: 'oidc',
      unit: 'kenko',
      grants: ['bureau_editor@kenko'],
    });
    expect((await events('signin.succeeded', 'tanaka.oidc'))[0].details).toMatchObject({ via: 'oidc' });

    // A unit named in Japanese, a group giving city-wide roles, a group that maps to nothing.
    const suzuki = await signInAs('sub-suzuki');
    const suzukiMe = ok(await as(url, `Bearer ${ok(await refresh(suzuki.jar)).body.access_token}`).get('/me')).body;
    expect(suzukiMe.orgUnit.code).toBe('somu');
    expect(grantsOf(suzukiMe)).toEqual(['secretariat@kumamoto', 'viewer@kumamoto']);
  });

  it('follows the provider’s groups at each sign-in', async () => {
    provider.setAccounts({ ...PEOPLE, 'sub-tanaka': { ...TANAKA, groups: ['kaikaku-secretariat'] } });
    const { jar } = await signInAs('sub-tanaka');
    const me = ok(await as(url, `Bearer ${ok(await refresh(jar)).body.access_token}`).get('/me')).body;
    expect(grantsOf(me)).toEqual(['secretariat@kumamoto', 'viewer@kumamoto']);
    expect((await events('grants.changed', 'tanaka.oidc'))[0].details).toMatchObject({
      before: ['bureau_editor@kenko'],
      after: ['secretariat@kumamoto', 'viewer@kumamoto'],
      via: 'oidc',
    });
    provider.setAccounts(PEOPLE);
  });

  it('refuses an answer that is not this browser’s attempt, a cancelled sign-in and a missing flow, and logs each', async () => {
    // The code of another browser's attempt, brought back without that browser's flow cookie.
    const stolen = await visitProvider(`${url}/api/v1/auth/oidc`, new CookieJar(), 'sub-tanaka');
    const other = new CookieJar();
    await fetch(`${url}/api/v1/auth/oidc`, { redirect: 'manual' }).then((r) => other.take(r.headers));
    const forged = await fetch(stolen.callback, { redirect: 'manual', headers: { cookie: other.header() } });
    expect([forged.status, forged.headers.get('location')]).toEqual([303, '/?signin=oidc_refused']);
    expect(forged.headers.getSetCookie().join()).not.toContain('kaikaku_refresh=k');

    const noFlow = await fetch(stolen.callback, { redirect: 'manual' });
    expect(noFlow.headers.get('location')).toBe('/?signin=oidc_refused');

    const cancelled = await signInAs('sub-tanaka', { cancel: true });
    expect(cancelled.visit.callback.searchParams.get('error')).toBe('access_denied');
    expect(cancelled.location).toBe('/?signin=oidc_refused');
    expect(cancelled.jar.get('kaikaku_refresh')).toBeUndefined();

    const reasons = (
      await db.query(
        `SELECT details->>'reason' AS reason FROM security_event WHERE kind = 'signin.failed' AND details->>'via' = 'oidc' ORDER BY id`,
      )
    ).map((r) => r.reason);
    expect(reasons).toEqual(['oidc_answer_invalid', 'oidc_flow_missing', 'oidc_access_denied']);
  });

  it('refuses a person the provider marks disabled at their next sign-in and revokes their refresh tokens', async () => {
    const before = await signInAs('sub-tanaka');
    expect(before.location).toBe('/');
    const token = ok(await refresh(before.jar)).body.access_token as string;
    before.jar.take((await refresh(before.jar)).headers);
    expect((await as(url, `Bearer ${token}`).get('/me')).status).toBe(200);

    provider.setAccounts({ ...PEOPLE, 'sub-tanaka': { ...TANAKA, account_disabled: true } });
    const after = await signInAs('sub-tanaka');
    expect([after.status, after.location]).toEqual([303, '/?signin=oidc_refused']);
    expect(after.jar.get('kaikaku_refresh')).toBeUndefined();
    const disabled = await events('user.disabled', 'tanaka.oidc');
    expect(disabled).toHaveLength(1);
    // Every live session of theirs: this one and those of the earlier tests.
    expect(disabled[0].details).toMatchObject({ by: 'oidc' });
    expect(disabled[0].details.sessionsRevoked).toBeGreaterThanOrEqual(1);
    expect((await events('signin.failed', 'tanaka.oidc'))[0].details).toMatchObject({
      reason: 'directory_disabled',
      via: 'oidc',
    });
    expect((await refresh(before.jar)).status).toBe(401);
    expect((await as(url, `Bearer ${token}`).get('/me')).status).toBe(401);
    const [{ active }] = await db.query(`SELECT active FROM app_user WHERE username = 'tanaka.oidc'`);
    expect(active).toBe(false);
    const revoked = await db.query(
      `SELECT count(*)::int AS n FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE u.username = 'tanaka.oidc' AND t.revoked_at IS NULL`,
    );
    expect(revoked[0].n).toBe(0);

    // Enabled again at the provider: still disabled here until an admin enables the account.
    provider.setAccounts(PEOPLE);
    expect((await signInAs('sub-tanaka')).location).toBe('/?signin=oidc_refused');
    expect((await events('signin.failed', 'tanaka.oidc'))[0].details).toMatchObject({
      reason: 'disabled',
      via: 'oidc',
    });
  });

  it('in a browser: the sign-in page offers 「庁内アカウントでサインイン」, the provider signs the person in, a refusal is told in Japanese', async () => {
    const context = await browser.browser.newContext({
      viewport: VIEWPORT,
      locale: 'ja-JP',
      timezoneId: 'Asia/Tokyo',
      baseURL: webUrl,
    });
    const documents: string[] = [];
    const others: string[] = [];
    context.on('request', (r) =>
      (r.resourceType() === 'document' ? documents : others).push(`${r.method()} ${r.url()}`),
    );
    // A closed network but for the app and the provider (whose development sign-in page asks for a web font).
    await context.route(
      (u) => u.origin !== webUrl && u.origin !== provider.issuer,
      (route) => route.abort('blockedbyclient'),
    );
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto('/');
      const link = page.getByRole('link', { name: '庁内アカウントでサインイン' });
      await link.waitFor();
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'signin-oidc');
      // The password form stays for local accounts.
      await page.getByRole('textbox', { name: 'ユーザー名' }).waitFor();

      await link.click();
      await page.locator('input[name=login]').fill('sub-sato');
      await page.locator('input[name=password]').fill('the-provider-checks-this');
      await page.getByRole('button', { name: 'Sign-in' }).click();
      await page.getByRole('button', { name: 'サインアウト' }).waitFor();
      await page.waitForURL(`${webUrl}/`);
      // The header names the person once /me has answered.
      await page.getByText('佐藤 次郎', { exact: true }).first().waitFor();
      // The app's own requests went to the app only; the provider was reached by navigations (its own page's fetches aside).
      expect(
        others.filter(
          (r) => !r.includes(`${webUrl}/`) && !r.includes(`${provider.issuer}/`) && !r.includes('fonts.googleapis.com'),
        ),
      ).toEqual([]);
      expect(others.filter((r) => r.includes(`${provider.issuer}/`))).toEqual([]);
      expect(documents.some((d) => d.startsWith(`GET ${provider.issuer}/auth?`))).toBe(true);
      // After a reload the refresh cookie (SameSite=Strict) still signs the person in.
      await page.reload();
      await page.getByRole('button', { name: 'サインアウト' }).waitFor();

      await page.getByRole('button', { name: 'サインアウト' }).click();
      provider.setAccounts({ ...PEOPLE, 'sub-sato': { ...SATO, account_disabled: true } });
      await page.getByRole('link', { name: '庁内アカウントでサインイン' }).click();
      // Still signed in at the provider: straight back, refused here.
      const alert = page.getByRole('alert').filter({ hasText: '庁内アカウントでサインインできませんでした' });
      await alert.waitFor();
      expect(new URL(page.url()).search).toBe('');
      expect(await axeViolations(page)).toEqual([]);
      await screenshot(page, 'signin-oidc-refused');
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 120_000);

  it('answers 404 for the provider’s routes and says so to the sign-in page where none is configured', async () => {
    const plain = await createTestDatabase({ demo: true });
    const other = await createApiApp(testConfig(plain.url));
    try {
      await other.listen(0, '127.0.0.1');
      const address = other.getHttpServer().address();
      const otherUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
      expect(ok(await http(`${otherUrl}/api/v1/auth/methods`)).body).toEqual({ password: true, oidc: false });
      const start = await http(`${otherUrl}/api/v1/auth/oidc`, { redirect: 'manual' });
      expect([start.status, start.body.code]).toEqual([404, 'NOT_FOUND']);
    } finally {
      await other.close();
      await plain.drop();
    }
  });
});
