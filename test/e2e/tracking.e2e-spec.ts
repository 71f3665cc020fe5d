import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import ExcelJS from 'exceljs';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { OutboxService, QueueName, QueueRegistry, withTransaction } from '#libs/platform';
import { DEMO_INDICATORS, readStage3Csv, RollupJobs, RollupsService } from '#libs/tracking';
import { http, startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { signIn } from '../support/auth.js';
import { demoClients, ok, type Client } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp } from '../support/processes.js';

const CSV = 'text/csv; charset=utf-8';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const ON_TRACK = 'on_track';
const DELAYED = 'changed_or_delayed';

type Rollup = {
  totals: Record<string, number>;
  total: number;
  rows?: Array<{ key: { code: string }; counts: Record<string, number>; total: number }>;
};

/** The column sums of a by=… roll-up's rows. */
function columnSums(r: Rollup): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const row of r.rows ?? [])
    for (const [code, n] of Object.entries(row.counts)) sums[code] = (sums[code] ?? 0) + n;
  return sums;
}

describe('tracking: progress, roll-ups, snapshots, indicators, the council report, imports', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let user: ReturnType<typeof demoClients>;
  let secretariat: Client;
  let stage3: string;
  let auth: string;

  /** Sends a file to the import endpoint as the secretariat. */
  const upload = async (kind: string, query: string, body: Buffer | string, type = CSV) =>
    http(`${api.url}/api/v1/imports/${kind}?${query}`, {
      method: 'POST',
      body,
      headers: { 'content-type': type, authorization: auth },
    });
  const count = async (sql: string, params: unknown[] = []) =>
    (await db.query(`SELECT count(*)::int AS n FROM ${sql}`, params))[0].n as number;
  const newPlan = async (code: string, first = 2020, last = 2023) =>
    ok(
      await secretariat.post('/plans', {
        code,
        name: `試験プラン ${code}`,
        firstFiscalYear: first,
        lastFiscalYear: last,
        policies: [1, 2, 3].map((n) => ({
          number: n,
          title: `方針${n}`,
          themes: [1, 2, 3, 4].map((t) => ({ title: `テーマ${t}` })),
        })),
      }),
      201,
    ).body.id as string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url);
    api = await startApi(config);
    user = demoClients(api.url);
    secretariat = await user('secretariat');
    auth = await signIn(api.url, 'secretariat');
    stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
  }, 60_000);
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  describe('the demo data', () => {
    it('reads 108 計画通り進捗 + 29 一部変更・遅れ = 137 for 令和4年度, and by policy and by unit the rows add up', async () => {
      const viewer = await user('viewer');
      const totals: Rollup = ok(await viewer.get('/rollups/progress?fiscalYear=2022')).body;
      expect(totals).toMatchObject({
        fiscalYear: 2022,
        fiscalYearLabel: '令和4年度',
        totals: { [ON_TRACK]: 108, [DELAYED]: 29 },
        total: 137,
      });
      expect(
        ok(await viewer.get('/rollups/progress?fiscalYear=2022')).body.scale.map((s: { labelJa: string }) => s.labelJa),
      ).toEqual(['計画通り進捗', '一部変更・遅れ']);
      for (const by of ['policy', 'orgUnit']) {
        const r: Rollup = ok(await viewer.get(`/rollups/progress?fiscalYear=2022&by=${by}`)).body;
        expect(columnSums(r)).toEqual(r.totals);
        expect(r.rows!.reduce((a, row) => a + row.total, 0)).toBe(137);
        for (const row of r.rows!) expect(row.total).toBe(Object.values(row.counts).reduce((a, b) => a + b, 0));
      }
      const byUnit: Rollup = ok(await viewer.get('/rollups/progress?fiscalYear=2022&by=orgUnit')).body;
      expect(byUnit.rows!.length).toBeGreaterThan(10);
      // Titles are invented for the demo, and say so.
      const titles: Array<{ title: string }> = await db.query(`SELECT title FROM initiative WHERE plan_id = $1`, [
        stage3,
      ]);
      expect(titles).toHaveLength(137);
      expect(titles.every((t) => t.title.includes('【デモ用の架空の取組】'))).toBe(true);
    });

    it('holds the nine indicators of the seed, graded by their direction', async () => {
      const plan = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-2027'`))[0].id;
      const list = ok(await (await user('viewer')).get(`/indicators?planId=${plan}&pageSize=50`)).body;
      expect(list.items).toHaveLength(9);
      const byName = (name: string) => list.items.find((i: { name: string }) => i.name === name);
      expect(byName('将来負担比率')).toMatchObject({
        direction: 'ceiling',
        baseline: { value: 104.6, label: '令和3年度' },
        target: { value: 107.8, label: '令和5年度' },
        actual: { value: 102.2, label: '令和4年度' },
        achievementRate: 100,
        grade: 'S',
      });
      expect(byName('市役所のサービスに満足している市民の割合')).toMatchObject({
        direction: 'higher_better',
        actual: { value: 44.1 },
        achievementRate: -29.8,
        grade: 'C',
      });
      expect(byName('実質公債費比率')).toMatchObject({ direction: 'lower_better', achievementRate: 0, grade: 'B' });
      expect(byName('証明書コンビニ発行件数')).toMatchObject({ achievementRate: 49.1, grade: 'A' });
      expect(byName('市債残高（熊本地震関連及び臨時財政対策債を除く）')).toMatchObject({
        direction: 'ceiling',
        grade: 'S',
        unit: '億円',
      });
    });
  });

  describe('imports', () => {
    let plan: string;
    beforeAll(async () => {
      plan = await newPlan('import-test');
      // The demo file names the plan's indicators by code.
      for (const { measured: _, ...kpi } of DEMO_INDICATORS)
        ok(await secretariat.post('/indicators', { ...kpi, planId: plan }), 201);
    });

    it('checks the demo CSV in a dry run without writing, then imports it: 108 / 29 / 137', async () => {
      const csv = await readStage3Csv();
      const auditBefore = await count('audit_log');
      const dry = ok(await upload('initiatives', `planId=${plan}&dryRun=true`, csv)).body;
      expect(dry).toMatchObject({ kind: 'initiatives', dryRun: true, rows: 137, created: 137, errors: [] });
      expect(await count('initiative WHERE plan_id = $1', [plan])).toBe(0);
      expect(await count('audit_log')).toBe(auditBefore);

      const done = ok(await upload('initiatives', `planId=${plan}`, csv)).body;
      expect(done).toMatchObject({ dryRun: false, rows: 137, created: 137, updated: 0 });
      const r: Rollup = ok(await secretariat.get(`/rollups/progress?planId=${plan}&fiscalYear=2022`)).body;
      expect(r).toMatchObject({ totals: { [ON_TRACK]: 108, [DELAYED]: 29 }, total: 137 });
      for (const by of ['policy', 'orgUnit']) {
        const rows: Rollup = ok(
          await secretariat.get(`/rollups/progress?planId=${plan}&fiscalYear=2022&by=${by}`),
        ).body;
        expect(columnSums(rows)).toEqual({ [ON_TRACK]: 108, [DELAYED]: 29 });
      }
      // Each imported report has its own audit entry.
      expect(
        await count(`audit_log WHERE entity_type = 'progress_report' AND action = 'import'`),
      ).toBeGreaterThanOrEqual(137 * 2);
      // Two plans now cover 令和4年度: the caller must say which.
      const ambiguous = await secretariat.get('/rollups/progress?fiscalYear=2022');
      expect(ambiguous.status).toBe(400);
      expect(ambiguous.body.errors).toEqual([expect.objectContaining({ field: 'planId' })]);
      // The yearly plan and the related indicator came along.
      const [first] = await db.query(`SELECT id FROM initiative WHERE plan_id = $1 AND code = '1-01'`, [plan]);
      expect(ok(await secretariat.get(`/initiatives/${first.id}`)).body).toMatchObject({
        schedule: [
          { fiscalYear: 2020, step: '検討' },
          { fiscalYear: 2021, step: '試行' },
          { fiscalYear: 2022, step: '実施' },
          { fiscalYear: 2023, step: '拡充' },
        ],
        relatedIndicators: [expect.objectContaining({ code: 'kpi-2', name: '働きがいを感じる職員の割合' })],
      });
      // Importing the same file again updates, creates nothing.
      expect(ok(await upload('initiatives', `planId=${plan}`, csv)).body).toMatchObject({ created: 0, updated: 137 });
    });

    it('writes nothing when rows are bad and reports every bad row with its column (和暦 and 西暦 that disagree included)', async () => {
      const before = {
        initiatives: await count('initiative'),
        reports: await count('progress_report'),
        audit: await count('audit_log'),
      };
      const file = [
        '取組番号,取組名,方針,テーマ,所管,年度,和暦年度,進捗状況,理由,年次計画,関連指標',
        'x-01,正しい行,1,1,kenko,2022,令和4年度,計画通り進捗,',
        'x-02,方針がない,9,1,kenko,2022,令和4年度,計画通り進捗,',
        'x-03,所管がない,1,1,nowhere,2022,令和4年度,計画通り進捗,',
        'x-04,年度が食い違う,1,1,kenko,2022,令和3年度,計画通り進捗,',
        '',
        'x-05,理由がない,1,1,kenko,2022,令和4年度,一部変更・遅れ,',
        'x-06,尺度にない,1,1,kenko,2022,令和4年度,順調,',
        ',,1,1,kenko,2022,,計画通り進捗,',
        'x-08,期間外,1,1,kenko,2031,,計画通り進捗,',
        'x-09,年次計画が読めない,1,1,kenko,2022,,計画通り進捗,,来年:検討',
        'x-10,指標がない,1,1,kenko,2022,,計画通り進捗,,,kpi-404',
      ].join('\r\n');
      const res = await upload('initiatives', `planId=${plan}`, file);
      expect(res.status).toBe(400);
      expect(res.body.code).toBe('VALIDATION_FAILED');
      const problems: Array<{ row: number; column: string; problem: string }> = res.body.rowErrors;
      const at = (row: number) => problems.filter((p) => p.row === row);
      expect(at(2)).toEqual([]);
      expect(at(3)).toEqual([
        expect.objectContaining({ column: '方針', problem: expect.stringMatching(/no policy 9/) }),
      ]);
      expect(at(4)).toEqual([expect.objectContaining({ column: '所管', problem: expect.stringMatching(/nowhere/) })]);
      expect(at(5)).toEqual([
        expect.objectContaining({
          column: '和暦年度',
          problem: expect.stringMatching(/令和3年度.*2022|2022.*令和3年度/),
        }),
      ]);
      // Row 6 is blank and skipped, and numbering follows the file as Excel shows it.
      expect(at(7)).toEqual([expect.objectContaining({ column: '理由', problem: expect.stringMatching(/required/) })]);
      expect(at(8)).toEqual([expect.objectContaining({ column: '進捗状況', problem: expect.stringMatching(/順調/) })]);
      expect(
        at(9)
          .map((p) => p.column)
          .sort(),
      ).toEqual(['取組名', '取組番号']);
      expect(at(10)).toEqual([
        expect.objectContaining({ column: '年度', problem: expect.stringMatching(/outside the plan period/) }),
      ]);
      expect(at(11)).toEqual([
        expect.objectContaining({ column: '年次計画', problem: expect.stringMatching(/来年:検討/) }),
      ]);
      expect(at(12)).toEqual([
        expect.objectContaining({ column: '関連指標', problem: expect.stringMatching(/kpi-404/) }),
      ]);
      expect(new Set(problems.map((p) => p.row))).toEqual(new Set([3, 4, 5, 7, 8, 9, 10, 11, 12]));
      expect({
        initiatives: await count('initiative'),
        reports: await count('progress_report'),
        audit: await count('audit_log'),
      }).toEqual(before);
      // The same check in a dry run answers the same problems.
      const dry = await upload('initiatives', `planId=${plan}&dryRun=true`, file);
      expect(dry.status).toBe(400);
      expect(dry.body.rowErrors).toEqual(problems);
    });

    it('reads a Shift_JIS CSV from Excel, and refuses a missing column or an unreadable file with a 4xx', async () => {
      const sjisHeader = Buffer.from([0x8e, 0xe6, 0x91, 0x67, 0x94, 0xd4, 0x8d, 0x86]); // 取組番号 in Shift_JIS
      const missing = await upload(
        'progress-reports',
        `planId=${plan}`,
        Buffer.concat([sjisHeader, Buffer.from('\r\n1-01\r\n')]),
      );
      expect(missing.status).toBe(400);
      // The header was read (取組番号 is not reported missing); the other required columns are.
      expect(missing.body.rowErrors.map((e: { column: string }) => e.column).sort()).toEqual(
        ['年度', '進捗状況'].sort(),
      );
      const broken = await upload('initiatives', `planId=${plan}`, 'a,"b\r\n1,2');
      expect(broken.status).toBe(400);
      expect(broken.body.errors[0].field).toBe('body');
      const wrongType = await http(`${api.url}/api/v1/imports/initiatives?planId=${plan}`, {
        method: 'POST',
        body: '<x/>',
        headers: { 'content-type': 'application/xml', authorization: auth },
      });
      expect(wrongType.status).toBe(415);
      const badKind = await upload('budgets', `planId=${plan}`, 'a\r\n1');
      expect(badKind.status).toBe(400);
      expect(badKind.body.errors[0].field).toBe('kind');
    });

    it('imports measurements from xlsx, with 和暦 years', async () => {
      const book = new ExcelJS.Workbook();
      const sheet = book.addWorksheet('実績');
      sheet.addRow(['指標コード', '年度', '値', '備考']);
      sheet.addRow(['kpi-1', '令和5年度', 55.5, '市民アンケート']);
      sheet.addRow(['kpi-3-2', 2023, '109.1%', '']);
      const xlsx = Buffer.from(await book.xlsx.writeBuffer());
      const res = ok(await upload('measurements', `planId=${stage3}`, xlsx, XLSX)).body;
      expect(res).toMatchObject({ kind: 'measurements', rows: 2, created: 2 });
      const list = ok(await secretariat.get(`/indicators?planId=${stage3}&pageSize=50`)).body.items;
      const kpi1 = list.find((i: { code: string }) => i.code === 'kpi-1');
      expect(kpi1.actual).toEqual({ fiscalYear: 2023, label: '令和5年度', value: 55.5 });
      // 13 % above the baseline of 48.9, short of 65.
      expect(kpi1.grade).toBe('A');
      // Over the ceiling of 107.8 by about 1 %: within the band.
      expect(list.find((i: { code: string }) => i.code === 'kpi-3-2')).toMatchObject({
        actual: { value: 109.1 },
        grade: 'B',
        achievementRate: 98.8,
      });
    });
  });

  describe('a second status scale: S 計画以上 / A 計画どおり / B やや遅れている / C ほとんど進んでいない', () => {
    it('is configured per plan and counted in its own terms', async () => {
      const plan = await newPlan('shimotsuke-style', 2024, 2027);
      const scale = ok(
        await secretariat.call('PUT', `/plans/${plan}/status-scale`, {
          entries: [
            { code: 'S', labelJa: '計画以上', normalized: 'ahead', colour: '#1565C0' },
            { code: 'A', labelJa: '計画どおり', normalized: 'on_track', colour: '#2E7D32' },
            { code: 'B', labelJa: 'やや遅れている', normalized: 'delayed', colour: '#F9A825' },
            { code: 'C', labelJa: 'ほとんど進んでいない', normalized: 'delayed', colour: '#C62828' },
          ],
        }),
      ).body;
      expect(scale.map((s: { code: string }) => s.code)).toEqual(['S', 'A', 'B', 'C']);
      const rows = [['取組番号', '取組名', '方針', '所管', '年度', '進捗状況', '理由']];
      const statuses = ['計画以上', '計画どおり', '計画どおり', 'やや遅れている', 'C', 'A'];
      statuses.forEach((s, i) =>
        rows.push([`s-${i}`, `取組${i}`, '1', 'kenko', '2024', s, /遅れ|^C$/.test(s) ? '調整中' : '']),
      );
      ok(await upload('initiatives', `planId=${plan}`, rows.map((r) => r.join(',')).join('\n')));
      const r: Rollup = ok(await secretariat.get(`/rollups/progress?planId=${plan}&fiscalYear=2024&by=policy`)).body;
      expect(r).toMatchObject({ totals: { S: 1, A: 3, B: 1, C: 1 }, total: 6 });
      expect(columnSums(r)).toEqual(r.totals);
      const report = ok(await secretariat.get(`/reports/council?planId=${plan}&fiscalYear=2024`)).body;
      expect(report.scale.map((s: { labelJa: string }) => s.labelJa)).toEqual([
        '計画以上',
        '計画どおり',
        'やや遅れている',
        'ほとんど進んでいない',
      ]);
      expect(report.summary.totals).toEqual({ S: 1, A: 3, B: 1, C: 1 });
      // A scale that drops a status still in use is refused.
      const drop = await secretariat.call('PUT', `/plans/${plan}/status-scale`, {
        entries: [{ code: 'A', labelJa: '計画どおり', normalized: 'on_track' }],
      });
      expect(drop.status).toBe(409);
      const bad = await secretariat.call('PUT', `/plans/${plan}/status-scale`, {
        entries: [{ code: 'A', labelJa: 'x', normalized: 'fine' }],
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(bad.body.errors)).toMatch(/normalized/);
    });
  });

  describe('progress reports through their workflow', () => {
    let initiative: { id: string; code: string; unit: string };
    beforeAll(async () => {
      [initiative] = await db.query(
        `SELECT i.id, i.code, o.code AS unit FROM initiative i JOIN org_unit o ON o.id = i.owning_unit_id WHERE i.plan_id = $1 AND o.code = 'kenko' ORDER BY i.code LIMIT 1`,
        [stage3],
      );
      worker = await startWorker(testConfig(db.url));
    });

    it('the bureau drafts and submits, the secretariat returns with a comment and confirms; the roll-up follows', async () => {
      const editor = await user('kenko.editor');
      const before: Rollup = ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2023`)).body;
      expect(before.total).toBe(0);

      const noReason = await editor.post(`/initiatives/${initiative.id}/progress-reports`, {
        fiscalYear: 2023,
        status: '一部変更・遅れ',
      });
      expect(noReason.status).toBe(400);
      expect(noReason.body.errors).toEqual([expect.objectContaining({ field: 'reason' })]);
      const outside = await editor.post(`/initiatives/${initiative.id}/progress-reports`, {
        fiscalYear: 2025,
        status: ON_TRACK,
      });
      expect(outside.status).toBe(400);
      expect(outside.body.errors[0].field).toBe('fiscalYear');
      const foreign = await (
        await user('chuo.editor')
      ).post(`/initiatives/${initiative.id}/progress-reports`, { fiscalYear: 2023, status: ON_TRACK });
      expect(foreign.status).toBe(403);

      let report = ok(
        await editor.post(`/initiatives/${initiative.id}/progress-reports`, {
          fiscalYear: 2023,
          status: '一部変更・遅れ',
          reason: '関係課との調整に時間を要した',
          narrative: '試行を延期',
          plannedAmount: 1200,
          actualAmount: 300,
        }),
        201,
      ).body;
      expect(report).toMatchObject({
        state: 'draft',
        fiscalYearLabel: '令和5年度',
        status: { code: DELAYED, label: '一部変更・遅れ', normalized: 'delayed' },
        plannedAmount: 1200,
        actualAmount: 300,
      });

      // Another bureau and the public do not see a draft.
      expect((await (await user('chuo.editor')).get(`/progress-reports/${report.id}`)).status).toBe(404);
      expect((await (await user('viewer')).get(`/progress-reports/${report.id}`)).status).toBe(404);
      expect(
        ok(await (await user('viewer')).get(`/initiatives/${initiative.id}/progress-reports`)).body.map(
          (r: { fiscalYear: number }) => r.fiscalYear,
        ),
      ).not.toContain(2023);

      const step = async (who: Client, action: string, extra: Record<string, unknown> = {}) => {
        const current = ok(await who.get(`/progress-reports/${report.id}`));
        return who.post(
          `/progress-reports/${report.id}/transitions`,
          { action, ...extra },
          { 'if-match': current.headers.get('etag')! },
        );
      };
      report = ok(await step(editor, 'submit')).body;
      expect(report.state).toBe('submitted');
      expect((await step(editor, 'confirm')).status).toBe(403);
      const noComment = await step(secretariat, 'return');
      expect(noComment.status).toBe(400);
      report = ok(await step(secretariat, 'return', { comment: '理由をもう少し具体的に' })).body;
      expect(report.state).toBe('draft');
      // The bureau is told of the return (the workflow's notifyOwners effect, through the worker).
      await waitFor(
        async () =>
          (
            await db.query(
              `SELECT 1 FROM notification n JOIN app_user u ON u.id = n.user_id WHERE u.username = 'kenko.editor' AND n.title LIKE '%差戻し%'`,
            )
          ).length > 0,
        'the return notice to the bureau',
      );
      const current = ok(await editor.get(`/progress-reports/${report.id}`));
      report = ok(
        await editor.patch(
          `/progress-reports/${report.id}`,
          { reason: '関係課との協議が長引いたため（令和6年度に実施予定）' },
          { 'if-match': current.headers.get('etag')! },
        ),
      ).body;
      ok(await step(editor, 'submit'));
      report = ok(await step(secretariat, 'confirm')).body;
      expect(report).toMatchObject({
        state: 'confirmed',
        reason: '関係課との協議が長引いたため（令和6年度に実施予定）',
      });
      expect(ok(await (await user('viewer')).get(`/progress-reports/${report.id}`)).body.state).toBe('confirmed');
      // A confirmed report is not edited.
      const late = await editor.patch(
        `/progress-reports/${report.id}`,
        { narrative: 'x' },
        { 'if-match': `"${report.version}"` },
      );
      expect(late.status).toBe(409);

      // The recount is queued to run ROLLUP_REFRESH_DELAY_MS (2 s by default) later, so that
      // confirmations close together share one recount.
      const [queued] = await db.query(
        `SELECT payload, extract(epoch FROM run_at - created_at) * 1000 AS delay_ms FROM outbox
          WHERE job_name = 'rollups.refresh' AND payload->>'planId' = $1 ORDER BY created_at DESC LIMIT 1`,
        [stage3],
      );
      expect(queued.payload).toEqual({ planId: stage3, fiscalYear: 2023 });
      expect(Number(queued.delay_ms)).toBeGreaterThan(1500);
      // The queued recount (worker) brings the roll-up up to date.
      const after = await waitFor(async () => {
        const r: Rollup = ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2023`)).body;
        return r.total === 1 ? r : null;
      }, 'the roll-up recount after the confirmation');
      expect(after.totals).toEqual({ [ON_TRACK]: 0, [DELAYED]: 1 });
      const history = await db.query(
        `SELECT action FROM audit_log WHERE entity_type = 'progress_report' AND entity_id = $1 ORDER BY written`,
        [report.id],
      );
      expect(history.map((h) => h.action)).toEqual(['create', 'submit', 'return', 'edit', 'submit', 'confirm']);
    });
  });

  describe('roll-up upkeep', () => {
    it('recounts queued close together become one job; a later one runs again', async () => {
      const dataSource = worker!.get(DataSource, { strict: false });
      const outbox = worker!.get(OutboxService, { strict: false });
      const tracking = worker!.get(QueueRegistry, { strict: false }).get(QueueName.Tracking);
      const of2021 = (j: { name: string; data: { planId?: string; fiscalYear?: number } } | undefined) =>
        j?.name === 'rollups.refresh' && j.data.planId === stage3 && j.data.fiscalYear === 2021;
      const recountsOf2021 = async () => (await tracking.getJobs(['completed'])).filter(of2021).length;
      const pendingOf2021 = async () =>
        (await tracking.getJobs(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children'])).filter(of2021)
          .length;
      // Five confirmations, each its own transaction, as the API queues them (3 s ahead here).
      const queueFive = async () => {
        for (let i = 0; i < 5; i++) {
          await withTransaction(dataSource, (m) =>
            outbox.enqueue(
              m,
              'rollups.refresh',
              { planId: stage3, fiscalYear: 2021 },
              { runAt: new Date(Date.now() + 3000) },
            ),
          );
        }
      };
      expect(await recountsOf2021()).toBe(0);
      await queueFive();
      await waitFor(
        async () =>
          (await count(
            `outbox WHERE job_name = 'rollups.refresh' AND payload->>'fiscalYear' = '2021' AND sent_at IS NULL`,
          )) === 0,
        'the relay',
      );
      await waitFor(async () => (await recountsOf2021()) > 0 || null, 'the recount');
      // Nothing of 2021 is left to run (all five were relayed above): the count is final, not a moment's.
      await waitFor(async () => (await pendingOf2021()) === 0, 'no recount of 2021 pending');
      expect(await recountsOf2021()).toBe(1);
      // Once it ran, the next confirmation gets a recount of its own.
      await queueFive();
      await waitFor(
        async () =>
          (await count(
            `outbox WHERE job_name = 'rollups.refresh' AND payload->>'fiscalYear' = '2021' AND sent_at IS NULL`,
          )) === 0,
        'the relay, again',
      );
      await waitFor(async () => (await recountsOf2021()) > 1 || null, 'the second recount');
      await waitFor(async () => (await pendingOf2021()) === 0, 'no recount of 2021 pending, again');
      expect(await recountsOf2021()).toBe(2);
    });

    it('the periodic reconciliation recounts a plan-year whose recount job was lost', async () => {
      const rollup = async () =>
        ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body as Rollup;
      const before = await rollup();
      // A confirmed change whose rollups.refresh never ran (as after Redis lost its data): written
      // straight to the table, so no outbox row and no job exist for it.
      const [changed] = await db.query(
        `UPDATE progress_report SET status_code = $2, reason = '関係機関との調整に時間を要したため', updated_at = now()
          WHERE id = (SELECT id FROM progress_report WHERE plan_id = $1 AND fiscal_year = 2022 AND period = 'annual' AND state = 'confirmed' AND status_code = $3 ORDER BY id LIMIT 1)
          RETURNING id`,
        [stage3, DELAYED, ON_TRACK],
      );
      expect(changed).toBeDefined();
      expect((await rollup()).totals).toEqual(before.totals);
      // The worker keeps the schedule; its next firing is what the scheduler adds: that job, through the queue.
      const tracking = worker!.get(QueueRegistry, { strict: false }).get(QueueName.Tracking);
      expect(await tracking.getJobScheduler('rollups-reconcile')).toMatchObject({
        name: 'rollups.reconcile',
        pattern: '*/5 * * * *',
      });
      await tracking.add('rollups.reconcile', {});
      await waitFor(
        async () => (await rollup()).totals[DELAYED] === before.totals[DELAYED] + 1 || null,
        'the reconciliation job',
      );
      expect((await rollup()).totals).toEqual({
        [ON_TRACK]: before.totals[ON_TRACK] - 1,
        [DELAYED]: before.totals[DELAYED] + 1,
      });
      // Put back for the tests after this one.
      await db.query(`UPDATE progress_report SET status_code = $2, reason = '', updated_at = now() WHERE id = $1`, [
        changed.id,
        ON_TRACK,
      ]);
      await worker!.get(RollupJobs, { strict: false }).reconcile();
      expect((await rollup()).totals).toEqual(before.totals);
    });

    it('the nightly job repairs a roll-up that drifted from the reports', async () => {
      const live = ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body;
      await db.query(`UPDATE rollup SET count = count + 5 WHERE plan_id = $1 AND fiscal_year = 2022`, [stage3]);
      expect(ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body.total).not.toBe(
        live.total,
      );
      const tracking = worker!.get(QueueRegistry, { strict: false }).get(QueueName.Tracking);
      expect(await tracking.getJobScheduler('rollups-nightly')).toMatchObject({
        name: 'rollups.nightly',
        pattern: '30 2 * * *',
        tz: 'Asia/Tokyo',
      });
      await tracking.add('rollups.nightly', {});
      await waitFor(
        async () =>
          ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body.total === live.total ||
          null,
        'the nightly job',
      );
      expect(ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body.totals).toEqual(
        live.totals,
      );
    });
  });

  describe('roll-up reads kept in memory', () => {
    const url = (by = 'policy') => `${api.url}/api/v1/rollups/progress?planId=${stage3}&fiscalYear=2022&by=${by}`;
    const read = (by?: string, etag?: string) =>
      http<
        Omit<Rollup, 'rows'> & {
          scale: Array<{ code: string; labelJa: string }>;
          rows: Array<{ key: { label: string } }>;
        }
      >(url(by), { headers: { authorization: auth, ...(etag ? { 'if-none-match': etag } : {}) } });

    it('never shows counts or labels older than the last committed change; its ETag answers 304 until then', async () => {
      const rollups = api.app.get(RollupsService);
      const built = jest.spyOn(rollups, 'read');
      try {
        const first = ok(await read());
        const etag = first.headers.get('etag')!;
        expect(etag).toMatch(/^"[\w-]+"$/);
        expect(first.headers.get('cache-control')).toBe('private, no-cache');
        expect(first.body.total).toBe(137);
        // Nothing changed: the kept answer, not built again; with its tag, 304 and no body.
        built.mockClear();
        expect(ok(await read()).text).toBe(first.text);
        const unchanged = await read(undefined, etag);
        expect(unchanged.status).toBe(304);
        expect(unchanged.text).toBe('');
        expect(built).not.toHaveBeenCalled();

        // A report moved and recounted (committed): the very next read has the new counts and a new tag.
        const [moved] = await db.query(
          `UPDATE progress_report SET status_code = $2, reason = '関係機関との調整に時間を要したため', updated_at = now()
            WHERE id = (SELECT id FROM progress_report WHERE plan_id = $1 AND fiscal_year = 2022 AND period = 'annual' AND state = 'confirmed' AND status_code = $3 ORDER BY id LIMIT 1)
            RETURNING id`,
          [stage3, DELAYED, ON_TRACK],
        );
        await rollups.refreshAlone(stage3, 2022);
        const recounted = await read(undefined, etag);
        expect(recounted.status).toBe(200);
        expect(recounted.body.totals).toEqual({
          [ON_TRACK]: first.body.totals[ON_TRACK] - 1,
          [DELAYED]: first.body.totals[DELAYED] + 1,
        });
        expect(recounted.headers.get('etag')).not.toBe(etag);

        // A policy's new title, and a relabelled status, show at once too.
        const [policy] = await db.query(
          `UPDATE plan_policy SET title = title || '（改題）' WHERE plan_id = $1 AND number = 1 RETURNING title`,
          [stage3],
        );
        expect(ok(await read()).body.rows.map((r) => r.key.label)).toContain(policy.title);
        await db.query(`UPDATE status_scale SET label_ja = '遅れ（改称）' WHERE plan_id = $1 AND code = $2`, [
          stage3,
          DELAYED,
        ]);
        expect(ok(await read()).body.scale.find((e) => e.code === DELAYED)?.labelJa).toBe('遅れ（改称）');
        // And so does a unit's new name, by unit.
        const byUnit = ok(await read('orgUnit'));
        await db.query(`UPDATE org_unit SET name_ja = name_ja || '（改称）' WHERE code = 'kenko'`);
        expect(ok(await read('orgUnit')).text).not.toBe(byUnit.text);
        expect(ok(await read('orgUnit')).body.rows.map((r) => r.key.label)).toContain('健康福祉局（改称）');

        // Put back for the tests after this one.
        await db.query(`UPDATE org_unit SET name_ja = '健康福祉局' WHERE code = 'kenko'`);
        await db.query(`UPDATE status_scale SET label_ja = '一部変更・遅れ' WHERE plan_id = $1 AND code = $2`, [
          stage3,
          DELAYED,
        ]);
        await db.query(
          `UPDATE plan_policy SET title = replace(title, '（改題）', '') WHERE plan_id = $1 AND number = 1`,
          [stage3],
        );
        await db.query(`UPDATE progress_report SET status_code = $2, reason = '', updated_at = now() WHERE id = $1`, [
          moved.id,
          ON_TRACK,
        ]);
        await rollups.refreshAlone(stage3, 2022);
        const restored = ok(await read());
        // As first read, but for when it was recounted.
        expect({ ...restored.body, refreshedAt: null }).toEqual({ ...first.body, refreshedAt: null });
      } finally {
        built.mockRestore();
      }
    });
  });

  describe('the import command', () => {
    const cli = async (args: string[]) => {
      const run = spawnApp(
        'cli',
        { DATABASE_URL: db.url, REDIS_URL: process.env.TEST_REDIS_URL ?? '', QUEUE_PREFIX: `{${db.name}}` },
        args,
      );
      return { code: (await run.exited).code, output: run.output() };
    };

    it('checks a file in a dry run with a progress bar, and lists every bad row with exit status 4', async () => {
      const good = join(tmpdir(), `stage3-${db.name}.csv`);
      await writeFile(good, await readStage3Csv());
      const dry = await cli(['import', 'initiatives', good, '--plan', 'kaikaku-stage3', '--dry-run', '--progress']);
      expect(dry.output).toMatch(
        /137 rows checked: 0 would be created, 137 would be updated \(dry run: nothing written\)/,
      );
      expect(dry.output).toMatch(/\[#{30}\] 100%  137\/137 rows/);
      expect(dry.code).toBe(0);

      const bad = join(tmpdir(), `bad-${db.name}.csv`);
      await writeFile(
        bad,
        '指標コード,年度,和暦年度,値\nkpi-1,2022,令和5年度,50\nkpi-404,2022,,50\nkpi-1,2023,,たくさん\n',
      );
      const before = await count('measurement');
      const refused = await cli(['import', 'measurements', bad, '--plan', 'kaikaku-stage3']);
      expect(refused.code).toBe(4);
      expect(refused.output).toMatch(/nothing imported: 3 problem\(s\)/);
      expect(refused.output).toMatch(/^2\t和暦年度\t/m);
      expect(refused.output).toMatch(/^3\t指標コード\t/m);
      expect(refused.output).toMatch(/^4\t値\t/m);
      expect(await count('measurement')).toBe(before);
    }, 60_000);
  });

  describe('snapshots and the council report', () => {
    it('freezes what the council was told: later changes leave a snapshot as it was, and two compare', async () => {
      const first = ok(
        await secretariat.post('/rollups/snapshots', {
          planId: stage3,
          fiscalYear: 2022,
          title: '令和4年度 市議会報告',
        }),
        201,
      ).body;
      expect(first).toMatchObject({
        totals: { [ON_TRACK]: 108, [DELAYED]: 29 },
        total: 137,
        fiscalYearLabel: '令和4年度',
      });
      const frozen = ok(await secretariat.get(`/rollups/snapshots/${first.id}`)).body;

      // Later: three statuses change by bulk update (confirmed at once, all or none).
      const [a, b, c] = await db.query<{ code: string }>(
        `SELECT i.code FROM progress_report pr JOIN initiative i ON i.id = pr.initiative_id WHERE pr.plan_id = $1 AND pr.fiscal_year = 2022 AND pr.status_code = $2 ORDER BY i.code LIMIT 3`,
        [stage3, ON_TRACK],
      );
      const badBulk = await secretariat.post('/progress-reports/bulk', {
        planId: stage3,
        fiscalYear: 2022,
        items: [
          { initiativeCode: a.code, status: '一部変更・遅れ', reason: '予算の組替え' },
          { initiativeCode: 'no-such', status: '計画通り進捗' },
        ],
      });
      expect(badBulk.status).toBe(400);
      expect(badBulk.body.rowErrors).toEqual([expect.objectContaining({ row: 2, column: '取組番号' })]);
      expect(ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body.totals).toEqual({
        [ON_TRACK]: 108,
        [DELAYED]: 29,
      });
      const bulk = ok(
        await secretariat.post('/progress-reports/bulk', {
          planId: stage3,
          fiscalYear: 2022,
          items: [a, b, c].map((x) => ({ initiativeCode: x.code, status: DELAYED, reason: '予算の組替え' })),
        }),
      ).body;
      expect(bulk).toMatchObject({ rows: 3, updated: 3 });
      expect(ok(await secretariat.get(`/rollups/progress?planId=${stage3}&fiscalYear=2022`)).body.totals).toEqual({
        [ON_TRACK]: 105,
        [DELAYED]: 32,
      });

      // The snapshot is what it was, to the byte; the database refuses to change it.
      expect(ok(await secretariat.get(`/rollups/snapshots/${first.id}`)).body).toEqual(frozen);
      await expect(db.query(`UPDATE rollup_snapshot SET title = 'x' WHERE id = $1`, [first.id])).rejects.toThrow();
      const second = ok(
        await secretariat.post('/rollups/snapshots', { planId: stage3, fiscalYear: 2022, title: '令和4年度 修正報告' }),
        201,
      ).body;
      const diff = ok(await secretariat.get(`/rollups/snapshots/compare?from=${first.id}&to=${second.id}`)).body;
      expect(diff.from.totals).toEqual({ [ON_TRACK]: 108, [DELAYED]: 29 });
      expect(diff.to.totals).toEqual({ [ON_TRACK]: 105, [DELAYED]: 32 });
      expect(diff.changes).toHaveLength(3);
      expect(diff.changes[0]).toMatchObject({
        code: a.code,
        from: { code: ON_TRACK, label: '計画通り進捗' },
        to: { code: DELAYED, label: '一部変更・遅れ' },
        reason: '予算の組替え',
      });
      expect(
        ok(await secretariat.get(`/rollups/snapshots?planId=${stage3}`)).body.map((s: { id: string }) => s.id),
      ).toEqual([second.id, first.id]);

      // The council report made from the first snapshot still says 108 / 29.
      const fromSnapshot = ok(
        await secretariat.get(`/reports/council?planId=${stage3}&fiscalYear=2022&snapshotId=${first.id}`),
      ).body;
      expect(fromSnapshot).toMatchObject({
        snapshotId: first.id,
        summary: { totals: { [ON_TRACK]: 108, [DELAYED]: 29 }, total: 137 },
      });
      const live = ok(await secretariat.get(`/reports/council?planId=${stage3}&fiscalYear=2022`)).body;
      expect(live.summary.totals).toEqual({ [ON_TRACK]: 105, [DELAYED]: 32 });
    });

    it('gives the council report as CSV with a BOM and Japanese headers, and as an xlsx that re-opens with the summary', async () => {
      const csv = await fetch(`${api.url}/api/v1/reports/council?planId=${stage3}&fiscalYear=2022&format=csv`, {
        headers: { authorization: auth },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
      const bytes = Buffer.from(await csv.arrayBuffer());
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const lines = bytes.toString('utf8').slice(1).split('\r\n');
      expect(lines[0]).toMatch(/^年度,方針番号,方針,取組番号,取組名,所管,進捗状況/);
      expect(lines.filter((l) => l.startsWith('令和4年度,'))).toHaveLength(137);

      // Anyone signed in may read it: the viewer downloads the workbook.
      const xlsx = await fetch(`${api.url}/api/v1/reports/council?planId=${stage3}&fiscalYear=2022&format=xlsx`, {
        headers: { authorization: await signIn(api.url, 'viewer') },
      });
      expect(xlsx.status).toBe(200);
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      const names = book.worksheets.map((w) => w.name);
      expect(names[0]).toBe('概要');
      expect(names).toContain('検証指標');
      expect(names.filter((n) => /^方針\d/.test(n))).toHaveLength(3);
      const summary = book.getWorksheet('概要')!;
      const cells: unknown[] = [];
      summary.eachRow((row) => row.eachCell((cell) => cells.push(cell.value)));
      expect(cells).toEqual(expect.arrayContaining(['計画通り進捗', '一部変更・遅れ', '合計']));
      // The totals row holds the live figures (105 / 32 / 137 after the bulk update above).
      let totalsRow: unknown[] = [];
      summary.eachRow((row) => {
        const values = (row.values as unknown[]).slice(1);
        if (values.includes(137)) totalsRow = values;
      });
      expect(totalsRow).toEqual(expect.arrayContaining([105, 32, 137]));
      const kpis = book.getWorksheet('検証指標')!;
      const kpiText = JSON.stringify((kpis.getSheetValues() as unknown[]).filter(Boolean));
      expect(kpiText).toContain('将来負担比率');
      expect(kpiText).toContain('令和3年度');
      // The demo rows carry their (invented) effect amounts, as numbers.
      const first = book.getWorksheet('方針1')!;
      const amounts: unknown[] = [];
      first.eachRow((row, n) => n > 2 && amounts.push(row.getCell(7).value, row.getCell(8).value));
      expect(amounts.length).toBeGreaterThan(40);
      // (The bulk status update above rewrote three reports without amounts.)
      expect(amounts.filter((a) => typeof a === 'number' && a > 0).length).toBeGreaterThanOrEqual(amounts.length - 6);
      // Codes stay text in a spreadsheet that guesses types: ="1-01".
      expect(lines.some((l) => l.includes(',="1-01",'))).toBe(true);
    });
  });

  describe('indicators', () => {
    it('grades by a configurable band, and records corrections with the earlier value in the audit log', async () => {
      const created = ok(
        await secretariat.post('/indicators', {
          planId: stage3,
          code: 'kpi-x',
          name: '試験指標',
          unit: '%',
          decimals: 1,
          direction: 'higher_better',
          baselineYear: 2021,
          baselineValue: 50,
          targetYear: 2023,
          targetValue: 70,
        }),
        201,
      ).body;
      expect(created).toMatchObject({ gradingBand: 0.1, grade: '−', achievementRate: null });
      ok(await secretariat.post(`/indicators/${created.id}/measurements`, { fiscalYear: 2022, value: 49 }), 201);
      // 5 % of the way back from the baseline: within ±10 points, no real movement.
      expect(ok(await secretariat.get(`/indicators/${created.id}`)).body).toMatchObject({
        grade: 'B',
        achievementRate: -5,
      });
      const etag = ok(await secretariat.get(`/indicators/${created.id}`)).headers.get('etag')!;
      expect(
        ok(await secretariat.patch(`/indicators/${created.id}`, { gradingBand: 0.04 }, { 'if-match': etag })).body,
      ).toMatchObject({ gradingBand: 0.04, grade: 'C' });
      const corrected = ok(
        await secretariat.post(`/indicators/${created.id}/measurements`, {
          fiscalYear: 2022,
          value: 71,
          note: '集計誤り訂正',
        }),
        201,
      ).body;
      expect(corrected).toMatchObject({ grade: 'S', actual: { value: 71 } });
      const [entry] = await db.query(
        `SELECT details FROM audit_log WHERE entity_id = $1 AND action = 'correct_measurement'`,
        [created.id],
      );
      expect(entry.details).toMatchObject({ fiscalYear: 2022, value: 71, previous: 49 });
      const bad = await secretariat.post('/indicators', {
        planId: stage3,
        code: 'kpi-y',
        name: 'x',
        direction: 'sideways',
        baselineYear: 2021,
        baselineValue: 'a',
        targetYear: 2023,
        targetValue: 1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['baselineValue', 'direction']);
      expect(
        (
          await (
            await user('kenko.editor')
          ).post('/indicators', {
            planId: stage3,
            code: 'kpi-z',
            name: 'x',
            direction: 'ceiling',
            baselineYear: 2021,
            baselineValue: 1,
            targetYear: 2023,
            targetValue: 2,
          })
        ).status,
      ).toBe(403);
    });
  });
});
