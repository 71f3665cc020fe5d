import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { allowedPaths, NEVER_PUBLIC, type PublicAnswerKind } from '#libs/tracking';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { expectCleanPage, expectSameOrigin, openBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * The citizens' site and open data on the demo data: what a person with no account finds
 * (令和4年度 of the previous plan: 108 / 29 / 137), that no public answer carries a field outside
 * the allow-list (public-projection.ts), the caching rules, the shared per-address limit, and
 * the PDF council report read back with pdftotext.
 */
const PLAN = 'kaikaku-stage3';
const R4 = 2022;

/** Every field path of a JSON value: `items[].policy.number`; a map of counts is `totals{}`. */
function fieldPaths(value: unknown, prefix = '', out = new Set<string>(), countsAt = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) fieldPaths(item, `${prefix}[]`, out, countsAt);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const p = prefix ? `${prefix}.${k}` : k;
      if (COUNT_MAPS.has(k) && v && typeof v === 'object' && !Array.isArray(v)) {
        out.add(`${p}{}`);
        continue;
      }
      out.add(p);
      fieldPaths(v, p, out, countsAt);
    }
  }
  return out;
}
const COUNT_MAPS = new Set(['totals', 'counts']);
const lastName = (path: string) => path.replace(/\[\]/g, '').replace(/\{\}$/, '').split('.').pop()!;

/** RFC 4180 records. */
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

/** axe-core with every WCAG 2.0/2.1 A and AA rule and the best practices: no violation at all, of any impact. */
async function allViolations(page: Page) {
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
    .analyze();
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    targets: v.nodes.map((n) => n.target.join(' ')),
  }));
}

