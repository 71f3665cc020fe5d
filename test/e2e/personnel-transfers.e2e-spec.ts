import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { PersonnelTransferJobs } from '#libs/identity';
import { Clock, JOB_SCHEDULES, QueueName, QueueRegistry } from '#libs/platform';
import { http, startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { demoClients, FULL_CONTENT, ok, openInquiry } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 4月1日の人事異動: the personnel system's file of 200 transfers, entered in March, takes effect at
 * 00:00 JST on 1 April on every instance, with nobody awake. The organisation's clock is set by
 * configuration (CLOCK_NOW) and moved by the test; nothing sleeps.
 */
const MARCH = '2027-03-15T10:00:00+09:00';
const DAY_BEFORE_LAST_MS = '2027-03-31T23:59:59.999+09:00';
const APRIL_FIRST = '2027-04-01T00:00:00.000+09:00';
const STAFF = 200;

const number = (i: number) => `K${String(i).padStart(4, '0')}`;
const username = (i: number) => `staff.${String(i).padStart(3, '0')}`;
/** Odd-numbered staff work in 健康福祉局 and move to 中央区; even-numbered ones the other way. */
const home = (i: number) => (i % 2 === 1 ? 'kenko' : 'chuo');
const away = (i: number) => (i % 2 === 1 ? 'chuo' : 'kenko');
const NAMES: Record<string, string> = { kenko: '健康福祉局', chuo: '中央区' };

function transferCsv(rows: string[][]): Buffer {
  const header = ['職員番号', '氏名', '旧所属', '新所属', '役割', '発令日'];
  return Buffer.from([header, ...rows].map((r) => r.join(',')).join('\r\n') + '\r\n');
}

describe('personnel transfers (人事異動) on 1 April', () => {
  let db: TestDatabase;
  const apis: RunningApi[] = [];
  let worker: INestApplicationContext | undefined;
  let kenkoDraft: string;
  let chuoDraft: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    // Two instances, each with its principal cache and its own standing clock.
    for (let i = 0; i < 2; i++) apis.push(await startApi(testConfig(db.url, { CLOCK_NOW: MARCH })));
    await db.query(
      `INSERT INTO app_user (username, display_name, password_hash, org_unit_id, employee_number)
       SELECT s.username, s.name, (SELECT password_hash FROM app_user WHERE username = 'kenko.editor'), ou.id, s.number
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS s(username, name, number, unit) JOIN org_unit ou ON ou.code = s.unit`,
      [
        Array.from({ length: STAFF }, (_, i) => username(i + 1)),
        Array.from({ length: STAFF }, (_, i) => `職員 ${i + 1}`),
        Array.from({ length: STAFF }, (_, i) => number(i + 1)),
        Array.from({ length: STAFF }, (_, i) => home(i + 1)),
      ],
    );
    await db.query(
      `INSERT INTO role_grant (user_id, role, org_unit_id) SELECT u.id, 'bureau_editor', u.org_unit_id FROM app_user u WHERE u.username LIKE 'staff.%'`,
    );
    // Work in flight: a draft of each bureau, by people who will move.
    const user = demoClients(apis[0].url);
    const { inquiryId } = await openInquiry(user);
    const staff1 = as(apis[0].url, await signIn(apis[0].url, username(1)));
    const staff2 = as(apis[0].url, await signIn(apis[0].url, username(2)));
    kenkoDraft = ok(await staff1.post('/proposals', { inquiryId, title: '健康福祉局の起案', ...FULL_CONTENT }), 201)
      .body.id;
    chuoDraft = ok(await staff2.post('/proposals', { inquiryId, title: '中央区の起案', ...FULL_CONTENT }), 201).body.id;
  }, 120_000);

  afterAll(async () => {
    await worker?.close();
    for (const api of apis) await api.close();
    await db?.drop();
  });

  const admin = async (api = apis[0]) => as(api.url, await signIn(api.url, 'admin'));
  const post = async (path: string, csv: Buffer) =>
    http(`${apis[0].url}/api/v1${path}`, {
      method: 'POST',
      body: csv,
      headers: { authorization: await signIn(apis[0].url, 'admin'), 'content-type': 'text/csv' },
    });
  const clockTo = (at: string) => apis.forEach((api) => api.app.get(Clock).travelTo(at));
  const transfers = async () => Number((await db.query(`SELECT count(*)::int AS n FROM personnel_transfer`))[0].n);

  it('reports every bad row by row and column, and enters nothing', async () => {
    const res = await post(
      '/personnel-transfers/import?dryRun=true',
      transferCsv([
        [number(1), '職員 1', '健康福祉局', '中央区', '担当者', '2027-04-01'],
        [number(2), '別人', 'chuo', 'kenko', '担当者', '2027-04-01'],
        [number(3), '職員 3', 'kenko', '存在しない局', '担当者', '2027-04-01'],
        [number(5), '職員 5', 'kenko', 'chuo', 'admin', '2027-04-01'],
        [number(7), '職員 7', 'kenko', 'chuo', '担当者', '2027-03-01'],
        [number(9), '職員 9', 'chuo', 'kenko', '担当者', '令和9年4月1日'],
        ['Z9999', '誰か', 'kenko', 'chuo', '担当者', '2027-04-01'],
      ]),
    );
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    const got = res.body.rowErrors.map((e: { row: number; column: string }) => `${e.row}:${e.column}`);
    expect(got).toEqual(['3:氏名', '4:新所属', '5:役割', '6:発令日', '7:旧所属', '8:職員番号']);
    expect(await transfers()).toBe(0);
  });

  it('dry-runs, then enters the 200 transfers of the personnel system’s file', async () => {
    const csv = transferCsv(
      Array.from({ length: STAFF }, (_, k) => {
        const i = k + 1;
        // Units by name or code, dates in both calendars, as such files come.
        return [
          number(i),
          `職員 ${i}`,
          i % 3 ? NAMES[home(i)] : home(i),
          NAMES[away(i)],
          i % 4 ? '担当者' : 'bureau_editor',
          i % 5 ? '2027-04-01' : '令和9年4月1日',
        ];
      }),
    );
    const dry = ok(await post('/personnel-transfers/import?dryRun=true', csv)).body;
    expect(dry).toMatchObject({ dryRun: true, rows: STAFF, scheduled: STAFF, errors: [] });
    expect(await transfers()).toBe(0);

    const real = ok(await post('/personnel-transfers/import', csv)).body;
    expect(real).toMatchObject({ dryRun: false, rows: STAFF, scheduled: STAFF });
    expect(await transfers()).toBe(STAFF);
    const listed = ok(
      await (await admin()).get('/personnel-transfers?status=scheduled&effectiveOn=2027-04-01&pageSize=5'),
    ).body;
    expect(listed.total).toBe(STAFF);
    expect(listed.items[0]).toMatchObject({
      effectiveOn: '2027-04-01',
      effectiveAt: '2027-03-31T15:00:00.000Z',
      status: 'scheduled',
    });
    // A second file with the same people on the same day is refused row by row.
    const again = await post('/personnel-transfers/import', csv);
    expect(again.status).toBe(400);
    expect(again.body.rowErrors).toHaveLength(STAFF);
  });

  it('changes access at 00:00 JST on 1 April exactly, on both instances, and work stays with its unit', async () => {
    const callers = await Promise.all(
      apis.map(async (api) => ({
        mover: as(api.url, await signIn(api.url, username(1))),
        other: as(api.url, await signIn(api.url, username(2))),
        stayer: as(api.url, await signIn(api.url, 'kenko.editor')),
      })),
    );

    clockTo(DAY_BEFORE_LAST_MS);
    for (const c of callers) {
      // Twice: the second answer comes from the instance's cache.
      for (let n = 0; n < 2; n++) {
        expect((await c.mover.get(`/proposals/${kenkoDraft}`)).status).toBe(200);
        expect((await c.mover.get(`/proposals/${chuoDraft}`)).status).toBe(404);
        expect((await c.other.get(`/proposals/${chuoDraft}`)).status).toBe(200);
        expect(ok(await c.mover.get('/me')).body.orgUnit.code).toBe('kenko');
      }
    }

    // Midnight in Japan: no write, no notice, no job has run yet.
    clockTo(APRIL_FIRST);
    for (const c of callers) {
      expect((await c.mover.get(`/proposals/${kenkoDraft}`)).status).toBe(404);
      expect((await c.mover.get(`/proposals/${chuoDraft}`)).status).toBe(200);
      expect((await c.other.get(`/proposals/${chuoDraft}`)).status).toBe(404);
      expect((await c.other.get(`/proposals/${kenkoDraft}`)).status).toBe(200);
      // The draft stayed with 健康福祉局: its editor who did not move still has it.
      expect((await c.stayer.get(`/proposals/${kenkoDraft}`)).status).toBe(200);
      const me = ok(await c.mover.get('/me')).body;
      expect(me.orgUnit.code).toBe('chuo');
      expect(me.grants.map((g: { role: string; orgUnit: { code: string } }) => `${g.role}@${g.orgUnit.code}`)).toEqual([
        'bureau_editor@chuo',
      ]);
    }
    const proposal = (
      await db.query(`SELECT o.code FROM proposal p JOIN org_unit o ON o.id = p.owning_unit_id WHERE p.id = $1`, [
        kenkoDraft,
      ])
    )[0];
    expect(proposal.code).toBe('kenko');
  });

  it('is recorded by the hourly job (00:00 JST first) of a worker whose clock reads 1 April', async () => {
    const schedule = JOB_SCHEDULES.find((s) => s.job === 'personnel.apply_transfers');
    expect(schedule?.pattern).toBe('0 * * * *');
    worker = await startWorker(testConfig(db.url, { CLOCK_NOW: APRIL_FIRST }));
    const scheduler = await waitFor(
      () => worker!.get(QueueRegistry).get(QueueName.System).getJobScheduler('personnel-transfers-hourly'),
      'the transfers scheduler',
    );
    expect(scheduler).toMatchObject({ pattern: '0 * * * *', tz: 'Asia/Tokyo' });

    // What the scheduler runs at 00:00, run here without waiting for the hour.
    expect(await worker.get(PersonnelTransferJobs).apply()).toBe(STAFF);
    expect(await worker.get(PersonnelTransferJobs).apply()).toBe(0);
    const [moved] = await db.query(
      `SELECT count(*) FILTER (WHERE ou.code = CASE WHEN right(u.username, 1)::int % 2 = 1 THEN 'chuo' ELSE 'kenko' END)::int AS moved
         FROM app_user u JOIN org_unit ou ON ou.id = u.org_unit_id WHERE u.username LIKE 'staff.%'`,
    );
    expect(moved.moved).toBe(STAFF);
    const events = ok(await (await admin(apis[1])).get('/security-events?kind=transfer.applied&pageSize=1')).body;
    expect(events.total).toBe(STAFF);
    // Access is what it already was at midnight.
    const mover = as(apis[1].url, await signIn(apis[1].url, username(1)));
    expect((await mover.get(`/proposals/${chuoDraft}`)).status).toBe(200);
    expect((await mover.get(`/proposals/${kenkoDraft}`)).status).toBe(404);
  });
});
