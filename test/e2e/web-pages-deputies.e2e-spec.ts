import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { SMALL_PROPOSAL_AMOUNT } from '#libs/workflow';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import {
  axeViolations,
  expectCleanPage,
  expectFitsPhone,
  expectSameOrigin,
  openBrowser,
  screenshot,
  signInContext,
  type TestBrowser,
  type TestPage,
} from '../support/browser.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok, openInquiry } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 代決 in Chromium on the real API: the absent person names a deputy on the 代決 page (a
 * back-dated period is refused in Japanese at its field), the deputy's マイページ shows what
 * waits for the absent person, the proposal's history marks 代決 and 専決 steps, and the absent
 * person reads and marks the decision taken for them (後閲). Every page axe clean, same origin.
 */
describe('the web pages: 代決 and 専決', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    browser = await openBrowser();
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
  });

  async function as(username: string, path: string): Promise<TestPage> {
    const person = await browser.newPage(api.url);
    await signInContext(person.context, username);
    await person.page.goto(path);
    await person.page.getByRole('button', { name: 'サインアウト' }).waitFor();
    return person;
  }

  async function look(person: TestPage, name: string): Promise<void> {
    const { page } = person;
    await page.getByRole('status').filter({ hasText: '読み込み中' }).first().waitFor({ state: 'detached' });
    expect(await axeViolations(page)).toEqual([]);
    expectSameOrigin(person.log, api.url);
    // A refused input is an answered 4xx, which Chromium logs as a failed resource: the page's expected answer.
    expectCleanPage({
      ...person.log,
      consoleErrors: person.log.consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e),
      ),
    });
    await screenshot(page, `deputies-${name}`);
    await expectFitsPhone(page, `deputies-${name}`);
  }

  const proposal = async (title: string, amount: number, approvals: string[]) => {
    const editor = await user('kenko.editor');
    const { id } = ok(
      await editor.post('/proposals', { inquiryId, title, ...FULL_CONTENT, expectedAmount: amount }),
      201,
    ).body;
    ok(await act(editor, 'proposals', id, 'submit'));
    for (const who of approvals) ok(await act(await user(who), 'proposals', id, 'approve'));
    return id as string;
  };
  const historyRow = (page: Page, text: RegExp | string) =>
    page.getByRole('table', { name: 'この提案の経過（古い順）' }).locator('tbody tr').filter({ hasText: text });

  it('代決 page: a back-dated period is refused at its field; a deputy is named and listed as 代決中', async () => {
    const person = await as('kenko.approver', '/deputies');
    const { page } = person;
    await page.getByRole('heading', { level: 1, name: '代決' }).waitFor();
    await page.getByLabel('代決者のユーザー名').fill('kenko.editor');
    await page.getByLabel('開始日').fill(daysFromNow(-1));
    await page.getByLabel('終了日').fill(daysFromNow(1));
    await page.getByRole('button', { name: '代決者を指定' }).click();
    // The code's message above the form, and the field's own in Japanese beside 開始日.
    await page.getByText('代決の期間は今日以降の日付から始めてください。').first().waitFor();
    await page.getByText(`＊今日（${daysFromNow(0)}）以降の日付にしてください。`).waitFor();
    expect(await page.locator('main').innerText()).not.toMatch(/before today/);
    await look(person, 'refused');

    await page.getByLabel('開始日').fill(daysFromNow(0));
    await page.getByRole('button', { name: '代決者を指定' }).click();
    await page.getByText(/さんを代決者に指定しました/).waitFor();
    const row = page
      .getByRole('table', { name: /^自分が不在の期間と代決者/ })
      .locator('tbody tr')
      .filter({ hasText: 'kenko.editor' });
    await expect(row.innerText()).resolves.toContain('代決中');
    await look(person, 'named');
  }, 120_000);

  it('the deputy’s マイページ shows what waits for the absent person; the history marks 代決 and 専決; the absent person marks the decision seen (後閲)', async () => {
    const waiting = await proposal('窓口の予約制（画面代決）', 1500, []);
    const deputy = await as('kenko.editor', '/');
    await deputy.page
      .getByRole('table', { name: 'あなたの段階で対応を待っている提案' })
      .getByRole('link', { name: '窓口の予約制（画面代決）' })
      .waitFor();
    await look(deputy, 'deputy-inbox');

    ok(await act(await user('kenko.editor'), 'proposals', waiting, 'approve'));
    const small = await proposal('小さな見直し（画面専決）', SMALL_PROPOSAL_AMOUNT - 1, [
      'kenko.approver',
      'secretariat',
      'committee',
    ]);
    ok(await act(await user('kenko.approver'), 'proposals', small, 'approve'));

    const history = await as('kenko.approver', `/proposals/${waiting}`);
    await expect(
      historyRow(history.page, 'kenko.approver さんの不在中、kenko.editor さんが代決').innerText(),
    ).resolves.toContain('代決');
    await look(history, 'history-daiketsu');
    await history.page.goto(`/proposals/${small}`);
    await expect(historyRow(history.page, '局長専決（効果額100万円未満）').innerText()).resolves.toContain('専決');

    await history.page.goto('/deputies');
    const decisions = history.page.getByRole('table', { name: /^不在の間に代決された決定/ });
    await decisions.getByRole('link', { name: '窓口の予約制（画面代決）' }).waitFor();
    await look(history, 'kouetsu');
    const markSeen = decisions.getByRole('button', { name: '「窓口の予約制（画面代決）」の代決を確認済みにする' });
    await markSeen.click();
    // 「確認済み（…）」 with its date, once the server has recorded it (the button's own
    // 「確認済みにする」 is in the row before).
    await markSeen.waitFor({ state: 'detached' });
    await decisions
      .locator('tbody tr')
      .filter({ hasText: '窓口の予約制（画面代決）' })
      .filter({ hasText: /確認済み（/ })
      .waitFor();
    const [seen] = await db.query(
      `SELECT count(*)::int AS n FROM deputy_decision_seen s JOIN app_user u ON u.id = s.user_id WHERE u.username = 'kenko.approver'`,
    );
    expect(seen.n).toBe(1);
  }, 120_000);
});
