import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

/**
 * The web application as the API serves it, on a stand-in build (this file does not build
 * apps/web), and the security headers every answer carries.
 */
describe('the web application at / and the security headers', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let bare: RunningApi;
  let webRoot: string;
  const INDEX =
    '<!doctype html><html lang="ja"><head><script type="module" src="/assets/index-Dk3x9a.js"></script></head><body><div id="root"></div></body></html>';

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    webRoot = mkdtempSync(join(tmpdir(), 'kaikaku-web-'));
    mkdirSync(join(webRoot, 'assets'));
    writeFileSync(join(webRoot, 'index.html'), INDEX);
    writeFileSync(join(webRoot, 'assets', 'index-Dk3x9a.js'), 'console.log("app");\n');
    writeFileSync(join(webRoot, 'favicon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    api = await startApi(testConfig(db.url, { WEB_ROOT: webRoot, OPENAPI_UI: 'true', QUEUE_DASHBOARD: 'true' }));
    bare = await startApi(testConfig(db.url, { WEB_ROOT: join(webRoot, 'not-built') }));
  });
  afterAll(async () => {
    await api?.close();
    await bare?.close();
    await db?.drop();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });

  it('serves index.html at / with no-cache', async () => {
    const res = await http(`${api.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    expect(res.text).toBe(INDEX);
  });

  it('serves hashed assets as immutable for a year', async () => {
    const res = await http(`${api.url}/assets/index-Dk3x9a.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // An unhashed file of the build is revalidated like index.html.
    expect((await http(`${api.url}/favicon.svg`)).headers.get('cache-control')).toBe('no-cache');
  });

  it('answers a missing asset with 404, not with the page', async () => {
    const res = await http(`${api.url}/assets/index-gone.js`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it.each(['/proposals/123', '/inquiries', '/meetings/5/agenda?tab=1', '/apiary', '/publicity'])(
    'answers index.html for the application route %s (GET and HEAD)',
    async (path) => {
      const res = await http(`${api.url}${path}`);
      expect(res.status).toBe(200);
      expect(res.text).toBe(INDEX);
      expect(res.headers.get('cache-control')).toBe('no-cache');
      const head = await fetch(`${api.url}${path}`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(head.headers.get('content-type')).toMatch(/^text\/html/);
    },
  );

  it.each(['/api/v1/nope', '/api', '/api/v2/proposals', '/docs/nope', '/health/nope', '/admin/nope', '/metrics/nope'])(
    'never shadows the reserved path %s: 404 problem+json',
    async (path) => {
      const res = await http(`${api.url}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'NOT_FOUND', status: 404 });
      expect(res.text).not.toContain('<div id="root">');
    },
  );

  it.each(['/public', '/public/plans', '/public/nope'])(
    'leaves %s to the citizens’ site (its own pages, never the application)',
    async (path) => {
      const res = await http(`${api.url}${path}`);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.text).toContain('市役所改革の進捗（公開ページ）');
      expect(res.text).not.toContain('<div id="root">');
    },
  );

  it('leaves /docs, /docs-json, /health and the API to their own routes', async () => {
    const docs = await http(`${api.url}/docs`);
    expect(docs.status).toBe(200);
    expect(docs.text).toMatch(/swagger-ui/);
    expect((await http(`${api.url}/docs-json`)).body.openapi).toMatch(/^3\./);
    const health = await http(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(health.headers.get('content-type')).toMatch(/json/);
    // The metrics, not the page (loopback, no METRICS_TOKEN: test/e2e/metrics covers the rule).
    expect((await http(`${api.url}/metrics`)).headers.get('content-type')).toMatch(/^text\/plain/);
    expect((await http(`${api.url}/api/v1/me`)).status).toBe(401);
    // A known API path with another verb is still the API's 404, not the page.
    expect((await http(`${api.url}/api/v1/auth/token`)).status).toBe(404);
  });

  it('starts without a build; / then says so in a 404 problem+json, and the API works', async () => {
    const res = await http(`${bare.url}/`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'NOT_FOUND' });
    expect(res.body.detail).toMatch(/web application is not built/);
    expect((await http(`${bare.url}/proposals/1`)).body.detail).toMatch(/not built/);
    expect((await http(`${bare.url}/api/v1/nope`)).body.detail).not.toMatch(/not built/);
    expect((await http(`${bare.url}/health`)).status).toBe(200);
  });

  describe('security headers', () => {
    const directives = (csp: string) =>
      Object.fromEntries(
        csp
          .split(';')
          .map((d) => d.trim().split(/\s+/))
          .map(([name, ...values]) => [name, values]),
      );

    it.each(['/', '/proposals/1', '/api/v1/me', '/health', '/docs', '/assets/index-Dk3x9a.js'])(
      '%s carries a strict Content-Security-Policy and the other headers',
      async (path) => {
        const res = await http(`${api.url}${path}`);
        const csp = res.headers.get('content-security-policy');
        expect(csp).toBeTruthy();
        expect(directives(csp!)).toEqual({
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:', 'blob:'],
          'font-src': ["'self'", 'data:'],
          'connect-src': ["'self'"],
          'frame-ancestors': ["'none'"],
          'object-src': ["'none'"],
          'base-uri': ["'self'"],
          'form-action': ["'self'"],
        });
        expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
        expect(res.headers.get('referrer-policy')).toBe('same-origin');
        expect(res.headers.get('x-frame-options')).toBe('DENY');
        expect(res.headers.get('x-powered-by')).toBeNull();
      },
    );

    it('also on errors (401, 404) and on the queue dashboard', async () => {
      const basic = `Basic ${Buffer.from(`admin:${DEMO_PASSWORD}`).toString('base64')}`;
      for (const [path, headers] of [
        ['/api/v1/nope', {}],
        ['/api/v1/users', {}],
        ['/admin/queues', { authorization: basic }],
      ] as const) {
        const res = await http(`${api.url}${path}`, { headers });
        expect(res.headers.get('content-security-policy')).toMatch(/default-src 'self'.*script-src 'self';/);
        expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      }
    });
  });

  it('serves the queue dashboard page without its internet font link (nothing on another origin)', async () => {
    const basic = `Basic ${Buffer.from(`admin:${DEMO_PASSWORD}`).toString('base64')}`;
    const res = await http(`${api.url}/admin/queues`, { headers: { authorization: basic } });
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<html/);
    expect(res.text).toMatch(/static\/css\/main\.[0-9a-f]+\.css/);
    expect(res.text).not.toMatch(/googleapis|gstatic/);
    // No URL in the page names another origin (the SVG namespace is not a request).
    const urls = [...res.text.matchAll(/(?:href|src)\s*=\s*["']?([^"'\s>]+)/g)].map((m) => m[1]);
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((u) => /^(?:[a-z]+:)?\/\//i.test(u))).toEqual([]);
  });
});
