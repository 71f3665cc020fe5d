import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { axeViolations, expectSameOrigin, openBrowser, signInContext, type TestBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * A page's route chunk that cannot be loaded — as after a release, when a browser still holds
 * the previous index.html and its chunks are gone — is told inside the frame in Japanese with a
 * reload, and the reload brings the page. Without the route error element, React Router shows
 * its own English developer screen instead of the frame.
 */
describe('the web app when a page cannot be loaded', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
  });

  it('says so in the frame and offers a reload that brings the page', async () => {
    const person = await browser.newPage(api.url);
    const { page } = person;
    await signInContext(person.context, 'kenko.editor');
    // The deadlines page's chunk is "gone": every request for it fails, until the reload.
    let gone = true;
    await page.route(/\/assets\/deadlines-page-[\w-]+\.js$/, (route) => (gone ? route.abort() : route.continue()));

    await page.goto('/deadlines');
    await page.getByRole('heading', { name: 'ページを読み込めませんでした' }).waitFor();
    // The frame (header and its menu) is still there around the message.
    await expect(page.getByRole('button', { name: 'サインアウト' }).isVisible()).resolves.toBe(true);
    expect(await axeViolations(page)).toEqual([]);
    expectSameOrigin(person.log, api.url);

    gone = false;
    await page.getByRole('button', { name: '再読み込み' }).click();
    await page.getByRole('heading', { name: '期限', level: 1 }).waitFor();
    await expect(page.getByRole('heading', { name: 'ページを読み込めませんでした' }).count()).resolves.toBe(0);
  });
});
