import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import type { Locator, Page } from 'playwright-core';
import type { INestApplicationContext } from '@nestjs/common';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import {
  axeViolations,
  SCREENSHOT_DIR,
  expectCleanPage,
  horizontalOverflow,
  expectSameOrigin,
  openBrowser,
  screenshot,
  signInContext,
  type TestBrowser,
  type TestPage,
} from '../support/browser.js';
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
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n') {
      record.push(field.replace(/\r$/, ''));
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

const STAGE3 = '市役所改革プラン（第3ステージ）【デモデータ】';
const PLAN_2027 = '市役所改革プラン2027（市役所改革第4ステージ）';

describe('the web pages: dashboard and tracking', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let worker: INestApplicationContext;
  let stage3: string;
  let plan2027: string;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url);
    api = await startApi(config);
    worker = await startWorker(config);
    browser = await openBrowser();
    stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
    plan2027 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-2027'`))[0].id;
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

  /**
   * No console error, page error or CSP violation. An answered 4xx (a rejected import file, a
   * missing reason) is logged by Chromium as "Failed to load resource": the page's expected answer, not a fault.
   */
  function clean(person: TestPage): void {
    expectCleanPage({
      ...person.log,
      consoleErrors: person.log.consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e),
      ),
    });
  }

  /** axe clean, nothing foreign, no error; and the screenshot. */
  async function look(person: TestPage, name: string): Promise<void> {
    await settled(person.page);
    expect(await axeViolations(person.page)).toEqual([]);
    expectSameOrigin(person.log, api.url);
    clean(person);
    const size = person.page.viewportSize()!;
    if (size.width > 375) await screenshot(person.page, `web2-${name}`);
    // And as a phone shows it (375 px wide; a page drawn wide first, as a turned phone or a
    // narrowed window does): nothing wider than the phone (wide tables scroll in their own box),
    // still axe clean; then back.
    const narrow = await horizontalOverflow(person.page, 375);
    expect({ fits: narrow.scrollWidth <= 375, culprits: narrow.culprits }).toEqual({ fits: true, culprits: [] });
    expect(await axeViolations(person.page)).toEqual([]);
    await screenshot(person.page, size.width > 375 ? `web2-${name}-375` : `web2-${name}`);
    await person.page.setViewportSize(size);
  }

  /** A table read as the person sees it: header texts, then each row's texts (row header first). */
  async function readTable(table: Locator): Promise<{ headers: string[]; rows: string[][]; totals: string[] }> {
    const headers = (await table.locator('thead th').allInnerTexts()).map((t) => t.trim());
    const rows: string[][] = [];
    for (const row of await table.locator('tbody tr').all())
      rows.push((await row.locator('th, td').allInnerTexts()).map((t) => t.trim()));
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
    const chart = page.getByRole('img', {
      name: /^令和4年度の方針別の進捗状況。計画通り進捗108件、一部変更・遅れ29件、合計137件。$/,
    });
    await chart.locator('svg').waitFor();
    expect(await chart.locator('path[fill="#2E7D32"], path[fill="rgb(46,125,50)"]').count()).toBeGreaterThan(0);
    // KPIs: a table with the grade, and a chart per indicator.
    const kpiRows = await page.getByRole('table', { name: '検証指標の一覧' }).locator('tbody tr').allInnerTexts();
    expect(kpiRows.length).toBeGreaterThan(0);
    expect(kpiRows.every((r) => /[SABC—]$/.test(r.trim()))).toBe(true);
    await page
      .getByRole('img', { name: /基準値.*目標|基準値.*上限/ })
      .first()
      .locator('svg')
      .waitFor();
    await look(person, 'dashboard');
    // The README's pictures: the top of the page down to the policy chart, and the first KPIs
    // (boxes measured from the top of the page).
    await page.evaluate('window.scrollTo(0, 0)');
    const policies = (await page.locator('section[aria-labelledby="by-policy"]').boundingBox())!;
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'web2-dashboard-top.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1280, height: Math.ceil(policies.y + policies.height + 24) },
    });
    const kpi = (await page.locator('section[aria-labelledby="kpi"]').boundingBox())!;
    await page.screenshot({
      path: join(SCREENSHOT_DIR, 'web2-dashboard-kpi.png'),
      fullPage: true,
      clip: { x: 0, y: Math.floor(kpi.y - 24), width: 1280, height: 1000 },
    });
  }, 120_000);

  it('the dashboard at 375 px wide', async () => {
    const person = await as('kenko.editor', '/dashboard', { width: 375, height: 800 });
    await person.page.getByLabel('計画', { exact: true }).selectOption({ label: STAGE3 });
    await person.page.getByLabel('年度', { exact: true }).selectOption({ label: '令和4年度' });
    await person.page.getByRole('table', { name: '令和4年度 方針別の進捗状況（件）' }).waitFor();
    await look(person, 'dashboard-375');
    // The README's phone picture: what the first screen shows.
    await person.page.evaluate('window.scrollTo(0, 0)');
    await person.page.screenshot({ path: join(SCREENSHOT_DIR, 'web2-dashboard-375-top.png') });
  }, 120_000);

  it('the tracking year through the pages: 令和6年度 on the bulk screen (a missing reason shown at its field), one confirmed and one returned, the bureau told, the dashboard recounted, a snapshot compared', async () => {
    // The new plan's initiatives are decided after the inquiry; the secretariat brings two of 健康福祉局's in through the import page.
    const secretariat = await as('secretariat', '/imports');
    const page = secretariat.page;
    await page.getByLabel('計画', { exact: true }).selectOption({ label: PLAN_2027 });
    await page.getByLabel('取り込む内容').selectOption({ label: '取組（年度の進捗状況つき）' });
    const csv =
      '\uFEFF取組番号,取組名,方針,テーマ,所管\r\n2-1-01,福祉窓口の予約受付のオンライン化,2,1,kenko\r\n2-3-01,介護認定事務の集約化,2,3,kenko\r\n';
    await page
      .getByLabel(/^ファイル（CSV/)
      .setInputFiles({ name: 'initiatives-r6.csv', mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
    await page.getByRole('button', { name: '内容を確認（まだ取り込みません）' }).click();
    await page.getByRole('button', { name: '2行を取り込む' }).click();
    await page.getByText(/^2行を取り込みました/).waitFor();

    // Before anything is confirmed, the secretariat freezes the year as it stands.
    await page.goto(`/dashboard?plan=${plan2027}&year=2024`);
    await settled(page);
    await page.getByLabel('スナップショットの名前').fill('令和6年度 提出前');
    await page.getByRole('button', { name: 'スナップショットを保存' }).click();
    await page.getByRole('listitem').filter({ hasText: '令和6年度 提出前（令和6年度）' }).waitFor();

    // 健康福祉局's editor: both 一部変更・遅れ, the reason given for one only → the error at the other's reason.
    const editor = await as('kenko.editor', `/tracking/bulk?plan=${plan2027}&year=2024`);
    const bulk = editor.page;
    const table = bulk.getByRole('table', { name: '健康福祉局の取組（令和6年度）' });
    await table.waitFor();
    expect((await table.locator('tbody tr th a').allInnerTexts()).map((t) => t.trim())).toEqual([
      '2-1-01 福祉窓口の予約受付のオンライン化',
      '2-3-01 介護認定事務の集約化',
    ]);
    await look(editor, 'tracking-bulk');
    await bulk.getByLabel('2-1-01の進捗状況').selectOption({ label: '一部変更・遅れ' });
    await bulk.getByLabel('2-1-01の理由').fill('システム改修の調達に時間を要したため');
    await bulk.getByLabel('2-3-01の進捗状況').selectOption({ label: '一部変更・遅れ' });
    await bulk.getByRole('button', { name: '下書きを保存' }).click();
    await bulk.getByText('1件を保存しました。1件は保存できませんでした。').waitFor();
    const reason = bulk.getByLabel('2-3-01の理由');
    expect(await reason.getAttribute('aria-invalid')).toBe('true');
    expect(
      await bulk
        .getByRole('row', { name: /2-3-01/ })
        .getByText('＊一部変更・遅れのときは理由を入力してください。')
        .isVisible(),
    ).toBe(true);
    expect(await bulk.getByLabel('2-1-01の理由').getAttribute('aria-invalid')).toBeNull();
    // The focus went to the field to fix.
    expect(await reason.evaluate((e) => e === e.ownerDocument.activeElement)).toBe(true);
    await screenshot(bulk, 'web2-tracking-bulk-error');
    await reason.fill('国の制度改正を待って進めるため');
    await bulk.getByRole('button', { name: '下書きを保存' }).click();
    await bulk.getByText('1件を下書きとして保存しました。').waitFor();
    await bulk.getByRole('button', { name: 'まとめて提出（2件）' }).click();
    await bulk.getByText('2件を事務局に提出しました。').waitFor();
    const rows = table.locator('tbody tr');
    expect(await rows.nth(0).getByText('提出済').count()).toBe(1);
    expect(await rows.nth(1).getByText('提出済').count()).toBe(1);

    // The secretariat finds them by unit, confirms the first and returns the second with a comment.
    await page.goto(`/tracking?plan=${plan2027}`);
    await page.getByLabel('所管').selectOption({ label: '健康福祉局' });
    const list = page.getByRole('table', { name: /^取組の一覧/ });
    await list.getByRole('link', { name: '福祉窓口の予約受付のオンライン化' }).click();
    await page.getByRole('button', { name: '令和6年度の進捗を確認' }).click();
    await page
      .getByRole('row', { name: /令和6年度/ })
      .getByText('確認済')
      .waitFor();
    await page.getByText('令和6年度の進捗を確認しました。').waitFor();
    await look(secretariat, 'tracking-initiative');
    await page.goBack();
    await list.getByRole('link', { name: '介護認定事務の集約化' }).click();
    await page.getByRole('button', { name: '差戻し', exact: true }).click();
    await page.getByLabel('差戻しの理由').fill('制度改正の時期と、それまでに行うことを書いてください');
    await page.getByRole('button', { name: '差戻しを確定' }).click();
    await page
      .getByRole('row', { name: /令和6年度/ })
      .getByText('作成中')
      .waitFor();
    await look(secretariat, 'tracking-initiative-returned');
    await page.goBack();
    await list.waitFor();
    await look(secretariat, 'tracking-list');

    // The editor is told (the worker delivers the notification), with the comment.
    await bulk.goto('/notifications');
    const told = bulk.getByText(/制度改正の時期と、それまでに行うことを書いてください/).first();
    for (let i = 0; i < 60 && !(await told.isVisible()); i++) {
      await bulk.waitForTimeout(500);
      await bulk.reload();
      await settled(bulk);
    }
    await told.waitFor();

    // After the recount (the worker's job) the dashboard counts the confirmed one for 令和6年度.
    await page.goto(`/dashboard?plan=${plan2027}&year=2024`);
    const totals = page.getByRole('table', { name: '令和6年度 方針別の進捗状況（件）' }).locator('tfoot tr');
    for (
      let i = 0;
      i < 60 && (await totals.innerText().catch(() => '')).replace(/\s+/g, ' ').trim() !== '合計 0 1 1';
      i++
    ) {
      await page.waitForTimeout(500);
      await page.reload();
      await settled(page);
    }
    expect((await totals.innerText()).replace(/\s+/g, ' ').trim()).toBe('合計 0 1 1');
    const byPolicy = await readTable(page.getByRole('table', { name: '令和6年度 方針別の進捗状況（件）' }));
    expect(byPolicy.rows).toEqual([['方針2 行政サービスの最適化', '0', '1', '1']]);

    // A second snapshot; the compare view (older → newer by default) lists what moved, with its reason.
    await page.getByLabel('スナップショットの名前').fill('令和6年度 確認後');
    await page.getByRole('button', { name: 'スナップショットを保存' }).click();
    const moved = page.getByRole('table', { name: '状況が変わった取組（1件）' });
    await moved.waitFor();
    expect(await page.getByLabel('比較元').locator('option:checked').innerText()).toBe('令和6年度 提出前（令和6年度）');
    expect(await page.getByLabel('比較先').locator('option:checked').innerText()).toBe('令和6年度 確認後（令和6年度）');
    const change = await readTable(moved);
    expect(change.headers).toEqual(['取組', '変更前', '変更後', '理由']);
    expect(change.rows).toEqual([
      ['2-1-01 福祉窓口の予約受付のオンライン化', '（なし）', '一部変更・遅れ', 'システム改修の調達に時間を要したため'],
    ]);
    await look(secretariat, 'dashboard-snapshots');
  }, 240_000);

  it('a whole progress confirmation with the keyboard alone: the focus always visible, and where the person must act next', async () => {
    const [{ id: kenko }] = await db.query(`SELECT id FROM org_unit WHERE code = 'kenko'`);
    const [first] = await db.query(
      `SELECT id, title FROM initiative WHERE plan_id = $1 AND owning_unit_id = $2 ORDER BY code LIMIT 1`,
      [stage3, kenko],
    );

    /** The focused element as a person meets it: its name and whether its focus can be seen. */
    async function focused(page: Page): Promise<{ name: string; tag: string; invalid: boolean; visible: boolean }> {
      return await page.evaluate<{ name: string; tag: string; invalid: boolean; visible: boolean }>(`(() => {
        const e = document.activeElement;
        if (!e || e === document.body) return { name: '', tag: 'body', invalid: false, visible: false };
        const style = getComputedStyle(e);
        const label = e.labels && e.labels[0] ? e.labels[0].textContent.trim() : '';
        return {
          name: (e.getAttribute('aria-label') || label || e.textContent || '').trim(),
          tag: e.tagName.toLowerCase(),
          invalid: e.getAttribute('aria-invalid') === 'true',
          visible: e.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
        };
      })()`);
    }
    /** Presses Tab (or Shift+Tab) until the focus is on `name`; every stop on the way must show its focus. */
    async function tabTo(page: Page, name: string | RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab'): Promise<void> {
      const hit = (n: string) => (typeof name === 'string' ? n === name || n.startsWith(`${name}必須`) : name.test(n));
      for (let i = 0; i < 80; i++) {
        await page.keyboard.press(key);
        const f = await focused(page);
        if (f.tag === 'body') continue;
        expect({ name: f.name, visible: f.visible }).toEqual({ name: f.name, visible: true });
        if (hit(f.name)) return;
      }
      throw new Error(`no focusable element named ${String(name)}`);
    }
    /** The focus lands on `name` (after the page's re-render: a moment's wait), and can be seen there. */
    const focusIs = async (page: Page, name: string | RegExp) => {
      const hit = (n: string) => (typeof name === 'string' ? n === name : name.test(n));
      let f = await focused(page);
      for (let i = 0; i < 50 && !hit(f.name); i++) {
        await page.waitForTimeout(100);
        f = await focused(page);
      }
      expect(f.visible).toBe(true);
      if (typeof name === 'string') expect(f.name).toBe(name);
      else expect(f.name).toMatch(name);
      return f;
    };

    // 健康福祉局's editor opens the initiative from the list with Enter.
    const editor = await as('kenko.editor', `/tracking?plan=${stage3}&unit=${kenko}`);
    let page = editor.page;
    await page.getByRole('table', { name: /^取組の一覧/ }).waitFor();
    await tabTo(page, first.title);
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1 }).filter({ hasText: first.title }).waitFor();
    await page.getByRole('table', { name: '進捗報告の一覧' }).waitFor();

    // 令和5年度 (the plan's last year) is chosen already; 一部変更・遅れ with the arrow keys, no reason, saved with Enter.
    await tabTo(page, '年度');
    expect(await page.getByLabel('年度', { exact: true }).inputValue()).toBe('2023');
    await tabTo(page, '進捗状況');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('進捗状況').locator('option:checked').innerText()).toBe('一部変更・遅れ');
    await tabTo(page, '下書きを保存');
    await page.keyboard.press('Enter');
    // The server's field error: the focus lands on the field to fix, marked invalid, with the message beside it.
    await page.getByText('＊理由を入力してください。').waitFor();
    expect(await focusIs(page, /^理由/)).toMatchObject({ tag: 'textarea', invalid: true });
    await page.keyboard.type('関係課との調整に時間を要したため');
    await tabTo(page, '下書きを保存');
    await page.keyboard.press('Space');
    // The form is drawn anew for the draft: the message takes the focus, and 提出 is one Shift+Tab away.
    await page.getByText('下書きを保存しました。').waitFor();
    await focusIs(page, /^下書きを保存しました。/);
    await tabTo(page, '令和5年度の進捗を提出', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /令和5年度/ })
      .getByText('提出済')
      .waitFor();
    await focusIs(page, '令和5年度の進捗を事務局に提出しました。');
    clean(editor);

    // The secretariat opens it, starts a return and thinks better of it (Escape gives the focus back), then confirms.
    const secretariat = await as('secretariat', `/initiatives/${first.id}`);
    page = secretariat.page;
    await page.getByRole('table', { name: '進捗報告の一覧' }).waitFor();
    await tabTo(page, '差戻し');
    await page.keyboard.press('Enter');
    expect(await focusIs(page, /^差戻しの理由/)).toMatchObject({ tag: 'textarea' });
    await page.keyboard.press('Escape');
    await focusIs(page, '差戻し');
    await tabTo(page, '令和5年度の進捗を確認', 'Shift+Tab');
    await page.keyboard.press('Enter');
    await page
      .getByRole('row', { name: /令和5年度/ })
      .getByText('確認済')
      .waitFor();
    await focusIs(page, '令和5年度の進捗を確認しました。');
    clean(secretariat);
    expectSameOrigin(secretariat.log, api.url);
    expect(
      await db.query(`SELECT state FROM progress_report WHERE initiative_id = $1 AND fiscal_year = 2023`, [first.id]),
    ).toEqual([{ state: 'confirmed' }]);
  }, 180_000);

  it('the council report for 令和4年度 downloads as xlsx and CSV through the page, with the page’s totals', async () => {
    const person = await as('secretariat', `/reports?plan=${stage3}&year=2022`);
    const { page } = person;
    const summary = page.getByRole('table', { name: '令和4年度 市議会報告の集計（件）' });
    await summary.waitFor();
    const shown = await readTable(summary);
    expect(shown.totals).toEqual(['合計', '108', '29', '137']);
    await look(person, 'council-report');

    const [xlsx] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Excel（xlsx）をダウンロード' }).click(),
    ]);
    expect(xlsx.suggestedFilename()).toBe('council-report-kaikaku-stage3-2022.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(readFileSync(await xlsx.path()) as unknown as ArrayBuffer);
    const found: string[][] = [];
    for (const sheet of workbook.worksheets)
      sheet.eachRow((row) => {
        // A formula cell holds its computed value in `result`.
        const values = (row.values as unknown[]).slice(1).map((v) => {
          const value = (v as { result?: unknown } | null)?.result ?? v;
          return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
        });
        if (values[0] === '合計') found.push(values);
      });
    expect(found[0]).toEqual(['合計', '108', '29', '137']);

    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'CSVをダウンロード' }).click(),
    ]);
    expect(csv.suggestedFilename()).toBe('council-report-kaikaku-stage3-2022.csv');
    // One row per initiative: the statuses counted give the same totals.
    const [header, ...records] = parseCsv(readFileSync(await csv.path(), 'utf8').replace(/^\uFEFF/, ''));
    const status = header.indexOf('進捗状況');
    expect(status).toBeGreaterThan(0);
    const count = (label: string) => records.filter((r) => r[status] === label).length;
    expect([count('計画通り進捗'), count('一部変更・遅れ'), records.length]).toEqual([108, 29, 137]);
  });

  it('an import with a bad row shows (row, column, problem) and writes nothing; the good file is checked, then applied', async () => {
    const person = await as('secretariat', '/imports');
    const { page } = person;
    const reports2021 = async () =>
      (
        await db.query(`SELECT count(*)::int AS n FROM progress_report WHERE plan_id = $1 AND fiscal_year = 2021`, [
          stage3,
        ])
      )[0].n as number;
    expect(await reports2021()).toBe(0);
    await page.getByLabel('計画', { exact: true }).selectOption({ label: STAGE3 });
    await page.getByLabel('取り込む内容').selectOption({ label: '進捗報告' });
    const file = (body: string) => ({
      name: 'progress-2021.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`\uFEFF取組番号,年度,進捗状況,理由\r\n${body}`, 'utf8'),
    });
    await page
      .getByLabel(/^ファイル（CSV/)
      .setInputFiles(file('1-02,令和3年度,計画通り進捗,\r\n1-03,令和3年度,順調,\r\n'));
    await page.getByRole('button', { name: '内容を確認（まだ取り込みません）' }).click();
    const problems = page.getByRole('table', { name: 'ファイルの問題（1件）' });
    await problems.waitFor();
    const [row] = await problems.locator('tbody tr').all();
    const cells = (await row.locator('th, td').allInnerTexts()).map((t) => t.trim());
    expect(cells.slice(0, 2)).toEqual(['3', '進捗状況']);
    expect(cells[2]).not.toBe('');
    await look(person, 'imports-errors');
    expect(await reports2021()).toBe(0);

    await page
      .getByLabel(/^ファイル（CSV/)
      .setInputFiles(file('1-02,令和3年度,計画通り進捗,\r\n1-03,令和3年度,一部変更・遅れ,資材の納期が遅れたため\r\n'));
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
