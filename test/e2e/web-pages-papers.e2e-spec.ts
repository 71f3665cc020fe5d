import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import type { Page } from 'playwright-core';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
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
import { act, demoClients, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The working papers in the web application (issue 11): attachments and review comments on
 * the proposal page and on a progress report, in Chromium on the real API and worker. Every
 * page is checked with axe, for requests to other origins, and for console errors.
 */
describe('the web pages: attachments and review comments', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let browser: TestBrowser;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;
  const opened: TestPage[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url, { OUTBOX_POLL_INTERVAL_MS: '100' });
    api = await startApi(config);
    worker = await startWorker(config);
    browser = await openBrowser();
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    const closing = api?.close();
    api?.app.getHttpServer().closeAllConnections();
    await closing;
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

  /** axe clean, nothing foreign, no error but the answered 4xx the test asked for; and the screenshot. */
  async function look(person: TestPage, name: string): Promise<void> {
    await settled(person.page);
    expect(await axeViolations(person.page)).toEqual([]);
    expectSameOrigin(person.log, api.url);
    expectCleanPage({
      ...person.log,
      consoleErrors: person.log.consoleErrors.filter(
        (e) => !/^Failed to load resource: the server responded with a status of 4\d\d/.test(e),
      ),
    });
    await screenshot(person.page, `papers-${name}`);
    await expectFitsPhone(person.page, `papers-${name}`);
  }

  async function xlsx(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('効果額').addRows([
      ['取組', '計画効果額（千円）'],
      ['窓口DX', 1200],
    ]);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('the bureau attaches a form with a Japanese name and downloads it unchanged; a renamed executable is refused at the field; comments are threaded, mentioned and edited with their history', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'draft', '窓口の予約制（添付と意見）');
    const editor = await as('kenko.editor', `/proposals/${id}`);
    const { page } = editor;
    const papers = page.getByRole('region', { name: '添付ファイル' });
    await papers.getByText('添付ファイルはありません。').waitFor();

    const bytes = await xlsx();
    await papers
      .getByLabel('添付するファイル')
      .setInputFiles({ name: '様式第1号 効果額見積.xlsx', mimeType: 'application/octet-stream', buffer: bytes });
    await papers.getByRole('button', { name: '添付する', exact: true }).click();
    await papers.getByText('「様式第1号 効果額見積.xlsx」を添付しました。').waitFor();
    const row = papers.getByRole('row', { name: /様式第1号 効果額見積\.xlsx/ });
    expect((await row.locator('td').allInnerTexts()).slice(0, 2)).toEqual([
      'Excel',
      `${(bytes.length / 1024).toFixed(1)} KB`,
    ]);

    // The file comes back under its own name, byte for byte.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      row.getByRole('button', { name: /^様式第1号 効果額見積\.xlsx\s*をダウンロード$/ }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('様式第1号 効果額見積.xlsx');
    expect((await readFile(await download.path())).equals(bytes)).toBe(true);

    // An executable renamed to .pdf: refused, said at the file field, nothing added.
    const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(4096, 0x90)]);
    await papers
      .getByLabel('添付するファイル')
      .setInputFiles({ name: '見積.pdf', mimeType: 'application/pdf', buffer: exe });
    await papers.getByRole('button', { name: '添付する', exact: true }).click();
    await papers.getByText('＊この種類のファイルは添付できません。').waitFor();
    expect(await papers.getByLabel('添付するファイル').getAttribute('aria-invalid')).toBe('true');
    expect(await papers.getByRole('alert').innerText()).toContain(
      'この種類のファイルは添付できません。添付できるファイルの種類は',
    );
    expect(await papers.getByRole('row', { name: /見積\.pdf/ }).count()).toBe(0);

    // A comment that mentions the approver, then an edit: the first text stays in the history.
    const thread = page.getByRole('region', { name: '意見・協議' });
    await thread.getByLabel('意見・協議を書く').fill('@kenko.approver 効果額の見積書を添付しました。ご確認ください。');
    await thread.getByRole('button', { name: '投稿する' }).click();
    await thread.getByText('@kenko.approver 効果額の見積書を添付しました。ご確認ください。').waitFor();
    await thread.getByRole('button', { name: '自分の意見を編集' }).click();
    await thread
      .getByLabel('意見を編集')
      .fill('@kenko.approver 効果額の見積書（様式第1号）を添付しました。ご確認ください。');
    await thread.getByRole('button', { name: '編集を保存' }).click();
    await thread.getByText(/^編集履歴（2版/).waitFor();
    await thread.getByText(/^編集履歴（2版/).click();
    expect(await thread.getByText('@kenko.approver 効果額の見積書を添付しました。ご確認ください。').isVisible()).toBe(
      true,
    );

    // A mention of someone who may not see the draft is refused at the field, in Japanese.
    await thread.getByLabel('意見・協議を書く').fill('@chuo.editor 参考までに');
    await thread.getByRole('button', { name: '投稿する' }).click();
    await thread.getByText('＊@chuo.editor さんはこの記録を閲覧できないため、知らせることができません。').waitFor();
    await look(editor, 'proposal-draft');

    // The approver is told in the app, and answers in the thread.
    const approver = await as('kenko.approver', '/notifications');
    const told = approver.page.getByText(/【意見・協議】.*窓口の予約制（添付と意見）/).first();
    for (let i = 0; i < 60 && !(await told.isVisible()); i++) {
      await approver.page.waitForTimeout(500);
      await approver.page.reload();
      await settled(approver.page);
    }
    await told.waitFor();
    await approver.page.goto(`/proposals/${id}`);
    const theirs = approver.page.getByRole('region', { name: '意見・協議' });
    await theirs.getByRole('button', { name: /さんの意見に返信$/ }).click();
    await theirs.getByLabel(/^返信/).fill('確認しました。提出してください。');
    await theirs.getByRole('button', { name: '返信する' }).click();
    const replies = theirs.getByRole('list', { name: /さんの意見への返信$/ });
    await replies.getByText('確認しました。提出してください。').waitFor();
    // The approver may not edit the editor's comment.
    expect(await theirs.getByRole('button', { name: '自分の意見を編集' }).count()).toBe(1);
    await look(approver, 'proposal-thread');

    // Another bureau sees neither the proposal nor its papers.
    const other = await as('chuo.editor', `/proposals/${id}`);
    await other.page.getByRole('heading', { level: 1 }).first().waitFor();
    expect(await other.page.getByRole('region', { name: '添付ファイル' }).count()).toBe(0);
  }, 120_000);

  it('a returned proposal shows the bureau the return reason with the secretariat’s comment beside it', async () => {
    const id = await proposalIn(user, inquiryId, 'kenko', 'submitted', '差戻しと意見の表示');
    const secretariat = await user('secretariat');
    ok(await act(secretariat, 'proposals', id, 'return', { comment: '効果額の根拠が不足しています。' }));
    ok(await secretariat.post(`/proposals/${id}/comments`, { body: '見積書を添付のうえ、再提出してください。' }), 201);

    const editor = await as('kenko.editor', `/proposals/${id}`);
    const notice = editor.page.getByRole('region', { name: '差戻しの理由' });
    await notice.getByText('効果額の根拠が不足しています。').waitFor();
    await notice.getByText('差戻し後の意見・協議（1件）').waitFor();
    expect(await notice.getByRole('listitem').innerText()).toContain('見積書を添付のうえ、再提出してください。');
    // The bureau may attach again now that the proposal is theirs to revise.
    await editor.page.getByRole('region', { name: '添付ファイル' }).getByLabel('添付するファイル').waitFor();
    await look(editor, 'proposal-returned');
  }, 120_000);

  it('a progress report carries its evidence and the secretariat’s comment on the initiative page', async () => {
    const [{ id: initiative }] = await db.query<{ id: string }>(
      `SELECT i.id FROM initiative i JOIN plan p ON p.id = i.plan_id
        WHERE p.code = 'kaikaku-stage3' AND i.owning_unit_id = (SELECT id FROM org_unit WHERE code = 'kenko') ORDER BY i.code LIMIT 1`,
    );
    const report = ok(
      await (
        await user('kenko.editor')
      ).post(`/initiatives/${initiative}/progress-reports`, { fiscalYear: 2023, status: '計画通り進捗' }),
      201,
    ).body;
    ok(
      await (
        await user('secretariat')
      ).post(`/progress-reports/${report.id}/comments`, { body: '実績の出典を添付してください。' }),
      201,
    );

    const editor = await as('kenko.editor', `/initiatives/${initiative}`);
    const papers = editor.page.getByRole('region', { name: '令和5年度の進捗報告の添付ファイル' });
    await papers
      .getByLabel('添付するファイル')
      .setInputFiles({ name: '実績一覧.csv', mimeType: 'text/csv', buffer: Buffer.from('年度,件数\r\n2023,12\r\n') });
    await papers.getByRole('button', { name: '添付する', exact: true }).click();
    await papers.getByRole('row', { name: /実績一覧\.csv/ }).waitFor();
    const thread = editor.page.getByRole('region', { name: '令和5年度の進捗報告への意見・協議' });
    await thread.getByText('実績の出典を添付してください。').waitFor();
    await thread.getByRole('button', { name: /さんの意見に返信$/ }).click();
    await thread.getByLabel(/^返信/).fill('実績一覧（CSV）を添付しました。');
    await thread.getByRole('button', { name: '返信する' }).click();
    await thread.getByText('実績一覧（CSV）を添付しました。').waitFor();
    await look(editor, 'progress-report');

    // Another bureau gets the file as 404 (what it may not see does not exist for it).
    const [file] = await db.query<{ id: string }>(`SELECT id FROM attachment WHERE subject_id = $1`, [report.id]);
    const res = await (await user('chuo.editor')).get(`/attachments/${file.id}`);
    expect(res.status).toBe(404);
  }, 120_000);
});
