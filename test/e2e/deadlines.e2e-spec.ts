import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { instantAt, MunicipalCalendar, todayInTokyo } from '#libs/calendar';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Where deadlines come from and how their reminders follow them, read from PostgreSQL (the
 * source of truth for reminders) without waiting for any of them to fire: a moved due date
 * re-plans the reminders, a meeting gives the secretariat a preparation deadline, and an
 * initiative its yearly progress-report deadlines.
 */
describe('deadlines and their reminders', () => {
  const calendar = new MunicipalCalendar();
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let planId: string;

  /** Where each pending reminder of the unit's deadline for `subjectId` is planned: step → instant. */
  const planned = async (subjectId: string, unit: string) =>
    Object.fromEntries(
      (
        await db.query(
          `SELECT r.step, r.fire_at FROM reminder r JOIN deadline d ON d.id = r.deadline_id JOIN org_unit o ON o.id = d.owner_unit_id
            WHERE d.subject_id = $1 AND o.code = $2 AND r.status = 'scheduled' ORDER BY r.fire_at`,
          [subjectId, unit],
        )
      ).map((r) => [r.step, new Date(r.fire_at).toISOString()]),
    ) as Record<string, string>;
  /** The default policy: 5 and 2 working days before, and on the day, at 09:00 JST. */
  const expectedBefore = (due: string) => ({
    'before:5': instantAt(calendar.addWorkingDays(due, -5), '09:00').toISOString(),
    'before:2': instantAt(calendar.addWorkingDays(due, -2), '09:00').toISOString(),
    due: instantAt(due, '09:00').toISOString(),
  });

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
    planId = ok(await (await user('secretariat')).get('/plans')).body.find(
      (p: { code: string }) => p.code === 'kaikaku-2027',
    ).id;
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('re-plans the reminders when an open inquiry’s due date moves, and queues them at their new times', async () => {
    const secretariat = await user('secretariat');
    const first = calendar.addWorkingDays(todayInTokyo(), 10);
    const later = calendar.addWorkingDays(todayInTokyo(), 20);
    const inquiry = ok(
      await secretariat.post('/inquiries', { planId, title: '期限変更の照会', dueDate: first, targetUnits: ['kenko'] }),
      201,
    ).body;
    ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));
    expect(await planned(inquiry.id, 'kenko')).toMatchObject(expectedBefore(first));

    const etag = ok(await secretariat.get(`/inquiries/${inquiry.id}`)).headers.get('etag')!;
    ok(await secretariat.patch(`/inquiries/${inquiry.id}`, { dueDate: later }, { 'if-match': etag }));
    const [deadline] = await db.query(
      `SELECT to_char(due_date, 'YYYY-MM-DD') AS due FROM deadline WHERE subject_id = $1`,
      [inquiry.id],
    );
    expect(deadline.due).toBe(later);
    const now = await planned(inquiry.id, 'kenko');
    expect(now).toMatchObject(expectedBefore(later));
    // Nothing is left at the old times, and each new time has its instant's firing job queued
    // through the outbox (one job per instant fires every reminder due then).
    expect(Object.values(now)).not.toContain(expectedBefore(first).due);
    for (const step of ['before:5', 'before:2', 'due']) {
      const queued = await db.query(
        `SELECT 1 FROM outbox WHERE job_name = 'reminders.fire_due' AND payload->>'fireAt' = $1`,
        [now[step]],
      );
      expect([step, queued.length > 0]).toEqual([step, true]);
    }
    expect(
      (await (await user('kenko.editor')).get('/deadlines')).body.find(
        (d: { subject: { id: string } }) => d.subject.id === inquiry.id,
      ),
    ).toMatchObject({ dueDate: later });
  });

  it('gives the secretariat a preparation deadline 5 working days before a meeting, met once the agenda is set', async () => {
    const secretariat = await user('secretariat');
    const heldOn = calendar.addWorkingDays(todayInTokyo(), 15);
    const meeting = ok(
      await secretariat.post('/meetings', { planId, kind: 'committee', title: '推進委員会（期限）', heldOn }),
      201,
    ).body;
    const mine = (await secretariat.get('/deadlines')).body.find(
      (d: { subject: { id: string } }) => d.subject.id === meeting.id,
    );
    expect(mine).toMatchObject({
      kind: 'meeting_preparation',
      dueDate: calendar.addWorkingDays(heldOn, -5),
      title: '推進委員会（期限） の議題準備',
      status: 'open',
    });
    // A bureau does not prepare the meeting: not its deadline.
    expect(
      (await (await user('kenko.editor')).get('/deadlines')).body.some(
        (d: { subject: { id: string } }) => d.subject.id === meeting.id,
      ),
    ).toBe(false);

    const { inquiryId } = {
      inquiryId: (await db.query(`SELECT id FROM inquiry WHERE title = '期限変更の照会'`))[0].id as string,
    };
    const proposal = await proposalIn(user, inquiryId, 'kenko', 'committee_review');
    ok(await secretariat.post(`/meetings/${meeting.id}/agenda`, { proposalIds: [proposal] }));
    const after = (await secretariat.get('/deadlines?includeDone=true')).body.find(
      (d: { subject: { id: string } }) => d.subject.id === meeting.id,
    );
    expect(after.status).toBe('satisfied');
    expect(
      await db.query(
        `SELECT 1 FROM reminder r JOIN deadline d ON d.id = r.deadline_id WHERE d.subject_id = $1 AND r.status = 'scheduled'`,
        [meeting.id],
      ),
    ).toHaveLength(0);
  });

  it('gives a new initiative its yearly progress-report deadlines (plan.progress_report_due after each remaining fiscal year)', async () => {
    const secretariat = await user('secretariat');
    const inquiryId = (await db.query(`SELECT id FROM inquiry WHERE title = '期限変更の照会'`))[0].id as string;
    const adopted = await proposalIn(user, inquiryId, 'kenko', 'adopted', '報告される提案');
    const council = ok(
      await secretariat.post('/meetings', {
        planId,
        kind: 'council',
        title: '定例会',
        heldOn: calendar.addWorkingDays(todayInTokyo(), 7),
      }),
      201,
    ).body.id;
    ok(await secretariat.post(`/meetings/${council}/agenda`, { proposalIds: [adopted] }));
    const initiativeId = ok(await act(secretariat, 'proposals', adopted, 'report')).body.initiativeId as string;

    const [plan] = await db.query(
      `SELECT first_fiscal_year, last_fiscal_year, progress_report_due FROM plan WHERE id = $1`,
      [planId],
    );
    const today = todayInTokyo();
    const expected: string[] = [];
    for (let fy = plan.first_fiscal_year; fy <= plan.last_fiscal_year; fy++) {
      const nominal = `${fy + 1}-${plan.progress_report_due}`;
      if (nominal >= today) expected.push(calendar.dueDate(nominal));
    }
    expect(expected.length).toBeGreaterThan(0);
    const deadlines = (await (await user('kenko.editor')).get('/deadlines')).body.filter(
      (d: { subject: { id: string } }) => d.subject.id === initiativeId,
    );
    expect(deadlines.map((d: { kind: string; dueDate: string }) => [d.kind, d.dueDate])).toEqual(
      expected.map((due) => ['progress_report', due]),
    );
    expect(deadlines[0].title).toMatch(/報告される提案（令和\d+年度）$/);
    // Another bureau is not told.
    expect(
      (await (await user('chuo.editor')).get('/deadlines')).body.some(
        (d: { subject: { id: string } }) => d.subject.id === initiativeId,
      ),
    ).toBe(false);
  });
});
