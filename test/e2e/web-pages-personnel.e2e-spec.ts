import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
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
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 管理 → 人事異動・機構改革 in Chromium on the real API: the personnel system's file checked
 * first (its problems as a table of row, column and problem; nothing entered), then entered; the
 * pending transfers by 発令日; a reorganisation entered and listed. axe clean, same-origin only.
 */
const DAY = '2027-04-01';

function csv(rows: string[][]): Buffer {
  return Buffer.from(
    [['職員番号', '氏名', '旧所属', '新所属', '役割', '発令日'], ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n',
  );
}

describe('the web pages: 人事異動・機構改革', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let person: TestPage;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    await db.query(`UPDATE app_user SET employee_number = 'K' || lpad(row_number::text, 4, '0')
                      FROM (SELECT id, row_number() OVER (ORDER BY username) FROM app_user WHERE username IN ('kenko.editor', 'chuo.editor')) n
                     WHERE app_user.id = n.id`);
    api = await startApi(testConfig(db.url));
    browser = await openBrowser();
    person = await browser.newPage(api.url);
    await signInContext(person.context, 'admin');
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
  });

  const numbers = async () =>
    Object.fromEntries(
      (
        await db.query(
          `SELECT username, employee_number FROM app_user WHERE username IN ('kenko.editor', 'chuo.editor')`,
        )
      ).map((r) => [r.username, r.employee_number as string]),
    );

  async function expectAccessible(page: Page, name: string): Promise<void> {
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, `personnel-${name}`);
    await expectFitsPhone(page, `personnel-${name}`);
  }

  it('is reached from 管理 and checks a file first: its problems as a table, nothing entered', async () => {
    const { page } = person;
    await page.goto('/settings');
    await page
      .getByRole('link', { name: /人事異動・機構改革/ })
      .first()
      .click();
    await page.getByRole('heading', { level: 1, name: '人事異動・機構改革' }).waitFor();
    await page.getByText('発令予定の人事異動はありません。').waitFor();
    await expectAccessible(page, 'empty');

    const n = await numbers();
    await page.getByLabel(/^ファイル/).setInputFiles({
      name: 'jinji.csv',
      mimeType: 'text/csv',
      buffer: csv([
        [n['kenko.editor'], '健康福祉局 担当者', 'kenko', 'chuo', '担当者', DAY],
        [n['chuo.editor'], '別の人', 'chuo', 'kenko', '担当者', DAY],
        [n['chuo.editor'], '中央区 担当者', 'chuo', '存在しない局', '担当者', DAY],
      ]),
    });
    await page.getByRole('button', { name: '内容を確認（まだ登録しません）' }).click();
    await page.getByRole('alert').filter({ hasText: '何も登録していません' }).waitFor();
    const table = page.getByRole('table', { name: /ファイルの問題/ });
    expect(await table.getByRole('columnheader').allInnerTexts()).toEqual(['行', '列', '問題']);
    const cells = await table.locator('tbody tr').evaluateAll((rows) =>
      rows.map((r) =>
        [...r.querySelectorAll('td,th')]
          .slice(0, 2)
          .map((c) => (c.textContent ?? '').trim())
          .join(':'),
      ),
    );
    expect(cells).toEqual(['3:氏名', '4:新所属']);
    // The server's problems in Japanese, quoting what the file says.
    expect(await table.locator('tbody tr td:last-child').allInnerTexts()).toEqual([
      `職員番号${n['chuo.editor']}の職員は「中央区 担当者」です（ファイルでは「別の人」）。`,
      '組織「存在しない局」が見つかりません（組織の名称か組織コードで書きます）。',
    ]);
    await expectAccessible(page, 'row-errors');
    expect(Number((await db.query(`SELECT count(*)::int AS n FROM personnel_transfer`))[0].n)).toBe(0);
  }, 120_000);

  it('dry-runs a good file, enters it, and lists the pending transfers by 発令日', async () => {
    const { page } = person;
    const n = await numbers();
    await page.getByLabel(/^ファイル/).setInputFiles({
      name: 'jinji.csv',
      mimeType: 'text/csv',
      buffer: csv([
        [n['kenko.editor'], '健康福祉局 担当者', 'kenko', 'chuo', '担当者', DAY],
        [n['chuo.editor'], '中央区 担当者', 'chuo', 'kenko', '担当者', '2027-04-02'],
      ]),
    });
    await page.getByRole('button', { name: '内容を確認（まだ登録しません）' }).click();
    await page.getByText('2行を確認しました。問題はありません。').waitFor();
    expect(Number((await db.query(`SELECT count(*)::int AS n FROM personnel_transfer`))[0].n)).toBe(0);
    await page.getByRole('button', { name: '2件の人事異動を登録' }).click();
    await page.getByText('2件の人事異動を登録しました。').waitFor();
    expect(
      Number((await db.query(`SELECT count(*)::int AS n FROM personnel_transfer WHERE status = 'scheduled'`))[0].n),
    ).toBe(2);

    const first = page.getByRole('table', { name: `発令日 ${DAY}（1件）` });
    await first.waitFor();
    expect(await first.locator('tbody tr').first().innerText()).toMatch(/健康福祉局 担当者\s+健康福祉局\s+中央区/);
    await page.getByRole('table', { name: '発令日 2027-04-02（1件）' }).waitFor();
    await expectAccessible(page, 'pending');
  }, 120_000);

  it('enters a reorganisation and lists it with its names', async () => {
    const { page } = person;
    const form = page.getByRole('region', { name: '機構改革の登録' });
    await form.getByLabel('種類').selectOption('rename');
    await form.getByLabel('施行日').fill(DAY);
    await form.getByLabel('対象の組織').selectOption('kankyo');
    await form.getByLabel('新しい名称').fill('環境脱炭素局');
    await form.getByLabel('新しい英語名称').fill('Environment & Decarbonisation Bureau');
    await form.getByRole('button', { name: '機構改革を登録' }).click();
    await page.getByText(`名称変更を登録しました。${DAY}の午前0時（日本時間）に切り替わります。`).waitFor();
    const list = page.getByRole('table', { name: /機構改革（1件/ });
    await list.waitFor();
    expect(await list.locator('tbody tr').first().innerText()).toMatch(/名称変更\s+環境局 → 環境脱炭素局\s+発令予定/);

    // A merge form names its parts; the server's refusal of a single unit is shown at the field.
    await form.getByLabel('種類').selectOption('merge');
    await form.getByRole('checkbox', { name: '健康福祉局' }).check();
    await form.getByLabel('統合後の組織のコード').fill('kenko-byoin');
    await form.getByLabel('統合後の組織の名称').fill('健康福祉病院局');
    await form.getByLabel('統合後の組織の英語名称').fill('Health, Welfare & Hospital Bureau');
    await form.getByRole('button', { name: '機構改革を登録' }).click();
    await form.getByText(/^＊/).first().waitFor();
    expect(Number((await db.query(`SELECT count(*)::int AS n FROM org_reorganisation`))[0].n)).toBe(1);
    await expectAccessible(page, 'reorganisation');

    expectSameOrigin(person.log, api.url);
    // The refused merge is an answered 400, which Chromium logs as a failed resource.
    expectCleanPage({
      ...person.log,
      consoleErrors: person.log.consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e),
      ),
    });
  }, 120_000);
});
