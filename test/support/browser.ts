/**
 * The browser tests' harness: Debian's Chromium driven by playwright-core (no browser is
 * ever downloaded; the jest global setup installs the `chromium` and `fonts-noto-cjk`
 * packages when missing and root, see scripts/services.mjs findChromium).
 *
 *   const browser = await openBrowser();                 // one per test file; close it in afterAll
 *   const { page, log } = await browser.newPage(api.url, { httpCredentials? , viewport? });
 *   await page.goto(`${api.url}/proposals`);             // drive it by role and accessible name
 *   expectSameOrigin(log, api.url);                      // no request left the server's origin
 *   expectCleanPage(log);                                // no console error, page error or CSP violation
 *   expect(await axeViolations(page)).toEqual([]);       // axe-core, wcag2a + wcag2aa: serious and critical only
 *   await screenshot(page, 'proposals-list');            // .local/screenshots/proposals-list.png (git-ignored)
 *   await signInContext(context, 'kenko.editor');        // a browser session without the sign-in page (refresh cookie set)
 *   await browser.close();
 *
 * `log` is live: `requests` (every request the page made, foreign ones included: those are
 * recorded and then aborted, as a closed network would), `consoleErrors`, `pageErrors`,
 * `cspViolations` (from the page's securitypolicyviolation events) and `failedResponses`
 * (status ≥ 400, for diagnosis). `log.clear()` forgets what was recorded so far.
 */
import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from '@jest/globals';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from './database.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SCREENSHOT_DIR = join(ROOT, '.local', 'screenshots');
/** The size of the README's screenshots, and the default of every test page. */
export const VIEWPORT = { width: 1280, height: 800 };

export interface RecordedRequest {
  url: string;
  method: string;
  resourceType: string;
}

export interface PageLog {
  requests: RecordedRequest[];
  consoleErrors: string[];
  pageErrors: string[];
  cspViolations: string[];
  failedResponses: string[];
  clear(): void;
}

export interface TestPage {
  page: Page;
  context: BrowserContext;
  log: PageLog;
}

export interface TestBrowser {
  browser: Browser;
  /** A new context (own cookies and storage) with one page, recording into its log. */
  newPage(baseUrl: string, options?: BrowserContextOptions): Promise<TestPage>;
  close(): Promise<void>;
}

/** Debian's Chromium: TEST_CHROMIUM (set by the global setup), else /usr/bin/chromium. */
export function chromiumPath(): string {
  const candidates = [process.env.TEST_CHROMIUM, process.env.CHROMIUM_PATH, '/usr/bin/chromium'].filter(
    (p): p is string => Boolean(p),
  );
  const found = candidates.find((p) => existsSync(p));
  if (!found)
    throw new Error(
      'No Chromium for the browser tests: run the tests as root once (they install it), or `apt-get install -y chromium fonts-noto-cjk`',
    );
  return found;
}

export async function openBrowser(): Promise<TestBrowser> {
  // --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start.
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-dev-shm-usage'],
  });
  return {
    browser,
    newPage: (baseUrl, options) => newPage(browser, baseUrl, options),
    close: () => browser.close(),
  };
}

const isPageScheme = (url: string) => /^(data|blob|about|chrome-error):/.test(url);

