import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import type { Page } from 'playwright-core';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import { act as apiAct, demoClients, FULL_CONTENT, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';
import {
  axeViolations,
  expectSameOrigin,
  horizontalOverflow,
  openBrowser,
  screenshot,
  type PageLog,
  type TestBrowser,
  type TestPage,
} from '../support/browser.js';

/**
 * The decision cycle through the pages only, as the demo users would do it in Chromium, on the
 * real API, worker, PostgreSQL and Redis. Every page visited is checked with axe and saved as a
 * 1280×800 screenshot under .local/screenshots, then narrowed to 375 px (a phone): nothing may
 * stick out, axe still clean, and saved again as `-375` (`npm run screenshots` runs this file).
 */
const TITLE = '窓口予約システムの全区展開（ブラウザ試験）';

describe('the web pages: the decision cycle in a browser', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let browser: TestBrowser;
  const people = new Map<string, TestPage>();
  const violations: string[] = [];
  /** Pages wider than a phone at 375 px, with what sticks out (collected, so one run names them all). */
  const overflows: string[] = [];
  let shot = 0;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url);
    api = await startApi(config);
    worker = await startWorker(config);
    browser = await openBrowser();
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });
  // Every test's looks are clean (the cycle's own test says so before its last checks too).
  afterEach(() => {
    const found = { violations: [...violations], overflows: [...overflows] };
    violations.length = 0;
    overflows.length = 0;
    expect(found).toEqual({ violations: [], overflows: [] });
  });

  /** The browser of one person (own cookies, own memory), opened at a path. */
  async function as(username: string, path: string): Promise<Page> {
    let person = people.get(username);
    if (!person) {
      person = await browser.newPage(api.url);
      people.set(username, person);
    }
    await visit(person.page, path, username, DEMO_PASSWORD);
    return person.page;
  }

  /**
   * Opens a path as a person would type it. Without a live session the app shows the sign-in
   * page at that path; signing in there shows the page asked for.
   */
  async function visit(page: Page, path: string, username: string, password: string): Promise<void> {
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

  /**
   * Nothing left the origin, nothing broke the CSP, no script failed. The browser reports an
   * answered 401/404 as a console error ("Failed to load resource"): those are the pages'
   * expected answers (no session yet, another bureau's draft), so they are not faults.
   */
  function expectFine(log: PageLog): void {
    expectSameOrigin(log, api.url);
    expect({
      pageErrors: log.pageErrors,
      csp: log.cspViolations,
      console: log.consoleErrors.filter((e) => !/^Failed to load resource/.test(e)),
    }).toEqual({ pageErrors: [], csp: [], console: [] });
  }

  /**
   * axe on the page as it stands, and its screenshot; then the same page on a phone (375 px
   * wide, as a turned phone or a narrowed window draws it): nothing wider than the phone (a wide
   * table scrolls in its own box, so every button stays in reach), axe still clean; then back.
   */
  async function look(page: Page, name: string): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    // Every part of the page has its data: no 読み込み中 left.
    await page.getByRole('status').filter({ hasText: '読み込み中' }).first().waitFor({ state: 'detached' });
    for (const v of await axeViolations(page)) violations.push(`${name}: ${v.id} ${v.targets.join(', ')}`);
    shot += 1;
    const file = `web-${String(shot).padStart(2, '0')}-${name}`;
    await screenshot(page, file);
    // On a desktop screen every table shows all its columns (one that needs sideways scrolling
    // names itself 「…（横にスクロールできます）」).
    for (const wide of await page.getByRole('region', { name: /（横にスクロールできます）$/ }).all())
      overflows.push(`${name}: at 1280 px ${await wide.getAttribute('aria-label')}`);
    const size = page.viewportSize()!;
    const narrow = await horizontalOverflow(page, 375);
    if (narrow.scrollWidth > 375 || narrow.culprits.length > 0)
      overflows.push(`${name}: ${narrow.scrollWidth} px wide; ${narrow.culprits.join(', ')}`);
    for (const v of await axeViolations(page)) violations.push(`${name} (375 px): ${v.id} ${v.targets.join(', ')}`);
    await screenshot(page, `${file}-375`);
    await page.setViewportSize(size);
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
    const first = await browser.newPage(api.url);
    await first.page.goto('/');
    await first.page.getByRole('heading', { level: 1, name: 'サインイン' }).waitFor();
    await look(first.page, 'sign-in');
    await first.context.close();

    // 事務局 creates and opens a 全庁照会 (every bureau and ward by default).
    let page = await as('secretariat', '/inquiries');
    await look(page, 'inquiries');
    await page.getByRole('link', { name: '新しい全庁照会を作成' }).click();
    await page.getByLabel('件名').fill('令和6年度 取組提案の全庁照会（ブラウザ試験）');
    // The units arrive with their own request: wait for the last one before counting.
    await page.getByRole('checkbox').nth(18).waitFor();
    expect(await page.getByRole('checkbox').count()).toBe(19);
    await look(page, 'inquiry-new');
    await page.getByRole('button', { name: '作成する' }).click();
    await state(page, '作成中');
    await page.getByRole('button', { name: '照会開始' }).click();
    await state(page, '照会中');
    const inquiryUrl = new URL(page.url()).pathname;
    await page.getByRole('cell', { name: '未回答' }).first().waitFor();
    await look(page, 'inquiry-board');

    // 北区 has nothing to propose: its approver answers 該当なし from the board.
    page = await as('kita.approver', inquiryUrl);
    await page.getByRole('button', { name: '北区として該当なしを回答' }).click();
    await page.getByRole('row', { name: /北区/ }).getByText('該当なし').waitFor();

    // 健康福祉局 drafts a proposal, with the server's field errors shown first.
    page = await as('kenko.editor', inquiryUrl);
    await page.getByRole('link', { name: 'この照会に提案する' }).click();
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByRole('alert').filter({ hasText: '入力内容を確認してください' }).waitFor();
    expect(await page.getByLabel('件名').getAttribute('aria-invalid')).toBe('true');
    // The server's field error, next to its field and in Japanese.
    expect(await page.getByText('＊入力してください。').count()).toBeGreaterThan(0);
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
    for (
      let i = 0;
      i < 100 && (await page.getByRole('button', { name: new RegExp(`${TITLE}.*を開く`) }).count()) === 0;
      i++
    ) {
      await page.waitForTimeout(300);
      await page.reload();
      await page.getByRole('heading', { level: 1 }).first().waitFor();
      if (await page.getByRole('heading', { level: 1, name: 'サインイン' }).isVisible())
        await visit(page, '/', 'kenko.editor', DEMO_PASSWORD);
    }
    await look(page, 'inbox');
    await page
      .getByRole('button', { name: new RegExp(`${TITLE}.*を開く`) })
      .first()
      .click();
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

    // The board shows each answer; the secretariat closes the inquiry.
    page = await as('secretariat', inquiryUrl);
    await page
      .getByRole('row', { name: /健康福祉局/ })
      .getByText('回答済 1件')
      .waitFor();
    await page.getByRole('row', { name: /北区/ }).getByText('該当なし').waitFor();
    await page.getByText(/未回答 17件・回答済 1件・該当なし 1件/).waitFor();
    await page.getByRole('button', { name: '締切' }).click();
    await state(page, '締切');

    // The lists and the inbox's own pages, as they stand after the cycle.
    page = await as('secretariat', '/proposals');
    await page.getByRole('link', { name: TITLE }).first().waitFor();
    await look(page, 'proposals');
    page = await as('secretariat', '/meetings');
    await page.getByRole('link', { name: '令和7年第1回定例会' }).waitFor();
    await look(page, 'meetings');
    page = await as('secretariat', '/meetings/new');
    await look(page, 'meeting-new');
    page = await as('kenko.editor', '/notifications');
    await look(page, 'notifications');
    page = await as('kenko.editor', '/deadlines');
    await look(page, 'deadlines');

    page = await as('secretariat', '/workflow');
    await page.locator('svg').first().waitFor();
    await look(page, 'workflow');

    expect({ violations, overflows }).toEqual({ violations: [], overflows: [] });
    for (const person of people.values()) expectFine(person.log);
  }, 300_000);

  it('tells the second of two approvers that someone else acted first, and applies the step once', async () => {
    const user = demoClients(api.url);
    const { inquiryId } = await openInquiry(user);
    const editor = await user('kenko.editor');
    const proposal = ok(
      await editor.post('/proposals', { inquiryId, title: '同時操作の確認', ...FULL_CONTENT }),
      201,
    ).body;
    ok(await apiAct(editor, 'proposals', proposal.id, 'submit'));

    const [one, two] = [await browser.newPage(api.url), await browser.newPage(api.url)];
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
    for (const p of [one, two]) {
      expectFine(p.log);
      await p.context.close();
    }
  }, 120_000);

  it('lets an approver sign in and approve with the keyboard alone, the focus always visible', async () => {
    const user = demoClients(api.url);
    const { inquiryId } = await openInquiry(user);
    const id = await proposalIn(user, inquiryId, 'kenko', 'bureau_review', 'キーボード操作の確認');
    const { page, log, context } = await browser.newPage(api.url);
    await page.goto(`/proposals/${id}`);
    await page.getByRole('heading', { level: 1, name: 'サインイン' }).waitFor();

    /** Tabs until the focused element's text is `name`, checking that the focus can be seen. */
    async function tabTo(name: string): Promise<void> {
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press('Tab');
        const focused = await page.evaluate<{
          text: string;
          label: string;
          outline: string;
          width: string;
        } | null>(`(() => {
          const e = document.activeElement;
          if (!e || e === document.body) return null;
          const style = getComputedStyle(e);
          return { text: (e.getAttribute('aria-label') || e.textContent || '').trim(), label: e.labels && e.labels[0] ? e.labels[0].textContent.trim() : '', outline: style.outlineStyle, width: style.outlineWidth };
        })()`);
        if (!focused) continue;
        expect({ name: focused.text || focused.label, outline: focused.outline }).not.toMatchObject({
          outline: 'none',
        });
        if (focused.text === name || focused.label.startsWith(name)) return;
      }
      throw new Error(`no focusable element named ${name}`);
    }

    await tabTo('ユーザー名');
    await page.keyboard.type('kenko.approver');
    await tabTo('パスワード');
    await page.keyboard.type(DEMO_PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: /キーボード操作の確認/ }).waitFor();
    await tabTo('承認');
    await page.keyboard.press('Enter');
    await state(page, '提出済');
    expectFine(log);
    await context.close();
  }, 120_000);

  it('says how long to wait when the sign-in limit is reached', async () => {
    const { page, log, context } = await browser.newPage(api.url);
    await page.goto('/');
    const form = async (password: string) => {
      await page.getByLabel('ユーザー名').fill('zaisei.editor');
      await page.getByLabel('パスワード').fill(password);
      await page.getByRole('button', { name: 'サインイン' }).click();
      await page.getByRole('alert').waitFor();
    };
    await form('wrong-password');
    expect(await page.getByRole('alert').textContent()).toContain('ユーザー名またはパスワードが正しくありません');
    for (
      let i = 0;
      i < 12 && !/一時的にサインインできません/.test((await page.getByRole('alert').textContent()) ?? '');
      i++
    )
      await form('wrong-password');
    // Even the right password now waits; the page says how long.
    await form(DEMO_PASSWORD);
    expect(await page.getByRole('alert').textContent()).toMatch(/一時的にサインインできません。\d+秒後（約\d+分後）/);
    await look(page, 'sign-in-limit');
    expectFine(log);
    await context.close();
  }, 120_000);

  it('keeps the session across a reload through the refresh cookie, and says so when it ends', async () => {
    const { page, log, context } = await browser.newPage(api.url);
    await visit(page, '/', 'nishi.editor', DEMO_PASSWORD);
    await page.getByRole('heading', { level: 1, name: 'マイページ' }).waitFor();
    // A reload forgets the in-memory token; the refresh cookie brings the person back.
    await page.reload();
    await page.getByRole('heading', { level: 1, name: 'マイページ' }).waitFor();
    expect(await page.getByRole('heading', { level: 1, name: 'サインイン' }).count()).toBe(0);

    // The account is disabled: the next call is refused, the refresh too, and the page says why.
    const admin = await demoClients(api.url)('admin');
    const [{ id }] = await db.query(`SELECT id FROM app_user WHERE username = 'nishi.editor'`);
    const current = ok(await admin.get(`/users/${id}`));
    ok(await admin.patch(`/users/${id}`, { active: false }, { 'if-match': current.headers.get('etag')! }));
    // The next call is the click's, unless the header's own refresh of its counts was refused
    // first and already showed the sign-in page (the link is then gone): either way it must end there.
    await page
      .getByRole('link', { name: '提案' })
      .click({ timeout: 10_000 })
      .catch(() => undefined);
    await page.getByRole('heading', { level: 1, name: 'サインイン' }).waitFor();
    expect(await page.getByRole('status').filter({ hasText: 'サインアウトされました' }).count()).toBe(1);
    expectFine(log);
    await context.close();
  }, 120_000);
});
