import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import { act as apiAct, demoClients, FULL_CONTENT, ok, openInquiry } from '../support/cycle.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';
import { webOrigin } from '../support/web-server.js';
import { foreignRequests, launchBrowser, openPage, seriousViolations, visit, type WebPage } from '../support/web-browser.js';

/**
 * The decision cycle through the pages only, as the demo users would do it in Chromium, on the
 * real API, worker, PostgreSQL and Redis. Every page visited is checked with axe and saved as a
 * 1280×800 screenshot under .local/screenshots (`npm run screenshots` runs just this file).
 */
const SHOTS = join(process.cwd(), '.local/screenshots');
const TITLE = '窓口予約システムの全区展開（ブラウザ試験）';

describe('the web pages: the decision cycle in a browser', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let web: { url: string; close(): Promise<void> };
  let browser: Browser;
  const people = new Map<string, WebPage>();
  const violations: string[] = [];
  let shot = 0;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url);
    api = await startApi(config);
    worker = await startWorker(config);
    web = await webOrigin(api.url);
    browser = await launchBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await web?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** The browser of one person (own cookies, own memory), opened at a path. */
  async function as(username: string, path: string): Promise<Page> {
    let person = people.get(username);
    if (!person) {
      person = await openPage(browser, web.url);
      people.set(username, person);
    }
    await visit(person.page, path, username, DEMO_PASSWORD);
    return person.page;
  }

  /** axe on the page as it stands, and its screenshot. */
  async function look(page: Page, name: string): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.waitForLoadState('networkidle');
    for (const v of await seriousViolations(page)) violations.push(`${name}: ${v}`);
    shot += 1;
    await page.screenshot({ path: join(SHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: false });
  }

  async function state(page: Page, label: string): Promise<void> {
    await page.getByRole('heading', { level: 1 }).filter({ hasText: label }).waitFor();
  }

  async function act(page: Page, action: string, comment?: string): Promise<void> {
    await page.getByRole('button', { name: action, exact: true }).click();
    if (comment !== undefined) {
      await page.getByLabel(new RegExp(`${action}の理由`)).fill(comment);
      await page.getByRole('button', { name: `${action}を確定` }).click();
    }
  }

  it('runs from the all-bureau inquiry to an initiative reported to the council', async () => {
    // The sign-in page, seen before anyone signs in.
    const first = await openPage(browser, web.url);
    await first.page.goto('/');
    await first.page.getByRole('heading', { level: 1, name: 'サインイン' }).waitFor();
    await look(first.page, 'sign-in');
    await first.context.close();

    // 事務局 creates and opens a 全庁照会 (every bureau and ward by default).
    let page = await as('secretariat', '/inquiries');
    await look(page, 'inquiries');
    await page.getByRole('link', { name: '新しい全庁照会を作成' }).click();
    await page.getByLabel('件名').fill('令和6年度 取組提案の全庁照会（ブラウザ試験）');
    expect(await page.getByRole('checkbox').count()).toBe(19);
    await look(page, 'inquiry-new');
    await page.getByRole('button', { name: '作成する' }).click();
    await state(page, '作成中');
    await page.getByRole('button', { name: '照会開始' }).click();
    await state(page, '照会中');
    const inquiryUrl = new URL(page.url()).pathname;
    await page.getByRole('cell', { name: '未回答' }).first().waitFor();
    await look(page, 'inquiry-board');

    // 健康福祉局 drafts a proposal, with the server's field errors shown first.
    page = await as('kenko.editor', inquiryUrl);
    await page.getByRole('link', { name: 'この照会に提案する' }).click();
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByRole('alert').filter({ hasText: '入力内容を確認してください' }).waitFor();
    expect(await page.getByLabel('件名').getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel('件名').fill(TITLE);
    await page.getByLabel('方針').selectOption({ label: '方針2 行政サービスの最適化' });
    await page.getByLabel('想定テーマ').selectOption({ index: 1 });
    await page.getByLabel('概要').fill('各区役所の窓口予約を一つのシステムで受け付ける。');
    await page.getByLabel('期待される効果').fill('窓口の待ち時間を短縮する');
    await page.getByLabel('効果額（千円）').fill('1200');
    await page.getByRole('button', { name: '年度を追加' }).click();
    await page.getByLabel('1行目の取組内容').fill('検討');
    await page.getByRole('button', { name: '年度を追加' }).click();
    await page.getByLabel('2行目の取組内容').fill('試行');
    await page.getByRole('checkbox', { name: '区役所窓口 市民満足度' }).check();
    await look(page, 'proposal-form');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await state(page, '起案中');
    const proposalUrl = new URL(page.url()).pathname;

    // Another bureau never sees the draft: not in its list, and a plain 404 page by URL.
    let other = await as('somu.editor', '/proposals');
    await other.getByRole('table').first().waitFor();
    expect(await other.getByRole('link', { name: TITLE }).count()).toBe(0);
    other = await as('somu.editor', proposalUrl);
    await other.getByRole('heading', { level: 1, name: 'ページが見つかりません' }).waitFor();
    await look(other, 'not-found');

    page = await as('kenko.editor', proposalUrl);
    await look(page, 'proposal-draft');
    await act(page, '提出');
    await state(page, '局内確認');

    // The approver finds it on マイページ and approves.
    page = await as('kenko.approver', '/');
    await page.getByRole('link', { name: TITLE }).click();
    await act(page, '承認');
    await state(page, '提出済');

    // 事務局 returns it: without a comment the server's field error is shown, with one it is returned.
    page = await as('secretariat', proposalUrl);
    await page.getByRole('button', { name: '差戻し', exact: true }).click();
    await page.getByRole('button', { name: '差戻しを確定' }).click();
    await page.getByRole('alert').filter({ hasText: '入力内容を確認してください' }).waitFor();
    expect(await page.getByLabel(/差戻しの理由/).getAttribute('aria-invalid')).toBe('true');
    await page.getByLabel(/差戻しの理由/).fill('効果額の根拠を補足してください');
    await page.getByRole('button', { name: '差戻しを確定' }).click();
    await state(page, '差戻し');

    // The editor sees the notification, edits and resubmits.
    page = await as('kenko.editor', '/');
    for (let i = 0; i < 100 && (await page.getByRole('button', { name: new RegExp(`${TITLE}.*を開く`) }).count()) === 0; i++) {
      await page.waitForTimeout(300);
      await page.reload();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      if (await page.getByRole('heading', { level: 1, name: 'サインイン' }).isVisible()) await visit(page, '/', 'kenko.editor', DEMO_PASSWORD);
    }
    await look(page, 'inbox');
    await page.getByRole('button', { name: new RegExp(`${TITLE}.*を開く`) }).first().click();
    await state(page, '差戻し');
    await page.getByRole('cell', { name: '効果額の根拠を補足してください' }).waitFor();
    await page.getByRole('link', { name: '内容を編集' }).click();
    await page.getByLabel('期待される効果').fill('窓口の待ち時間を短縮し、年間1,200千円の委託費を削減する');
    await page.getByRole('button', { name: '変更を保存' }).click();
    await state(page, '差戻し');
    await act(page, '提出');
    await state(page, '局内確認');

    page = await as('kenko.approver', proposalUrl);
    await act(page, '承認');
    await state(page, '提出済');
    page = await as('secretariat', proposalUrl);
    await act(page, '承認');
    await state(page, '推進委員会審議');
    await page.getByRole('cell', { name: /委託費を削減する/ }).waitFor();
    await look(page, 'proposal-review');

    // Meetings: committee, HQ and council, each with the proposal on its agenda at its stage.
    async function meeting(kind: string, title: string) {
      const p = await as('secretariat', '/meetings/new');
      await p.getByLabel('会議の種類').selectOption({ label: kind });
      await p.getByLabel('会議名').fill(title);
      await p.getByRole('button', { name: '登録する' }).click();
      await p.getByRole('heading', { level: 1, name: title }).waitFor();
      await p.getByRole('checkbox', { name: new RegExp(TITLE.replace(/[()（）]/g, '.')) }).check();
      await p.getByRole('button', { name: '選んだ提案を議題に追加' }).click();
      await p.getByRole('link', { name: TITLE }).waitFor();
      return p;
    }
    await meeting('推進委員会', '第1回 市役所改革推進委員会');
    page = await as('committee', proposalUrl);
    await act(page, '承認');
    await state(page, '推進本部審議');
    await meeting('推進本部会議', '第1回 改革プロジェクト推進本部会議');
    page = await as('hq', proposalUrl);
    await act(page, '承認');
    await state(page, '決定');
    const council = await meeting('市議会', '令和7年第1回定例会');
    await look(council, 'meeting');

    // 事務局 reports it with the council meeting; it becomes an initiative.
    page = await as('secretariat', proposalUrl);
    await page.getByRole('button', { name: '市議会報告', exact: true }).click();
    await page.getByLabel('報告する市議会').selectOption({ index: 1 });
    await page.getByRole('button', { name: '市議会報告を確定' }).click();
    await state(page, '市議会報告済');
    await page.getByRole('cell', { name: '市議会報告' }).first().waitFor();
    await look(page, 'proposal-reported');
    page = await as('viewer', '/initiatives');
    await page.getByRole('cell', { name: TITLE }).waitFor();
    await look(page, 'initiatives');

    page = await as('secretariat', '/workflow');
    await page.locator('svg').first().waitFor();
    await look(page, 'workflow');

    expect(violations).toEqual([]);
    for (const [who, person] of people) expect({ who, foreign: foreignRequests(person.requests, web.url) }).toEqual({ who, foreign: [] });
  }, 300_000);

  it('tells the second of two approvers that someone else acted first, and applies the step once', async () => {
    const user = demoClients(api.url);
    const { inquiryId } = await openInquiry(user);
    const editor = await user('kenko.editor');
    const proposal = ok(await editor.post('/proposals', { inquiryId, title: '同時操作の確認', ...FULL_CONTENT }), 201).body;
    ok(await apiAct(editor, 'proposals', proposal.id, 'submit'));

    const [one, two] = [await openPage(browser, web.url), await openPage(browser, web.url)];
    for (const p of [one, two]) {
      await visit(p.page, `/proposals/${proposal.id}`, 'kenko.approver', DEMO_PASSWORD);
      await p.page.getByRole('button', { name: '承認', exact: true }).waitFor();
    }
    await one.page.getByRole('button', { name: '承認', exact: true }).click();
    await state(one.page, '提出済');
    await two.page.getByRole('button', { name: '承認', exact: true }).click();
    await two.page.getByRole('alert').filter({ hasText: '他の人が先に更新しました' }).waitFor();
    // The page read the current state again: the second approver sees where it now stands.
    await state(two.page, '提出済');
    await look(two.page, 'conflict');
    const history = ok(await (await user('secretariat')).get(`/proposals/${proposal.id}/history`)).body;
    expect(history.filter((h: { action: string }) => h.action === 'approve')).toHaveLength(1);
    for (const p of [one, two]) await p.context.close();
  }, 120_000);
});
