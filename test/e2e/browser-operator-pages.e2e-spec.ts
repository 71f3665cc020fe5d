import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import {
  axeViolations,
  expectCleanPage,
  expectSameOrigin,
  openBrowser,
  screenshot,
  signInContext,
  type TestBrowser,
} from '../support/browser.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

/**
 * The operators' pages in a real browser (Debian's Chromium), under the API's real
 * Content-Security-Policy: Swagger UI at /docs and the queue dashboard at /admin/queues ask
 * nothing from another origin (the city's network has no internet), log no error and break
 * no rule of the policy. Also checks the harness itself (test/support/browser.ts).
 */
describe('operator pages in a browser', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let webRoot: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    // A stand-in build of the web app, with pages the harness must judge right and wrong.
    webRoot = mkdtempSync(join(tmpdir(), 'kaikaku-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'assets', 'app-1a2b3c.js'), `document.getElementById('root').textContent = '改革';\n`);
    writeFileSync(
      join(webRoot, 'index.html'),
      `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>改革</title><script type="module" src="/assets/app-1a2b3c.js"></script></head>` +
        `<body><main><h1>改革</h1><div id="root"></div></main></body></html>`,
    );
    writeFileSync(
      join(webRoot, 'careless.html'),
      `<!doctype html><html><head><title>x</title><link rel="stylesheet" href="https://fonts.example.net/css"></head>` +
        `<body><img src="/assets/none.png"><script>document.title = 'inline'</script></body></html>`,
    );
    api = await startApi(testConfig(db.url, { WEB_ROOT: webRoot, OPENAPI_UI: 'true', QUEUE_DASHBOARD: 'true' }));
    browser = await openBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('Swagger UI at /docs: renders the API, asks nothing from elsewhere, no console error, no CSP violation', async () => {
    const { page, log, context } = await browser.newPage(api.url);
    await page.goto('/docs');
    await expect(
      page
        .getByRole('heading', { name: /Kaikaku API/ })
        .first()
        .isVisible(),
    ).resolves.toBe(true);
    await page.getByText('/api/v1/auth/session/refresh').first().waitFor();
    await page.waitForLoadState('networkidle');
    expectSameOrigin(log, api.url);
    expectCleanPage(log);
    expect(log.requests.map((r) => new URL(r.url).pathname)).toEqual(
      expect.arrayContaining(['/docs', '/docs/swagger-ui-bundle.js', '/docs/swagger-ui-init.js']),
    );
    await screenshot(page, 'docs');
    await context.close();
  });

  it('the queue dashboard at /admin/queues, signed in as admin: renders the queues, nothing from elsewhere, no error, no CSP violation', async () => {
    const { page, log, context } = await browser.newPage(api.url, {
      httpCredentials: { username: 'admin', password: DEMO_PASSWORD },
    });
    const res = await page.goto('/admin/queues');
    expect(res?.status()).toBe(200);
    await page.getByText('reminders', { exact: false }).first().waitFor();
    await page.waitForLoadState('networkidle');
    expectSameOrigin(log, api.url);
    expectCleanPage(log);
    expect(log.requests.some((r) => new URL(r.url).pathname.startsWith('/admin/queues/api/queues'))).toBe(true);
    await screenshot(page, 'admin-queues');
    await context.close();
  });

  it('the queue dashboard refuses a browser without an admin password', async () => {
    const { page, context } = await browser.newPage(api.url, {
      httpCredentials: { username: 'viewer', password: DEMO_PASSWORD },
    });
    expect((await page.goto('/admin/queues'))?.status()).toBe(403);
    await context.close();
  });

  it('a browser keeps the refresh cookie from scripts and sends it only to the session routes', async () => {
    const { page, context } = await browser.newPage(api.url);
    await page.goto('/');
    await signInContext(context, 'kenko.editor');
    const [cookie] = await context.cookies(`${api.url}/api/v1/auth/session/refresh`);
    expect(cookie).toMatchObject({
      name: 'kaikaku_refresh',
      httpOnly: true,
      sameSite: 'Strict',
      path: '/api/v1/auth/session',
      secure: false,
    });
    expect(await context.cookies(`${api.url}/api/v1/me`)).toEqual([]);
    expect(await context.cookies(`${api.url}/`)).toEqual([]);
    await expect(page.evaluate('document.cookie')).resolves.toBe('');
    // What the web app does on load: refresh with the cookie the browser sends by itself.
    const refreshed = await page.evaluate<{ status: number; body: { access_token: string } }>(
      `fetch('/api/v1/auth/session/refresh', { method: 'POST' }).then(async (r) => ({ status: r.status, body: await r.json() }))`,
    );
    expect(refreshed.status).toBe(200);
    const me = await page.evaluate<{ username: string }>(
      `fetch('/api/v1/me', { headers: { authorization: 'Bearer ${refreshed.body.access_token}' } }).then((r) => r.json())`,
    );
    expect(me.username).toBe('kenko.editor');
    const [rotated] = await context.cookies(`${api.url}/api/v1/auth/session/refresh`);
    expect(rotated.value).not.toBe(cookie.value);
    expect(await page.evaluate(`fetch('/api/v1/auth/session', { method: 'DELETE' }).then((r) => r.status)`)).toBe(204);
    expect(await context.cookies(`${api.url}/api/v1/auth/session/refresh`)).toEqual([]);
    await context.close();
  });

  describe('the harness', () => {
    it('passes a clean page of the web app: same origin, no errors, no serious axe violation', async () => {
      const { page, log, context } = await browser.newPage(api.url);
      await page.goto('/proposals/123');
      await page.getByText('改革').last().waitFor();
      await expect(page.locator('#root').textContent()).resolves.toBe('改革');
      expectSameOrigin(log, api.url);
      expectCleanPage(log);
      expect(await axeViolations(page)).toEqual([]);
      const path = await screenshot(page, 'harness-clean');
      expect(readFileSync(path).subarray(1, 4).toString()).toBe('PNG');
      await context.close();
    });

    it('catches what a careless page does: a foreign request, an inline script (CSP), a missing alt text, a 404', async () => {
      const { page, log, context } = await browser.newPage(api.url);
      await page.goto('/careless.html');
      await page.waitForLoadState('networkidle');
      expect(() => expectSameOrigin(log, api.url)).toThrow(/fonts\.example\.net/);
      expect(log.cspViolations.join('\n')).toMatch(/script-src/);
      expect(() => expectCleanPage(log)).toThrow();
      expect(log.failedResponses.join('\n')).toMatch(/404 GET .*\/assets\/none\.png/);
      // The inline script did not run.
      await expect(page.title()).resolves.toBe('x');
      const violations = await axeViolations(page);
      expect(violations.map((v) => v.id)).toEqual(expect.arrayContaining(['image-alt', 'html-has-lang']));
      expect(violations.every((v) => v.impact === 'serious' || v.impact === 'critical')).toBe(true);
      await context.close();
    });
  });
});
