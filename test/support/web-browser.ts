import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';

/**
 * A minimal Chromium launcher for the page tests (Debian's chromium, no download), recording
 * every request so a test can assert that none leaves the origin. To be replaced by the shared
 * browser harness (test/support/browser.ts) once it lands.
 */
const CANDIDATES = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].filter(Boolean) as string[];

export async function launchBrowser(): Promise<Browser> {
  const executablePath = CANDIDATES.find((p) => existsSync(p));
  if (!executablePath) throw new Error('Chromium not found: apt-get install -y chromium (or set CHROMIUM_PATH)');
  return chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-dev-shm-usage'] });
}

export interface WebPage {
  context: BrowserContext;
  page: Page;
  /** Every URL the page requested. */
  requests: string[];
}

export async function openPage(browser: Browser, origin: string): Promise<WebPage> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo', baseURL: origin });
  const page = await context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  return { context, page, requests };
}

/** Requests that went anywhere but the app's own origin (data: and blob: URLs stay in the page). */
export function foreignRequests(requests: string[], origin: string): string[] {
  const own = new URL(origin).origin;
  return requests.filter((u) => !/^(data|blob):/.test(u) && new URL(u).origin !== own);
}

/** axe-core on the current page: the serious and critical violations, by rule and target. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/**
 * Opens a path as a person would type it. Without a live session the app shows the sign-in
 * page at that path; signing in there shows the page asked for.
 */
export async function visit(page: Page, path: string, username: string, password: string): Promise<void> {
  await page.goto(path);
  const signIn = page.getByRole('heading', { level: 1, name: 'サインイン' });
  const signedIn = page.getByRole('button', { name: 'サインアウト' });
  await signIn.or(signedIn).first().waitFor();
  if (await signIn.isVisible()) {
    await page.getByLabel('ユーザー名').fill(username);
    await page.getByLabel('パスワード').fill(password);
    await page.getByRole('button', { name: 'サインイン' }).click();
    await signedIn.waitFor();
  }
}