describe('the public site and open data', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let browser: TestBrowser;
  let initiativeCode: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { PUBLIC_RATE_LIMIT_PER_MINUTE: '100000' }));
    browser = await openBrowser();
    initiativeCode = (
      await db.query(
        `SELECT i.code FROM initiative i JOIN plan p ON p.id = i.plan_id JOIN progress_report pr ON pr.initiative_id = i.id
          WHERE p.code = $1 AND pr.fiscal_year = $2 AND pr.state = 'confirmed' AND pr.reason <> '' ORDER BY i.code LIMIT 1`,
        [PLAN, R4],
      )
    )[0].code;
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await api?.close();
    await db?.drop();
  });

  const publicAnswers = (): Array<[PublicAnswerKind, string]> => [
    ['plans', '/api/v1/public/plans'],
    ['plan', `/api/v1/public/plans/${PLAN}`],
    ['rollup', `/api/v1/public/plans/${PLAN}/rollups/${R4}`],
    ['initiatives', `/api/v1/public/plans/${PLAN}/years/${R4}/initiatives?page=2`],
    ['initiative', `/api/v1/public/plans/${PLAN}/initiatives/${initiativeCode}`],
    ['indicators', `/api/v1/public/plans/${PLAN}/indicators`],
    ['openData', `/api/v1/public/plans/${PLAN}/open-data/${R4}?format=json`],
  ];

  it('publishes only allow-listed fields, and no name that is never public', async () => {
    for (const [kind, path] of publicAnswers()) {
      const res = await http(`${api.url}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      const seen = fieldPaths(res.body);
      const allowed = allowedPaths(kind);
      expect({ path, outside: [...seen].filter((p) => !allowed.has(p)) }).toEqual({ path, outside: [] });
      const forbidden = (NEVER_PUBLIC as readonly string[]).filter(
        (n) => [...allowed].some((p) => lastName(p) === n) || [...seen].some((p) => lastName(p) === n),
      );
      expect({ path, forbidden }).toEqual({ path, forbidden: [] });
      // And not the seed's people or drafts by value either.
      expect(res.text).not.toMatch(/kenko\.editor|secretariat|"draft"|"submitted"/);
    }
  });

  it('answers the demo figures: 令和4年度 108 / 29 / 137, from the roll-up table', async () => {
    const plan = (await http(`${api.url}/api/v1/public/plans/${PLAN}`)).body;
    const year = plan.years.find((y: { fiscalYear: number }) => y.fiscalYear === R4);
    expect(year).toMatchObject({
      fiscalYearLabel: '令和4年度',
      totals: { on_track: 108, changed_or_delayed: 29 },
      total: 137,
    });
    const rollup = (await http(`${api.url}/api/v1/public/plans/${PLAN}/rollups/${R4}`)).body;
    expect(rollup.totals).toEqual({ on_track: 108, changed_or_delayed: 29 });
    expect(rollup.byPolicy.reduce((n: number, r: { total: number }) => n + r.total, 0)).toBe(137);
    const list = (await http(`${api.url}/api/v1/public/plans/${PLAN}/years/${R4}/initiatives?page=3`)).body;
    expect({ total: list.total, items: list.items.length, pageSize: list.pageSize }).toEqual({
      total: 137,
      items: 37,
      pageSize: 50,
    });
    const one = (await http(`${api.url}/api/v1/public/plans/${PLAN}/initiatives/${initiativeCode}`)).body;
    expect(one.history.find((h: { fiscalYear: number }) => h.fiscalYear === R4)).toMatchObject({
      fiscalYearLabel: '令和4年度',
      status: { labelJa: expect.any(String) },
      reason: expect.any(String),
    });
  });

  it('a draft or a submitted report is not public; a confirmed one is', async () => {
    const [{ id: initiative }] = await db.query(
      `SELECT i.id FROM initiative i JOIN plan p ON p.id = i.plan_id WHERE p.code = $1 AND i.code = $2`,
      [PLAN, initiativeCode],
    );
    await db.query(
      `INSERT INTO progress_report (initiative_id, plan_id, fiscal_year, status_code, reason, narrative, state, workflow_name, workflow_version)
       SELECT initiative_id, plan_id, 2023, status_code, '下書きの理由（非公開）', '', 'draft', workflow_name, workflow_version FROM progress_report
        WHERE initiative_id = $1 AND fiscal_year = $2`,
      [initiative, R4],
    );
    const one = await http(`${api.url}/api/v1/public/plans/${PLAN}/initiatives/${initiativeCode}`, {
      headers: { 'cache-control': 'no-cache' },
    });
    expect(one.text).not.toContain('下書きの理由');
    expect(one.body.history.map((h: { fiscalYear: number }) => h.fiscalYear)).not.toContain(2023);
  });

  it('every public answer has an ETag and Cache-Control, answers 304 to If-None-Match, and never sets a cookie', async () => {
    const paths = [
      ...publicAnswers().map(([, p]) => p),
      `/api/v1/public/plans/${PLAN}/open-data/${R4}?format=csv`,
      '/public',
      '/public/site.css',
      '/public/open-data',
      `/public/plans/${PLAN}`,
      `/public/plans/${PLAN}/years/${R4}`,
      `/public/plans/${PLAN}/initiatives/${initiativeCode}`,
      `/public/plans/${PLAN}/indicators`,
      `/public/plans/${PLAN}/years/${R4}/report`,
    ];
    for (const path of paths) {
      const first = await http(`${api.url}${path}`);
      const etag = first.headers.get('etag');
      expect({
        path,
        status: first.status,
        etag: Boolean(etag),
        cache: first.headers.get('cache-control'),
        cookie: first.headers.get('set-cookie'),
      }).toEqual({
        path,
        status: 200,
        etag: true,
        cache: 'public, max-age=60',
        cookie: null,
      });
      const again = await http(`${api.url}${path}`, { headers: { 'if-none-match': etag! } });
      expect({
        path,
        status: again.status,
        body: again.text,
        etag: again.headers.get('etag'),
        cookie: again.headers.get('set-cookie'),
      }).toEqual({ path, status: 304, body: '', etag, cookie: null });
      expect((await http(`${api.url}${path}`, { headers: { 'if-none-match': '"other"' } })).status).toBe(200);
    }
    const page = await http(`${api.url}/public`);
    expect(page.headers.get('content-security-policy')).toMatch(/default-src 'none'.*style-src 'self'/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/script-src|unsafe/);
  });

  it('the CSV is UTF-8 with a BOM, one row per initiative, with the licence and columns in the JSON', async () => {
    const res = await fetch(`${api.url}/api/v1/public/plans/${PLAN}/open-data/${R4}?format=csv`);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${PLAN}-${R4}.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes.subarray(3).toString('utf8'));
    expect(rows[0].slice(0, 4)).toEqual(['年度', '和暦年度', '取組番号', '取組名']);
    const status = rows[0].indexOf('進捗状況');
    expect(rows.length - 1).toBe(137);
    expect(rows.slice(1).filter((r) => r[status] === '計画通り進捗').length).toBe(108);
    expect(rows.slice(1).filter((r) => r[status] === '一部変更・遅れ').length).toBe(29);
    const json = (await http(`${api.url}/api/v1/public/plans/${PLAN}/open-data/${R4}?format=json`)).body;
    expect(json.licence.name).toContain('CC BY 4.0');
    expect(json.columns.map((c: { header: string }) => c.header)).toEqual(rows[0]);
  });

  it('bad input is a 400 problem naming the field; an unknown plan a 404', async () => {
    const bad = await http(`${api.url}/api/v1/public/plans/${PLAN}/rollups/20x2`);
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('VALIDATION_FAILED');
    expect(JSON.stringify(bad.body.errors)).toContain('fiscalYear');
    const none = await http(`${api.url}/api/v1/public/plans/no-such-plan`);
    expect({ status: none.status, code: none.body.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
    const page = await http(`${api.url}/public/plans/no-such-plan`);
    expect(page.status).toBe(404);
    expect(page.text).toContain('ページが見つかりません');
  });

  it('the per-address limit holds across two API instances (Redis), then 429 problem+json with Retry-After', async () => {
    const config = testConfig(db.url, { PUBLIC_RATE_LIMIT_PER_MINUTE: '6', QUEUE_PREFIX: `{limit-${Date.now()}}` });
    const [a, b] = [await startApi(config), await startApi(config)];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 6; i++) statuses.push((await http(`${(i % 2 ? a : b).url}/api/v1/public/plans`)).status);
      expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
      const over = await http(`${a.url}/api/v1/public/plans`);
      expect({ status: over.status, type: over.headers.get('content-type'), code: over.body.code }).toEqual({
        status: 429,
        type: 'application/problem+json; charset=utf-8',
        code: 'RATE_LIMITED',
      });
      expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
      expect((await http(`${b.url}/public`)).status).toBe(429);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('prints the council report as an A4 PDF with Noto Sans CJK embedded, page numbers and intact Japanese', async () => {
    const res = await fetch(`${api.url}/public/plans/${PLAN}/years/${R4}/report.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    const pdf = Buffer.from(await res.arrayBuffer());
    const dir = mkdtempSync(join(tmpdir(), 'kaikaku-pdf-'));
    const file = join(dir, 'report.pdf');
    writeFileSync(file, pdf);
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    expect(info).toMatch(/Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)/);
    const pages = Number(/Pages:\s+(\d+)/.exec(info)![1]);
    expect(pages).toBeGreaterThan(1);
    // Every font is embedded (Chromium's Skia writes the CFF outlines of Noto Sans CJK as Type 3
    // fonts, without their name), and the family the page names is Debian's Noto Sans CJK JP.
    const fonts = execFileSync('pdffonts', [file], { encoding: 'utf8' }).split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    expect(fonts.filter((line) => !/\s(yes)\s+(yes|no)\s+(yes|no)\s+\d+\s+\d+\s*$/.test(line))).toEqual([]);
    expect(execFileSync('fc-match', ['Noto Sans CJK JP'], { encoding: 'utf8' })).toMatch(/NotoSansCJK/);
    const first = execFileSync('pdftotext', ['-layout', '-f', '1', '-l', '1', file, '-'], { encoding: 'utf8' });
    for (const text of ['市役所改革の取組状況（令和4年度）', '計画通り進捗', '一部変更・遅れ', '108', '29', '137'])
      expect(first).toContain(text);
    expect(first).toMatch(new RegExp(`\\b1\\s*/\\s*${pages}\\b`));
    const all = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(all).toContain('検証指標');
    expect(all).toMatch(new RegExp(`\\b${pages}\\s*/\\s*${pages}\\b`));
  }, 120_000);

  it('a person with no account finds 令和4年度 108 / 29 / 137, an initiative’s history, and the CSV (axe clean, 375 px, nothing foreign)', async () => {
    const person = await browser.newPage(api.url, { acceptDownloads: true });
    const { page, log, context } = person;
    const check = async (name: string) => {
      await page.getByRole('heading', { level: 1 }).waitFor();
      expect({ name, violations: await allViolations(page) }).toEqual({ name, violations: [] });
      await screenshot(page, `public-${name}`);
    };
    await page.goto('/public');
    await check('plans');
    await page.getByRole('link', { name: /第3ステージ/ }).click();
    await check('plan');
    const table = page.getByRole('table', { name: '年度ごとの取組の進捗状況（件数）' });
    const r4 = table.getByRole('row', { name: /令和4年度/ });
    await expect(r4.getByRole('cell').allInnerTexts()).resolves.toEqual(['108', '29', '137']);
    await r4.getByRole('link', { name: '令和4年度' }).click();
    await check('year');
    const total = page.getByRole('table', { name: /方針ごとの取組の進捗状況/ }).getByRole('row', { name: /^合計/ });
    await expect(total.getByRole('cell').allInnerTexts()).resolves.toEqual(['108', '29', '137']);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: '令和4年度の取組の進捗（CSV）' }).click();
    const csvPath = await (await download).path();
    const csv = readFileSync(csvPath);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(csv.subarray(3).toString('utf8'));
    expect(rows.length - 1).toBe(137);

    await page
      .getByRole('link', {
        name: new RegExp(
          `^${(await db.query(`SELECT title FROM initiative WHERE code = $1 AND plan_id = (SELECT id FROM plan WHERE code = $2)`, [initiativeCode, PLAN]))[0].title.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`,
        ),
      })
      .first()
      .click();
    await check('initiative');
    const history = page.getByRole('table', { name: '確定した進捗状況（年度ごと）' });
    await expect(history.getByRole('row', { name: /令和4年度/ }).count()).resolves.toBe(1);

    await page.goto(`/public/plans/${PLAN}/indicators`);
    await check('indicators');
    await page.goto('/public/open-data');
    await check('open-data');
    await page.goto(`/public/plans/${PLAN}/years/${R4}/report`);
    await check('report');

    // Readable on a phone: nothing wider than 375 px but the tables' own scroll regions.
    await page.setViewportSize({ width: 375, height: 740 });
    for (const path of [
      '/public',
      `/public/plans/${PLAN}`,
      `/public/plans/${PLAN}/years/${R4}`,
      `/public/plans/${PLAN}/initiatives/${initiativeCode}`,
      `/public/plans/${PLAN}/indicators`,
    ]) {
      await page.goto(path);
      const width = await page.evaluate('document.documentElement.scrollWidth');
      expect({ path, width }).toEqual({ path, width: 375 });
      expect({ path, violations: await allViolations(page) }).toEqual({ path, violations: [] });
    }
    await screenshot(page, 'public-year-375');

    expectSameOrigin(log, api.url);
    expectCleanPage(log);
    expect(log.requests.filter((r) => r.resourceType === 'script')).toEqual([]);
    expect(await context.cookies()).toEqual([]);
    await context.close();
  }, 180_000);
});