export async function newPage(
  browser: Browser,
  baseUrl: string,
  options: BrowserContextOptions = {},
): Promise<TestPage> {
  const origin = new URL(baseUrl).origin;
  const context = await browser.newContext({
    viewport: VIEWPORT,
    locale: 'ja-JP',
    timezoneId: 'Asia/Tokyo',
    ...options,
    baseURL: baseUrl,
  });
  const log: PageLog = {
    requests: [],
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    failedResponses: [],
    clear() {
      for (const list of [this.requests, this.consoleErrors, this.pageErrors, this.cspViolations, this.failedResponses])
        list.length = 0;
    },
  };
  context.on('request', (request) =>
    log.requests.push({ url: request.url(), method: request.method(), resourceType: request.resourceType() }),
  );
  context.on('response', (response) => {
    if (response.status() >= 400)
      log.failedResponses.push(`${response.status()} ${response.request().method()} ${response.url()}`);
  });
  // A closed network: nothing foreign is fetched (it is recorded above, then refused here).
  await context.route(
    (url) => url.origin !== origin && !isPageScheme(url.href),
    (route) => route.abort('blockedbyclient'),
  );
  // CSP violations as the page sees them. The binding is called from an init script, which
  // the page's own CSP does not govern (so it cannot hide a violation).
  await context.exposeBinding('__kaikakuCspViolation', (_source, text: string) => {
    log.cspViolations.push(text);
  });
  // (A string: the tests are type-checked without the DOM's types.)
  await context.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (e) =>
      window.__kaikakuCspViolation(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' (' + e.sourceFile + ':' + e.lineNumber + ')'));`,
  });
  const page = await context.newPage();
  page.on('console', (message) => {
    if (message.type() === 'error') log.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => log.pageErrors.push(error.message));
  return { page, context, log };
}

/** Every request of the page went to `origin` (data: and blob: URLs are the page's own). */
export function expectSameOrigin(log: PageLog, origin: string): void {
  const own = new URL(origin).origin;
  const foreign = log.requests
    .filter((r) => !isPageScheme(r.url) && new URL(r.url).origin !== own)
    .map((r) => `${r.method} ${r.url} (${r.resourceType})`);
  expect(foreign).toEqual([]);
  expect(log.requests.length).toBeGreaterThan(0);
}

/** No console error, no uncaught error and no CSP violation on the page. */
export function expectCleanPage(log: PageLog): void {
  expect({ consoleErrors: log.consoleErrors, pageErrors: log.pageErrors, cspViolations: log.cspViolations }).toEqual({
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
  });
}

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/** axe-core with the WCAG 2 A and AA rules; only serious and critical violations are answered. */
export async function axeViolations(page: Page, options: { exclude?: string[] } = {}): Promise<AxeViolation[]> {
  let builder = new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']);
  for (const selector of options.exclude ?? []) builder = builder.exclude(selector);
  const results = await builder.analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => ({ id: v.id, impact: v.impact!, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
}

/** A full-page PNG under .local/screenshots/ (git-ignored); answers its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(name))
    throw new Error(`screenshot name ${JSON.stringify(name)}: letters, digits, . _ - only`);
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/**
 * Signs a browser context in as `username` through POST /api/v1/auth/session, as the sign-in
 * page does: the httpOnly refresh cookie lands in the context, so the web app's first refresh
 * finds the session. For tests whose subject is not the sign-in page.
 */
export async function signInContext(
  context: BrowserContext,
  username: string,
  password = DEMO_PASSWORD,
): Promise<void> {
  const res = await context.request.post('/api/v1/auth/session', { data: { username, password } });
  if (!res.ok()) throw new Error(`browser sign-in of ${username} failed: ${res.status()} ${await res.text()}`);
}

/**
 * The page at `width` px wide (a phone), as a person would see it after turning the phone or
 * narrowing the window: the viewport is set, the page gets two frames to lay itself out again
 * (charts redraw on a ResizeObserver), then answers its scroll width and the elements
 * that stick out on the right, of the window or of the card (`section`) they are drawn in
 * (the innermost ones; not those inside a box that scrolls sideways on its own), so a failure
 * names the culprit. The viewport stays at `width`.
 */
export async function horizontalOverflow(
  page: Page,
  width = 375,
): Promise<{ scrollWidth: number; culprits: string[] }> {
  const size = page.viewportSize() ?? VIEWPORT;
  await page.setViewportSize({ width, height: size.height });
  // (A string: the tests are type-checked without the DOM's types.)
  return page.evaluate<{
    scrollWidth: number;
    culprits: string[];
  }>(`new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => {
    const limit = document.documentElement.clientWidth + 1;
    const scrolls = (e) => /(auto|scroll|hidden)/.test(getComputedStyle(e).overflowX);
    const name = (e) => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.getAttribute('class') ? '.' + e.getAttribute('class').trim().split(/\\s+/).slice(0, 3).join('.') : '')
      + (e.getAttribute('aria-label') ? '[' + e.getAttribute('aria-label') + ']' : '');
    const culprits = [];
    // The innermost element that sticks out is the one to fix (its wrappers only follow it).
    // Inside a card (a section) its right edge is the limit: text running over a card's border
    // is as wrong as a page wider than the phone.
    const visit = (e, edge) => {
      const out = (x) => x.getBoundingClientRect().right > edge + 1;
      for (const c of e.children) {
        if (out(c) && (scrolls(c) || ![...c.children].some(out)))
          culprits.push(name(c) + ' (' + Math.round(c.getBoundingClientRect().right) + ' px' + (edge + 1 < limit ? ', its card ends at ' + Math.round(edge) + ' px' : '') + ')');
        else if (!scrolls(c)) visit(c, c.tagName === 'SECTION' ? Math.min(edge, c.getBoundingClientRect().right) : edge);
      }
    };
    visit(document.body, limit - 1);
    resolve({ scrollWidth: document.documentElement.scrollWidth, culprits: culprits.slice(0, 5) });
  })))`);
}

/**
 * The page as a phone shows it (375 px wide, drawn wide first as a turned phone or a narrowed
 * window does): nothing wider than the phone (a wide table scrolls in its own box, so every
 * button stays in reach) and axe still clean; saved as `<name>-375.png`; then the viewport it had.
 */
export async function expectFitsPhone(page: Page, name: string, width = 375): Promise<void> {
  const size = page.viewportSize() ?? VIEWPORT;
  const narrow = await horizontalOverflow(page, width);
  expect({ page: name, fits: narrow.scrollWidth <= width, culprits: narrow.culprits }).toEqual({
    page: name,
    fits: true,
    culprits: [],
  });
  expect(await axeViolations(page)).toEqual([]);
  await screenshot(page, `${name}-${width}`);
  await page.setViewportSize(size);
}
