import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import type { INestApplicationContext } from '@nestjs/common';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import { axeViolations, SCREENSHOT_DIR, expectCleanPage, expectSameOrigin, openBrowser, screenshot, signInContext, type TestBrowser, type TestPage } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The tracking year's pages (part 2 of the web application) in Chromium on the real API and
 * the demo data: the dashboard reads the previous plan's 令和4年度 from its own table. Each
 * page is checked with axe, saved as a screenshot at 1280×800 and at 375 px wide
 * (`npm run screenshots` runs this file with the other web-pages files).
 */
/** RFC 4180 records (quoted fields with "" and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') record.push(field), (field = '');
    else if (c === '\n') record.push(field.replace(/\r$/, '')), records.push(record), (record = []), (field = '');
    else field += c;
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

const STAGE3 = '市役所改革プラン（第3ステージ）【デモデータ】';

describe('the web pages: dashboard and tracking', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let worker: INestApplicationContext;
  let stage3: string;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url);
    api = await startApi(config);
    worker = await startWorker(config);
    browser = await openBrowser();
    stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  /** A signed-in browser of one person, at a path, with its page fully loaded. */
  async function as(username: string, path: string, viewport?: { width: number; height: number }): Promise<TestPage> {
    const person = await browser.newPage(api.url, viewport ? { viewport } : {});
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

  /** axe clean, nothing foreign, no error; and the screenshot. */
  async function look(person: TestPage, name: string): Promise<void> {
    await settled(person.page);
    expect(await axeViolations(person.page)).toEqual([]);
    expectSameOrigin(person.log, api.url);
    // An answered 4xx (a rejected import file) is logged by Chromium as "Failed to load resource": the page's expected answer, not a fault.
    expectCleanPage({ ...person.log, consoleErrors: person.log.consoleErrors.filter((e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e)) });
    await screenshot(person.page, `web2-${name}`);
    // And as a phone shows it (375 px wide), then back.
    const size = person.page.viewportSize();
    if (size && size.width > 375) {
      await person.page.setViewportSize({ width: 375, height: 800 });
      await screenshot(person.page, `web2-${name}-375`);
      await person.page.setViewportSize(size);
    }
  }

  /** A table read as the person sees it: header texts, then each row's texts (row header first). */
  async function readTable(table: Locator): Promise<{ headers: string[]; rows: string[][]; totals: string[] }> {
    const headers = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    const rows: string[][] = [];
    for (const row of await table.locator('tbody tr').all()) rows.push((await row.locator('th, td').allInnerTexts()).map((t) => t.trim()));
    const totals = (await table.locator('tfoot tr').first().locator('th, td').allInnerTexts()).map((t) => t.trim());
    return { headers, rows, totals };
  }

  it('the dashboard shows 108 / 29 / 137 for 令和4年度 of the previous plan, per policy in the plan’s form, with charts', async () => {
    const person = await as('secretariat', '/dashboard');
    const { page } = person;
    await page.getByLabel('計画', { exact: true }).selectOption({ label: STAGE3 });
    await page.getByLabel('年度', { exact: true }).selectOption({ label: '令和4年度' });
    const table = page.getByRole('table', { name: '令和4年度 方針別の進捗状況（件）' });
    await table.waitFor();
    const { headers, rows, totals } = await readTable(table);
    expect(headers).toEqual(['方針', '計画通り進捗', '一部変更・遅れ', '合計']);
    expect(totals).toEqual(['合計', '108', '29', '137']);
    // The policies' rows add up to the totals, and each row to its own 合計.
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect(r[0]).toMatch(/^方針\d+ /);
      expect(Number(r[1]) + Number(r[2])).toBe(Number(r[3]));
    }
    expect([1, 2, 3].map((c) => rows.reduce((sum, r) => sum + Number(r[c]), 0))).toEqual([108, 29, 137]);

    // Per bureau the same totals.
    const units = await readTable(page.getByRole('table', { name: '令和4年度 所管局・区別の進捗状況（件）' }));
    expect(units.totals).toEqual(['合計', '108', '29', '137']);

    // The charts are drawn (ECharts, SVG) in the plan's colours, with a description for screen readers.
    const chart = page.getByRole('img', { name: /^令和4年度の方針別の進捗状況。計画通り進捗108件、一部変更・遅れ29件、合計137件。$/ });
    await chart.locator('svg').waitFor();
    expect(await chart.locator('path[fill="#2E7D32"], path[fill="rgb(46,125,50)"]').count()).toBeGreaterThan(0);
    // KPIs: a table with the grade, and a chart per indicator.
    const kpiRows = await page.getByRole('table', { name: '検証指標の一覧' }).locator('tbody tr').allInnerTexts();
    expect(kpiRows.length).toBeGreaterThan(0);
    expect(kpiRows.every((r) => /[SABC—]$/.test(r.trim()))).toBe(true);
    await page.getByRole('img', { name: /基準値.*目標|基準値.*上限/ }).first().locator('svg').waitFor();
    await look(person, 'dashboard');
    // The README's picture: the top of the page (the tables and the policy chart).
    await person.page.screenshot({ path: join(SCREENSHOT_DIR, 'web2-dashboard-top.png'), clip: { x: 0, y: 0, width: 1280, height: 1100 } });
  });

  it('the dashboard at 375 px wide', async () => {
    const person = await as('kenko.editor', '/dashboard', { width: 375, height: 800 });
    await person.page.getByLabel('計画', { exact: true }).selectOption({ label: STAGE3 });
    await person.page.getByLabel('年度', { exact: true }).selectOption({ label: '令和4年度' });
    await person.page.getByRole('table', { name: '令和4年度 方針別の進捗状況（件）' }).waitFor();
    await look(person, 'dashboard-375');
  });

  it('a bureau enters the year’s progress on one screen, the secretariat confirms one and returns one, the bureau is told, the dashboard recounts', async () => {
    // 健康福祉局's editor opens the bulk screen for 令和5年度 of the previous plan.
    const editor = await as('kenko.editor', `/tracking/bulk?plan=${stage3}&year=2023`);
    let page = editor.page;
    const table = page.getByRole('table', { name: '健康福祉局の取組（令和5年度）' });
    await table.waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    const [first, second] = [(await rows.nth(0).locator('th').innerText()).trim(), (await rows.nth(1).locator('th').innerText()).trim()];
    const [a, b] = [first.split(' ')[0], second.split(' ')[0]];
    await look(editor, 'tracking-bulk');

    // One on track; one 一部変更・遅れ without a reason → the error is shown at that row's reason.
    await page.getByLabel(`${a}の進捗状況`).selectOption({ label: '計画通り進捗' });
    await page.getByLabel(`${b}の進捗状況`).selectOption({ label: '一部変更・遅れ' });
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('1件を保存しました。1件は保存できませんでした。').waitFor();
    const reason = page.getByLabel(`${b}の理由`);
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    await expect(page.getByRole('row', { name: new RegExp(b) }).getByText('＊一部変更・遅れのときは理由を入力してください。').isVisible()).resolves.toBe(true);
    expect(await page.getByLabel(`${a}の理由`).getAttribute('aria-invalid')).toBeNull();
    await screenshot(page, 'web2-tracking-bulk-error');
    // With the reason it saves; then both go to the secretariat.
    await reason.fill('関係機関との調整に時間を要したため');
    await page.getByRole('button', { name: '下書きを保存' }).click();
    await page.getByText('1件を下書きとして保存しました。').waitFor();
    await page.getByRole('button', { name: 'まとめて提出（2件）' }).click();
    await page.getByText('2件を事務局に提出しました。').waitFor();
    expect(await rows.nth(0).getByText('提出済').count()).toBe(1);
    expect(await rows.nth(1).getByText('提出済').count()).toBe(1);

    // The secretariat finds them by unit, confirms the first and returns the second with a comment.
    const secretariat = await as('secretariat', `/tracking?plan=${stage3}`);
    page = secretariat.page;
    await page.getByLabel('所管').selectOption({ label: '健康福祉局' });
    await page.getByRole('table', { name: /^取組の一覧/ }).getByRole('link', { name: first.slice(a.length + 1) }).click();
    await page.getByRole('button', { name: '令和5年度の進捗を確認' }).click();
    await page.getByRole('row', { name: /令和5年度/ }).getByText('確認済').waitFor();
    await look(secretariat, 'tracking-initiative');
    await page.goBack();
    await page.getByRole('table', { name: /^取組の一覧/ }).getByRole('link', { name: second.slice(b.length + 1) }).click();
    await page.getByRole('button', { name: '差戻し', exact: true }).click();
    await page.getByLabel('差戻しの理由').fill('遅れの見通し（いつまでに実施するか）を書いてください');
    await page.getByRole('button', { name: '差戻しを確定' }).click();
    await page.getByRole('row', { name: /令和5年度/ }).getByText('作成中').waitFor();
    await look(secretariat, 'tracking-initiative-returned');
    await page.goBack();
    await page.getByRole('table', { name: /^取組の一覧/ }).waitFor();
    await look(secretariat, 'tracking-list');

    // The editor is told (the worker delivers the notification), with the comment.
    await editor.page.goto('/notifications');
    const told = editor.page.getByText(/遅れの見通し（いつまでに実施するか）を書いてください/).first();
    for (let i = 0; i < 60 && !(await told.isVisible()); i++) {
      await editor.page.waitForTimeout(500);
      await editor.page.reload();
      await settled(editor.page);
    }
    await told.waitFor();

    // After the recount the dashboard counts the confirmed one for 令和5年度.
    await page.goto(`/dashboard?plan=${stage3}&year=2023`);
    const totals = page.getByRole('table', { name: '令和5年度 方針別の進捗状況（件）' }).locator('tfoot tr');
    for (let i = 0; i < 60 && (await totals.innerText().catch(() => '')).replace(/\s+/g, ' ').trim() !== '合計 1 0 1'; i++) {
      await page.waitForTimeout(500);
      await page.reload();
      await settled(page);
    }
    expect((await totals.innerText()).replace(/\s+/g, ' ').trim()).toBe('合計 1 0 1');
  });

  it('the council report for 令和4年度 downloads as xlsx and CSV through the page, with the page’s totals', async () => {
    const person = await as('secretariat', `/reports?plan=${stage3}&year=2022`);
    const { page } = person;
    const summary = page.getByRole('table', { name: '令和4年度 市議会報告の集計（件）' });
    await summary.waitFor();
    const shown = await readTable(summary);
    expect(shown.totals).toEqual(['合計', '108', '29', '137']);
    await look(person, 'council-report');

    const [xlsx] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Excel（xlsx）をダウンロード' }).click()]);
    expect(xlsx.suggestedFilename()).toBe('council-report-kaikaku-stage3-2022.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync((await xlsx.path())!) as unknown as ArrayBuffer);
    const found: string[][] = [];
    for (const sheet of workbook.worksheets)
      sheet.eachRow((row) => {
        const values = (row.values as unknown[]).slice(1).map((v) => String((v as { result?: unknown })?.result ?? v ?? ''));
        if (values[0] === '合計') found.push(values);
      });
    expect(found[0]).toEqual(['合計', '108', '29', '137']);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSVをダウンロード' }).click()]);
    expect(csv.suggestedFilename()).toBe('council-report-kaikaku-stage3-2022.csv');
    // One row per initiative: the statuses counted give the same totals.
    const [header, ...records] = parseCsv(readFileSync((await csv.path())!, 'utf8').replace(/^\uFEFF/, ''));
    const status = header.indexOf('進捗状況');
    expect(status).toBeGreaterThan(0);
    const count = (label: string) => records.filter((r) => r[status] === label).length;
    expect([count('計画通り進捗'), count('一部変更・遅れ'), records.length]).toEqual([108, 29, 137]);
  });

  it('an import with a bad row shows (row, column, problem) and writes nothing; the good file is checked, then applied', async () => {
    const person = await as('secretariat', '/imports');
    const { page } = person;
    const reports2021 = async () => (await db.query(`SELECT count(*)::int AS n FROM progress_report WHERE plan_id = $1 AND fiscal_year = 2021`, [stage3]))[0].n as number;
    expect(await reports2021()).toBe(0);
    await page.getByLabel('計画', { exact: true }).selectOption({ label: STAGE3 });
    await page.getByLabel('取り込む内容').selectOption({ label: '進捗報告' });
    const file = (body: string) => ({ name: 'progress-2021.csv', mimeType: 'text/csv', buffer: Buffer.from(`\uFEFF取組番号,年度,進捗状況,理由\r\n${body}`, 'utf8') });
    await page.getByLabel(/^ファイル（CSV/).setInputFiles(file('1-02,令和3年度,計画通り進捗,\r\n1-03,令和3年度,順調,\r\n'));
    await page.getByRole('button', { name: '内容を確認（まだ取り込みません）' }).click();
    const problems = page.getByRole('table', { name: 'ファイルの問題（1件）' });
    await problems.waitFor();
    const [row] = await problems.locator('tbody tr').all();
    const cells = (await row.locator('th, td').allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(0, 2)).toEqual(['3', '進捗状況']);
    expect(cells[2]).not.toBe('');
    await look(person, 'imports-errors');
    expect(await reports2021()).toBe(0);

    await page.getByLabel(/^ファイル（CSV/).setInputFiles(file('1-02,令和3年度,計画通り進捗,\r\n1-03,令和3年度,一部変更・遅れ,資材の納期が遅れたため\r\n'));
    await page.getByRole('button', { name: '内容を確認（まだ取り込みません）' }).click();
    await page.getByText('2行を確認しました。問題はありません。').waitFor();
    expect(await reports2021()).toBe(0);
    await look(person, 'imports-checked');
    await page.getByRole('button', { name: '2行を取り込む' }).click();
    await page.getByText(/^2行を取り込みました/).waitFor();
    expect(await reports2021()).toBe(2);
  });

  it('管理: an administrator verifies the audit log; anyone issues a calendar-feed URL', async () => {
    const person = await as('admin', '/settings/audit');
    const { page } = person;
    await page.getByRole('button', { name: '監査ログを検証' }).click();
    await page.getByText(/件を検証しました。改ざんはありません/).waitFor();
    await page.getByRole('link', { name: 'カレンダー配信' }).click();
    await page.getByRole('button', { name: 'カレンダー配信URLを発行' }).click();
    const url = await page.getByLabel('カレンダー配信URL').innerText();
    expect(url).toMatch(/\/api\/v1\/calendar\.ics\?token=kcal_[A-Za-z0-9_-]{20,64}$/);
    await look(person, 'settings');
    // An editor has no audit section.
    const editor = await as('kenko.editor', '/settings/calendar');
    await editor.page.getByRole('button', { name: 'カレンダー配信URLを発行' }).waitFor();
    expect(await editor.page.getByRole('button', { name: '監査ログを検証' }).count()).toBe(0);
  });
});
