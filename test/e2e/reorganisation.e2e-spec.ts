import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { ReorganisationJobs } from '#libs/identity';
import { Clock } from '#libs/platform';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import { demoClients, FULL_CONTENT, ok, openInquiry } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 機構改革 on 1 April (test data: the merged bureau's name is made up): 健康福祉局 + 病院局 →
 * 健康福祉病院局, and 環境局 renamed. Access follows at 00:00 JST; old reports keep the old names.
 */
const MARCH = '2027-03-15T10:00:00+09:00';
const DAY_BEFORE_LAST_MS = '2027-03-31T23:59:59.999+09:00';
const APRIL_FIRST = '2027-04-01T00:00:00.000+09:00';

describe('reorganisation (機構改革)', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext | undefined;
  let user: ReturnType<typeof demoClients>;
  let kenkoDraft: string;
  let kankyoDraft: string;
  let stage3: string;
  let inquiryId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { CLOCK_NOW: MARCH }));
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
    kenkoDraft = ok(
      await (await user('kenko.editor')).post('/proposals', { inquiryId, title: '健康福祉局の起案', ...FULL_CONTENT }),
      201,
    ).body.id;
    kankyoDraft = ok(
      await (await user('kankyo.editor')).post('/proposals', { inquiryId, title: '環境局の起案', ...FULL_CONTENT }),
      201,
    ).body.id;
    stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  const unitNames = async (query = '') => {
    const report = ok(
      await (await user('viewer')).get(`/reports/council?planId=${stage3}&fiscalYear=2022${query}`),
    ).body;
    return new Set<string>(
      report.policies.flatMap((p: { initiatives: Array<{ unitName: string }> }) =>
        p.initiatives.map((i) => i.unitName),
      ),
    );
  };
  const rollupByUnit = async (organisation?: string) => {
    const r = ok(
      await (
        await user('viewer')
      ).get(
        `/rollups/progress?planId=${stage3}&fiscalYear=2022&by=orgUnit${organisation ? `&organisation=${organisation}` : ''}`,
      ),
    ).body;
    return new Map<string, { label: string; total: number }>(
      r.rows.map((row: { key: { code: string; label: string }; total: number }) => [
        row.key.code,
        { label: row.key.label, total: row.total },
      ]),
    );
  };

  it('refuses what is no reorganisation, naming the field', async () => {
    const admin = await user('admin');
    const one = await admin.post('/reorganisations', {
      kind: 'merge',
      effectiveOn: '2027-04-01',
      units: ['kenko'],
      into: { code: 'x', nameJa: 'x', nameEn: 'x' },
    });
    expect(one.status).toBe(400);
    expect(one.body.errors.map((e: { field: string }) => e.field)).toContain('units');
    const past = await admin.post('/reorganisations', {
      kind: 'rename',
      effectiveOn: '2027-03-01',
      unit: 'kankyo',
      nameJa: '環境脱炭素局',
    });
    expect(past.status).toBe(400);
    expect(past.body.errors[0].field).toBe('effectiveOn');
    expect(
      (
        await (
          await user('kenko.editor')
        ).post('/reorganisations', { kind: 'rename', effectiveOn: '2027-04-01', unit: 'kankyo', nameJa: 'x' })
      ).status,
    ).toBe(403);
  });

  it('merges and renames on 1 April: access changes at 00:00 JST, records keep their unit and old reports their names', async () => {
    const before = await rollupByUnit();
    expect(before.get('kenko')).toMatchObject({ label: '健康福祉局' });
    const admin = await user('admin');
    ok(
      await admin.post('/reorganisations', {
        kind: 'merge',
        effectiveOn: '2027-04-01',
        units: ['kenko', 'byoin'],
        into: { code: 'kenko-byoin', nameJa: '健康福祉病院局', nameEn: 'Health, Welfare & Hospital Bureau' },
      }),
      201,
    );
    ok(
      await admin.post('/reorganisations', {
        kind: 'rename',
        effectiveOn: '2027-04-01',
        unit: 'kankyo',
        nameJa: '環境脱炭素局',
        nameEn: 'Environment & Decarbonisation Bureau',
      }),
      201,
    );
    const clock = api.app.get(Clock);

    // The day before: 病院局 does not see 健康福祉局's draft.
    clock.travelTo(DAY_BEFORE_LAST_MS);
    expect((await (await user('byoin.editor')).get(`/proposals/${kenkoDraft}`)).status).toBe(404);
    expect((await (await user('kenko.editor')).get(`/proposals/${kenkoDraft}`)).status).toBe(200);
    // Restated by today's organisation, the roll-up still has both bureaus and the old name …
    const lastDay = await rollupByUnit('today');
    expect(lastDay.get('kenko')).toEqual(before.get('kenko'));
    expect(lastDay.get('kankyo')?.label).toBe('環境局');

    // The day after: one bureau; the draft is still 健康福祉局's record, now seen by the whole merged bureau.
    clock.travelTo(APRIL_FIRST);
    expect((await (await user('byoin.editor')).get(`/proposals/${kenkoDraft}`)).status).toBe(200);
    expect((await (await user('kenko.editor')).get(`/proposals/${kenkoDraft}`)).status).toBe(200);
    expect((await (await user('chuo.editor')).get(`/proposals/${kenkoDraft}`)).status).toBe(404);
    const me = ok(await (await user('kenko.editor')).get('/me')).body;
    expect(me.grants.map((g: { role: string; orgUnit: { code: string } }) => `${g.role}@${g.orgUnit.code}`)).toEqual([
      'bureau_editor@kenko-byoin',
    ]);
    // … and at 00:00 JST, with nothing written since, today's organisation is the new one (no answer kept past it).
    const midnight = await rollupByUnit('today');
    expect(midnight.has('kenko')).toBe(false);
    expect(midnight.get('kenko-byoin')?.total).toBe(before.get('kenko')!.total + before.get('byoin')!.total);
    expect(midnight.get('kankyo')?.label).toBe('環境脱炭素局');

    // The midnight job records it: names, closed units, open deadlines handed on.
    worker = await startWorker(testConfig(db.url, { CLOCK_NOW: APRIL_FIRST }));
    expect(await worker.get(ReorganisationJobs).apply()).toBe(2);
    expect(await worker.get(ReorganisationJobs).apply()).toBe(0);
    const units = await db.query(
      `SELECT code, name_ja, active FROM org_unit WHERE code IN ('kenko', 'byoin', 'kenko-byoin', 'kankyo') ORDER BY code`,
    );
    expect(units).toEqual([
      { code: 'byoin', name_ja: '病院局', active: false },
      { code: 'kankyo', name_ja: '環境脱炭素局', active: true },
      { code: 'kenko', name_ja: '健康福祉局', active: false },
      { code: 'kenko-byoin', name_ja: '健康福祉病院局', active: true },
    ]);
    const [owner] = await db.query(
      `SELECT o.code FROM proposal p JOIN org_unit o ON o.id = p.owning_unit_id WHERE p.id = $1`,
      [kenkoDraft],
    );
    expect(owner.code).toBe('kenko');
    const open = await db.query(
      `SELECT o.code, count(*)::int AS n FROM deadline d JOIN org_unit o ON o.id = d.owner_unit_id
        WHERE d.subject_id = $1 AND d.satisfied_at IS NULL AND d.cancelled_at IS NULL AND o.code IN ('kenko', 'byoin', 'kenko-byoin') GROUP BY o.code`,
      [inquiryId],
    );
    expect(open).toEqual([{ code: 'kenko-byoin', n: 1 }]);

    // 令和4年度's report, made after the reorganisation, names the units as they were then …
    const names = await unitNames();
    expect(names).toContain('健康福祉局');
    expect(names).toContain('病院局');
    expect(names).toContain('環境局');
    expect(names).not.toContain('健康福祉病院局');
    expect(names).not.toContain('環境脱炭素局');
    // … and so does its CSV export.
    const csv = (await (await user('viewer')).get(`/reports/council?planId=${stage3}&fiscalYear=2022&format=csv`)).text;
    expect(csv).toContain('健康福祉局');
    expect(csv).not.toContain('健康福祉病院局');

    // The year's roll-up by unit uses that year's organisation; restated, today's.
    const ofTheYear = await rollupByUnit();
    expect(ofTheYear.get('kenko')).toEqual(before.get('kenko'));
    expect(ofTheYear.get('kankyo')?.label).toBe('環境局');
    expect(ofTheYear.has('kenko-byoin')).toBe(false);
    const restated = await rollupByUnit('today');
    expect(restated.has('kenko')).toBe(false);
    expect(restated.get('kenko-byoin')).toEqual({
      label: '健康福祉病院局',
      total: before.get('kenko')!.total + before.get('byoin')!.total,
    });
    expect(restated.get('kankyo')?.label).toBe('環境脱炭素局');
  });

  it('keeps the name of the time in a proposal’s history: steps before the rename say 環境局, steps after it 環境脱炭素局', async () => {
    // (After the test above: the rename is recorded.) The audit log stamps real time, which the
    // clock of this file does not move, so the rename's date is set between the draft's steps and
    // its withdrawal, as if 1 April had fallen then.
    const editor = await user('kankyo.editor');
    const drafted = ok(await editor.get(`/proposals/${kankyoDraft}/history`)).body as Array<{ at: string }>;
    ok(
      await editor.post(
        `/proposals/${kankyoDraft}/transitions`,
        { action: 'withdraw' },
        { 'If-Match': ok(await editor.get(`/proposals/${kankyoDraft}`)).headers.get('etag')! },
      ),
    );
    const history = async () =>
      ok(await editor.get(`/proposals/${kankyoDraft}/history`)).body as Array<{
        action: string;
        at: string;
        unit: { code: string; nameJa: string };
      }>;
    const withdrawn = (await history()).at(-1)!;
    expect(withdrawn.action).toBe('withdraw');
    const between = new Date((Date.parse(drafted.at(-1)!.at) + Date.parse(withdrawn.at)) / 2).toISOString();
    const moved = await db.query(
      `UPDATE org_unit_name n SET valid_from = $1 FROM org_unit o WHERE o.id = n.unit_id AND o.code = 'kankyo' AND n.name_ja = '環境脱炭素局' RETURNING n.unit_id`,
      [between],
    );
    expect(moved).toHaveLength(1);
    const named = (await history()).map((h) => `${h.action} ${h.unit.code} ${h.unit.nameJa}`);
    expect(named.slice(0, -1).length).toBeGreaterThan(0);
    expect(new Set(named.slice(0, -1).map((n) => n.split(' ').slice(1).join(' ')))).toEqual(new Set(['kankyo 環境局']));
    expect(named.at(-1)).toBe('withdraw kankyo 環境脱炭素局');
  });
});
