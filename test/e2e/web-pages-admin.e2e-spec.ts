import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as as client, signIn } from '../support/auth.js';
import {
  axeViolations,
  expectCleanPage,
  expectSameOrigin,
  openBrowser,
  screenshot,
  signInContext,
  type TestBrowser,
  type TestPage,
} from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 管理 (page 10 of the web application) in Chromium on the real API and the demo data, through
 * the pages only: users and grants, the organisation tree, workflow definitions as a diagram
 * and tables, API tokens, notification settings, audit verification and the security log.
 * A non-administrator sees their own settings only and a Japanese message elsewhere, while the
 * API still refuses them. Every page: axe clean, nothing from another origin, usable at 375 px
 * wide; screenshots as `web3-<page>.png` (and `-375`) for `npm run screenshots`.
 */
describe('the web pages: 管理', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  const opened: TestPage[] = [];

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

  async function as(username: string, path: string): Promise<TestPage> {
    const person = await browser.newPage(api.url);
    opened.push(person);
    await signInContext(person.context, username);
    await person.page.goto(path);
    await person.page.getByRole('button', { name: 'サインアウト' }).waitFor();
    return person;
  }

  async function settled(page: Page): Promise<void> {
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    await page.getByRole('status').filter({ hasText: '読み込み中' }).first().waitFor({ state: 'detached' });
  }

  /** No text of the page is an English server message (a problem's title or detail). */
  async function expectNoEnglishMessage(page: Page): Promise<void> {
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\b(is taken|must be|should not|is required|Not allowed|not valid|Invalid)\b/);
  }

  /** axe clean, nothing foreign, no error, no English message; usable at 375 px wide; the screenshots. */
  async function look(person: TestPage, name: string): Promise<void> {
    const { page } = person;
    await settled(page);
    expect(await axeViolations(page)).toEqual([]);
    expectSameOrigin(person.log, api.url);
    // An answered 4xx (a refused input) is logged by Chromium as "Failed to load resource": the page's expected answer.
    expectCleanPage({
      ...person.log,
      consoleErrors: person.log.consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e),
      ),
    });
    await expectNoEnglishMessage(page);
    await screenshot(page, `web3-${name}`);
    const size = page.viewportSize()!;
    await page.setViewportSize({ width: 375, height: 800 });
    // Nothing wider than the phone: wide tables scroll inside their own box, not the page.
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `web3-${name}-375`);
    await page.setViewportSize(size);
  }

  const userRows = (page: Page) => page.getByRole('table', { name: /^利用者の一覧/ }).locator('tbody tr');

  it('利用者と権限: the list by unit and a page at a time; a taken name is refused in Japanese at its field; a user is added, changed, stopped and restarted', async () => {
    const admin = await as('admin', '/settings');
    const { page } = admin;
    await page.getByRole('navigation', { name: '管理メニュー' }).getByRole('link', { name: '利用者と権限' }).click();
    await page.getByRole('table', { name: /^利用者の一覧/ }).waitFor();
    // Every demo user, 20 a page.
    const total = (await db.query(`SELECT count(*)::int AS n FROM app_user`))[0].n as number;
    expect(total).toBeGreaterThan(20);
    await expect(page.getByRole('table', { name: `利用者の一覧（${total}件）` }).isVisible()).resolves.toBe(true);
    expect(await userRows(page).count()).toBe(20);
    await page
      .getByRole('navigation', { name: '利用者の一覧のページ' })
      .getByText(`全${total}件中 1〜20件目`)
      .waitFor();
    await look(admin, 'users');
    await page.getByRole('button', { name: '次のページ' }).click();
    await page.getByText(`全${total}件中 21〜${Math.min(40, total)}件目`).waitFor();
    // By unit: 健康福祉局's two.
    await page.getByLabel('所属').selectOption('kenko');
    await page.getByRole('table', { name: '利用者の一覧（2件）' }).waitFor();
    expect((await userRows(page).locator('th').allInnerTexts()).map((t) => t.trim())).toEqual([
      'kenko.approver',
      'kenko.editor',
    ]);

    // A new user with a name that is taken: 409 with the field named, said in Japanese at the field.
    await page.getByRole('link', { name: '利用者を追加' }).click();
    await page.getByLabel('ユーザー名').fill('kenko.editor');
    await page.getByLabel('氏名').fill('佐藤 花子');
    await page.getByLabel('初期パスワード').fill('satou-hanako-2024');
    await page.getByLabel('所属').selectOption('kenko');
    await page.getByRole('button', { name: '権限を追加' }).click();
    await page.getByLabel('権限1の役割').selectOption({ label: '局・区 担当者' });
    await page.getByLabel('権限1の組織').selectOption('kenko');
    await page.getByRole('button', { name: '追加する' }).click();
    const alert = page.getByRole('alert');
    await alert.getByText('入力内容を確認してください。', { exact: true }).waitFor();
    await alert.getByText('ユーザー名：すでに使われています。別のものにしてください。').waitFor();
    expect(await page.getByLabel('ユーザー名').getAttribute('aria-invalid')).toBe('true');
    await page.getByText('＊すでに使われています。別のものにしてください。').waitFor();
    await look(admin, 'user-new-error');

    // With a free name it is created, with its unit and grant.
    await page.getByLabel('ユーザー名').fill('kenko.sato');
    await page.getByRole('button', { name: '追加する' }).click();
    await page.getByText('利用者「kenko.sato」を追加しました。').waitFor();
    await page.getByRole('heading', { level: 1, name: '佐藤 花子（kenko.sato）' }).waitFor();
    const row = async () =>
      (
        await db.query(
          `SELECT u.active, ou.code AS unit, array_agg(g.role || '@' || gu.code ORDER BY g.role) AS grants FROM app_user u JOIN org_unit ou ON ou.id = u.org_unit_id LEFT JOIN role_grant g ON g.user_id = u.id LEFT JOIN org_unit gu ON gu.id = g.org_unit_id WHERE u.username = 'kenko.sato' GROUP BY u.active, ou.code`,
        )
      )[0];
    expect(await row()).toEqual({ active: true, unit: 'kenko', grants: ['bureau_editor@kenko'] });
    expect(
      (
        await http(`${api.url}/api/v1/auth/token`, {
          method: 'POST',
          json: { username: 'kenko.sato', password: 'satou-hanako-2024' },
        })
      ).status,
    ).toBe(200);

    // Moved to 病院局, an approver there, and no longer an editor of 健康福祉局.
    await page.getByLabel('所属').selectOption('byoin');
    await page.getByLabel('権限1の役割').selectOption({ label: '局・区 承認者' });
    await page.getByLabel('権限1の組織').selectOption('byoin');
    await page.getByRole('button', { name: '権限を追加' }).click();
    await page.getByLabel('権限2の役割').selectOption({ label: '閲覧者' });
    await page.getByLabel('権限2の組織').selectOption('kumamoto');
    await page.getByRole('button', { name: '変更を保存' }).click();
    await page.getByText('変更を保存しました。').waitFor();
    expect(await row()).toEqual({ active: true, unit: 'byoin', grants: ['bureau_approver@byoin', 'viewer@kumamoto'] });
    await look(admin, 'user-edit');

    // Stopped: it cannot sign in; restarted: it can.
    await page.getByRole('button', { name: 'アカウントを停止' }).click();
    await page.getByText(/^アカウントを停止しました。/).waitFor();
    expect((await row()).active).toBe(false);
    expect(
      (
        await http(`${api.url}/api/v1/auth/token`, {
          method: 'POST',
          json: { username: 'kenko.sato', password: 'satou-hanako-2024' },
        })
      ).status,
    ).toBe(401);
    await page.getByRole('link', { name: '利用者の一覧に戻る' }).click();
    await page.getByLabel('状態').selectOption({ label: '停止中' });
    await page.getByRole('table', { name: '利用者の一覧（1件）' }).getByRole('link', { name: 'kenko.sato' }).click();
    await page.getByRole('button', { name: 'アカウントを再開' }).click();
    await page.getByText('アカウントを再開しました。').waitFor();
    expect((await row()).active).toBe(true);
  }, 120_000);

  it('組織: the tree of bureaus, wards and divisions; a division is added under its bureau and renamed', async () => {
    const admin = await as('admin', '/settings/org-units');
    const { page } = admin;
    const tree = page.getByRole('group', { name: '組織のツリー' });
    await tree.waitFor();
    // 健康福祉局 sits under the city, 改革プロジェクト推進課 under 総務局.
    const city = tree.locator('> ul > li');
    expect(await city.count()).toBe(1);
    expect(await city.locator('> ul > li').filter({ hasText: '健康福祉局' }).count()).toBe(1);
    expect(
      await city
        .locator('> ul > li')
        .filter({ hasText: '総務局' })
        .locator('> ul > li')
        .filter({ hasText: '改革プロジェクト推進課' })
        .count(),
    ).toBe(1);
    await look(admin, 'org-units');

    await page.getByLabel('種類').selectOption({ label: '課' });
    await page.getByLabel('上位の組織').selectOption('kenko');
    await page.getByLabel('組織コード').fill('kenko.kenkozukuri');
    await page.getByLabel(/^名称/).fill('健康づくり推進課');
    await page.getByLabel(/^英語名称/).fill('Health Promotion Division');
    await page.getByRole('button', { name: '組織を追加' }).click();
    await page.getByText('「健康づくり推進課」を追加しました。').waitFor();
    const kenko = city.locator('> ul > li').filter({ hasText: '健康福祉局' });
    await kenko.locator('> ul > li').filter({ hasText: '健康づくり推進課' }).waitFor();

    // The same code again: refused at its field, in Japanese.
    await page.getByLabel('種類').selectOption({ label: '課' });
    await page.getByLabel('上位の組織').selectOption('kenko');
    await page.getByLabel('組織コード').fill('kenko.kenkozukuri');
    await page.getByLabel(/^名称/).fill('重複');
    await page.getByLabel(/^英語名称/).fill('Duplicate');
    await page.getByRole('button', { name: '組織を追加' }).click();
    await page.getByRole('alert').getByText('組織コード：すでに使われています。別のものにしてください。').waitFor();

    await page.getByRole('button', { name: '健康づくり推進課の名称を変更' }).click();
    await page.getByLabel('健康づくり推進課の新しい名称').fill('健康づくり支援課');
    await page.getByLabel('健康づくり推進課の英語名称').fill('Health Support Division');
    await page.getByRole('button', { name: '名称を保存' }).click();
    await page.getByText('「健康づくり支援課」に名称を変更しました。').waitFor();
    await kenko.locator('> ul > li').filter({ hasText: '健康づくり支援課' }).waitFor();
    expect((await db.query(`SELECT name_ja FROM org_unit WHERE code = 'kenko.kenkozukuri'`))[0].name_ja).toBe(
      '健康づくり支援課',
    );
  }, 120_000);

  it('ワークフロー定義: the list, and a definition as a diagram with its text, its states with tags and transitions with hooks and guards', async () => {
    const admin = await as('admin', '/settings/workflows');
    const { page } = admin;
    const list = page.getByRole('table', { name: /^ワークフロー定義の一覧/ });
    await list.waitFor();
    for (const name of ['reform-proposal', 'inquiry', 'progress-report'])
      await list.getByRole('link', { name }).waitFor();
    await look(admin, 'workflows');
    await list.getByRole('link', { name: 'reform-proposal' }).click();
    const diagram = page.getByRole('img', { name: /^取組提案の状態遷移図（reform-proposal 第\d+版）$/ });
    await diagram.locator('svg').waitFor();
    // The text alternative says the same graph in sentences.
    await page.getByText('図の内容を文章で読む').click();
    await page
      .getByText(/^「局内確認」から「承認」で「提出済」へ/)
      .first()
      .waitFor();
    const states = page.getByRole('table', { name: /^状態の一覧/ });
    await states.getByRole('row', { name: /決定/ }).getByText('決定済み（内容は変更不可）').first().waitFor();
    const transitions = page.getByRole('table', { name: /^遷移の一覧/ });
    await transitions
      .getByRole('row', { name: /市議会報告/ })
      .getByText('取組を作成')
      .waitFor();
    await transitions
      .getByRole('row', { name: /市議会報告/ })
      .getByText('市議会の会議を指定')
      .waitFor();
    await look(admin, 'workflow-definition');
  }, 120_000);

  it('APIトークン: created by keyboard alone, the secret shown once and copied, it works; revoked, it stops', async () => {
    const editor = await as('kenko.editor', '/settings/tokens');
    const { page, context } = editor;
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: api.url });
    await page.getByRole('heading', { level: 1, name: 'APIトークン' }).waitFor();
    // From the skip link to the form, the keyboard only.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    let presses = 0;
    while (
      presses < 40 &&
      !(await page.evaluate(`(document.activeElement?.labels?.[0]?.textContent ?? '').startsWith('トークンの名前')`))
    ) {
      await page.keyboard.press('Tab');
      presses++;
    }
    expect(presses).toBeLessThan(40);
    await page.keyboard.type('局の集計表の同期');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(`document.activeElement?.textContent`)).toBe('トークンを発行');
    await page.keyboard.press('Enter');
    const secret = page.getByLabel('新しいAPIトークン');
    await secret.waitFor();
    const token = (await secret.innerText()).trim();
    expect(token).toMatch(/^kkt_/);
    await page.getByRole('button', { name: 'トークンをコピー' }).click();
    await page.getByText('コピーしました。').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    const table = page.getByRole('table', { name: '自分のAPIトークン（1件）' });
    await table
      .getByRole('row', { name: /局の集計表の同期/ })
      .getByText('有効')
      .waitFor();
    await look(editor, 'api-tokens');
    const me = client(api.url, `Bearer ${token}`);
    expect((await me.get('/me')).body.username).toBe('kenko.editor');

    // Gone from the page once it is left: the secret is never shown again.
    await page.reload();
    await table.waitFor();
    expect(await page.getByLabel('新しいAPIトークン').count()).toBe(0);
    await page.getByRole('button', { name: '「局の集計表の同期」を失効' }).click();
    await page.getByRole('button', { name: '「局の集計表の同期」を失効する' }).click();
    await page.getByText('APIトークン「局の集計表の同期」を失効しました。このトークンはもう使えません。').waitFor();
    await table
      .getByRole('row', { name: /局の集計表の同期/ })
      .getByText('失効済み')
      .waitFor();
    expect((await me.get('/me')).status).toBe(401);
  }, 120_000);

  it('通知設定: a webhook without its address is refused at the field, in Japanese; with one it is saved and its secret shown once', async () => {
    const editor = await as('kenko.editor', '/settings/notifications');
    const { page } = editor;
    await page.getByLabel('Webhook（チャットツールなど）').check();
    await page.getByRole('button', { name: '通知設定を保存' }).click();
    await page.getByRole('alert').getByText('WebhookのURL：入力してください。').waitFor();
    expect(await page.getByLabel('WebhookのURL').getAttribute('aria-invalid')).toBe('true');
    await look(editor, 'notification-settings-error');
    // The same answer for a script: 400 problem+json naming the field.
    const refused = await client(api.url, await signIn(api.url, 'kenko.editor')).call(
      'PUT',
      '/me/notification-settings',
      { webhookEnabled: true, webhookUrl: null },
    );
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ field: 'webhookUrl' }] });
    await page.getByLabel('WebhookのURL').fill('https://chat.example.jp/hooks/kenko');
    await page.getByLabel('メール').uncheck();
    await page.getByRole('button', { name: '通知設定を保存' }).click();
    await page.getByText('通知設定を保存しました。').waitFor();
    expect(await page.getByLabel('Webhookの署名用の秘密鍵').innerText()).toMatch(/^whsec_/);
    const saved = (await client(api.url, await signIn(api.url, 'kenko.editor')).get('/me/notification-settings')).body;
    expect(saved).toMatchObject({
      emailEnabled: false,
      inAppEnabled: true,
      webhookEnabled: true,
      webhookUrl: 'https://chat.example.jp/hooks/kenko',
      hasWebhookSecret: true,
    });
    await look(editor, 'notification-settings');
  }, 120_000);

  it('カレンダー配信 and 監査の検証 and セキュリティイベント: the feed URL, the verified chain, the log filtered by kind and user', async () => {
    await signIn(api.url, 'kenko.approver');
    await http(`${api.url}/api/v1/auth/token`, {
      method: 'POST',
      json: { username: 'kenko.approver', password: 'wrong-password' },
    });
    const admin = await as('admin', '/settings/calendar');
    const { page } = admin;
    await page.getByRole('button', { name: 'カレンダー配信URLを発行' }).click();
    expect(await page.getByLabel('カレンダー配信URL').innerText()).toMatch(/\/api\/v1\/calendar\.ics\?token=kcal_/);
    await look(admin, 'calendar');
    await page.getByRole('link', { name: '監査の検証' }).click();
    await page.getByRole('button', { name: '監査ログを検証' }).click();
    await page.getByText(/件を検証しました。改ざんはありません/).waitFor();
    await look(admin, 'audit');

    await page
      .getByRole('navigation', { name: '管理メニュー' })
      .getByRole('link', { name: 'セキュリティイベント' })
      .click();
    const events = page.getByRole('table', { name: /^セキュリティイベント（\d+件）$/ });
    await events.waitFor();
    await look(admin, 'security-events');
    await page.getByLabel('種類').selectOption({ label: 'サインイン失敗' });
    await page.getByLabel('ユーザー名').fill('kenko.approver');
    await page.getByRole('button', { name: '検索' }).click();
    await page
      .getByRole('table', { name: 'セキュリティイベント（1件）' })
      .getByRole('row', { name: /サインイン失敗.*kenko\.approver/ })
      .waitFor();
    await page.getByLabel('種類').selectOption({ label: 'サインイン成功' });
    await page
      .getByRole('table', { name: 'セキュリティイベント（1件）' })
      .getByRole('row', { name: /サインイン成功.*kenko\.approver/ })
      .waitFor();
  }, 120_000);

  it('管理 for everyone else: only their own settings in the menu, a Japanese message on an administrator’s page, and the API refuses them', async () => {
    const editor = await as('kenko.editor', '/settings');
    const { page } = editor;
    const menu = page.getByRole('navigation', { name: '管理メニュー' });
    await menu.getByRole('link', { name: '通知設定' }).waitFor();
    expect((await menu.getByRole('link').allInnerTexts()).map((t) => t.trim())).toEqual([
      '通知設定',
      'カレンダー配信',
      'APIトークン',
    ]);
    expect(await page.getByRole('heading', { name: 'システム管理' }).count()).toBe(0);
    await look(editor, 'settings-editor');
    const bearer = await signIn(api.url, 'kenko.editor');
    for (const [path, title, route] of [
      ['/settings/users', '利用者と権限', '/users'],
      ['/settings/org-units', '組織', null],
      ['/settings/workflows', 'ワークフロー定義', null],
      ['/settings/audit', '監査の検証', '/audit/verify'],
      ['/settings/security-events', 'セキュリティイベント', '/security-events'],
      ['/settings/personnel', '人事異動・機構改革', '/personnel-transfers'],
    ] as const) {
      await page.goto(path);
      await page.getByRole('heading', { level: 1, name: title }).waitFor();
      await page.getByRole('alert').getByText('この画面はシステム管理者だけが使えます。').waitFor();
      if (route) expect((await client(api.url, bearer).get(route)).status).toBe(403);
    }
    await look(editor, 'admin-only-message');
    // Writes too: an editor cannot add a unit or a user.
    expect(
      (
        await client(api.url, bearer).post('/org-units', {
          code: 'x.y',
          nameJa: 'x',
          nameEn: 'x',
          kind: 'division',
          parent: 'kenko',
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await client(api.url, bearer).post('/users', {
          username: 'x.y',
          displayName: 'x',
          orgUnit: 'kenko',
          grants: [],
        })
      ).status,
    ).toBe(403);
    // The administrator's menu has everything.
    const admin = await as('admin', '/settings');
    await admin.page
      .getByRole('navigation', { name: '管理メニュー' })
      .getByRole('heading', { name: 'システム管理' })
      .waitFor();
    expect(await admin.page.getByRole('navigation', { name: '管理メニュー' }).getByRole('link').count()).toBe(9);
    await look(admin, 'settings');
  }, 120_000);
});
