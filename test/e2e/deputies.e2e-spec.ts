import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { roleHoldersSql } from '#libs/notifications';
import { Clock } from '#libs/platform';
import { SMALL_PROPOSAL_AMOUNT } from '#libs/workflow';
import { startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok, openInquiry, type Client } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * 代決 and 専決 through the API, on real PostgreSQL and Redis. The API's clock stands at the
 * real instant the suite starts (CLOCK_NOW) and is moved past a period's end by the test:
 * nothing sleeps, and the database's own now() (role holders, reminders) stays inside the period.
 */
interface History {
  action: string;
  actor: { username: string | null };
  onBehalfOf: { username: string } | null;
  delegated: { role: string; label: { ja: string } | null } | null;
  marks: string[];
  details: Record<string, unknown>;
}

interface Notice {
  title: string;
  body: string;
}

describe('代決 (deputies) and 専決 (delegated authority)', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  const today = daysFromNow(0);
  const noticesOf = async (username: string, text: string): Promise<Notice[]> =>
    (ok(await (await user(username)).get('/notifications?pageSize=100')).body.items as Notice[]).filter((n) =>
      n.title.includes(text),
    );
  const historyOf = async (client: Client, id: string): Promise<History[]> =>
    ok(await client.get(`/proposals/${id}/history`)).body as History[];
  const last = <T>(list: T[]): T => list[list.length - 1];

  /** A proposal of kenko with `amount` (千円), driven to `state` by its own people. */
  const proposal = async (title: string, amount: number, state: 'bureau_review' | 'hq_review') => {
    const editor = await user('kenko.editor');
    const { id } = ok(
      await editor.post('/proposals', { inquiryId, title, ...FULL_CONTENT, expectedAmount: amount }),
      201,
    ).body;
    ok(await act(editor, 'proposals', id, 'submit'));
    if (state === 'hq_review') {
      ok(await act(await user('kenko.approver'), 'proposals', id, 'approve'));
      ok(await act(await user('secretariat'), 'proposals', id, 'approve'));
      ok(await act(await user('committee'), 'proposals', id, 'approve'));
    }
    return id as string;
  };

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const config = testConfig(db.url, { CLOCK_NOW: new Date().toISOString(), OUTBOX_POLL_INTERVAL_MS: '100' });
    api = await startApi(config);
    worker = await startWorker(config);
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  describe('naming a deputy', () => {
    it('refuses a back-dated period, naming the field, and a period that ends before it starts', async () => {
      const approver = await user('kenko.approver');
      const back = await approver.post('/me/deputies', {
        deputyUsername: 'kenko.editor',
        from: daysFromNow(-1),
        to: daysFromNow(2),
      });
      expect([back.status, back.body.code, back.body.errors[0].field]).toEqual([
        400,
        'DEPUTY_PERIOD_BACKDATED',
        'from',
      ]);
      const reversed = await approver.post('/me/deputies', {
        deputyUsername: 'kenko.editor',
        from: daysFromNow(3),
        to: daysFromNow(2),
      });
      expect([reversed.status, reversed.body.code, reversed.body.errors[0].field]).toEqual([
        400,
        'VALIDATION_FAILED',
        'to',
      ]);
      const nobody = await approver.post('/me/deputies', { deputyUsername: 'no.such.person', from: today, to: today });
      expect([nobody.status, nobody.body.errors[0].field]).toEqual([400, 'deputyUsername']);
      const self = await approver.post('/me/deputies', { deputyUsername: 'kenko.approver', from: today, to: today });
      expect([self.status, self.body.errors[0].field]).toEqual([400, 'deputyUsername']);
    });

    it('names a deputy from today, running at once, seen by both people; an overlapping period is refused with a code', async () => {
      const approver = await user('kenko.approver');
      const period = ok(
        await approver.post('/me/deputies', {
          deputyUsername: 'kenko.editor',
          from: today,
          to: daysFromNow(2),
          reason: '出張',
        }),
        201,
      ).body;
      expect(period).toMatchObject({
        absent: { username: 'kenko.approver' },
        deputy: { username: 'kenko.editor' },
        from: today,
        to: daysFromNow(2),
        status: 'running',
        reason: '出張',
      });
      expect(period.startsAt).toBe(new Date(`${today}T00:00:00+09:00`).toISOString());
      expect(period.endsAt).toBe(new Date(`${daysFromNow(3)}T00:00:00+09:00`).toISOString());

      const overlap = await approver.post('/me/deputies', {
        deputyUsername: 'kenko.editor',
        from: daysFromNow(2),
        to: daysFromNow(5),
      });
      expect([overlap.status, overlap.body.code]).toEqual([409, 'DEPUTY_PERIOD_OVERLAP']);

      expect(ok(await approver.get('/me/deputies')).body.named.map((p: { id: string }) => p.id)).toEqual([period.id]);
      const deputy = ok(await (await user('kenko.editor')).get('/me/deputies')).body;
      expect(deputy.standingIn.map((p: { id: string }) => p.id)).toEqual([period.id]);
      expect(deputy.exercising).toEqual([
        { absent: expect.objectContaining({ username: 'kenko.approver' }), roles: ['bureau_approver'] },
      ]);
      // Naming is audited.
      const [entry] = await db.query(
        `SELECT action, actor_username, details FROM audit_log WHERE entity_type = 'deputy_assignment' AND entity_id = $1`,
        [period.id],
      );
      expect(entry).toEqual({
        action: 'name_deputy',
        actor_username: 'kenko.approver',
        details: expect.objectContaining({ absent: 'kenko.approver', deputy: 'kenko.editor' }),
      });
    });

    it('a deputy cannot name a deputy, and someone away with a deputy cannot be named one', async () => {
      const asDeputy = await (
        await user('kenko.editor')
      ).post('/me/deputies', { deputyUsername: 'chuo.editor', from: daysFromNow(1), to: daysFromNow(1) });
      expect([asDeputy.status, asDeputy.body.code]).toEqual([409, 'DEPUTY_CANNOT_NAME_DEPUTY']);
      const awayOne = await (
        await user('chuo.approver')
      ).post('/me/deputies', { deputyUsername: 'kenko.approver', from: today, to: today });
      expect([awayOne.status, awayOne.body.code, awayOne.body.errors[0].field]).toEqual([
        409,
        'DEPUTY_CANNOT_NAME_DEPUTY',
        'deputyUsername',
      ]);
    });

    it('lets an administrator name, list and cancel a deputy for someone; others may not', async () => {
      const body = {
        absentUsername: 'chuo.approver',
        deputyUsername: 'chuo.editor',
        from: daysFromNow(5),
        to: daysFromNow(6),
      };
      expect((await (await user('kenko.approver')).post('/deputies', body)).status).toBe(403);
      const admin = await user('admin');
      const period = ok(await admin.post('/deputies', body), 201).body;
      expect(period).toMatchObject({ status: 'scheduled', createdBy: 'admin', absent: { username: 'chuo.approver' } });
      expect(ok(await admin.get('/deputies?username=chuo.approver')).body.map((p: { id: string }) => p.id)).toEqual([
        period.id,
      ]);
      // The absent person sees it and may cancel it; someone else gets 404 for it.
      expect((await (await user('kenko.approver')).delete(`/me/deputies/${period.id}`)).status).toBe(404);
      expect(ok(await admin.delete(`/deputies/${period.id}`)).body).toMatchObject({ status: 'cancelled' });
      expect((await admin.delete(`/deputies/${period.id}`)).status).toBe(409);
    });
  });

  describe('while the period runs', () => {
    it('the deputy sees the absent person’s step, approves it as 代決; audit and history say so; the absent person is told and reads it on return (後閲)', async () => {
      const id = await proposal('窓口の予約制（代決）', 1500, 'bureau_review');
      const deputy = await user('kenko.editor');
      const actions = ok(await deputy.get(`/proposals/${id}/actions`)).body;
      expect(actions.find((a: { action: string }) => a.action === 'approve')).toMatchObject({
        authority: { role: 'bureau_approver', onBehalfOf: { username: 'kenko.approver' }, delegated: null },
      });

      ok(await act(deputy, 'proposals', id, 'approve'));
      const step = last(await historyOf(deputy, id));
      expect(step).toMatchObject({
        action: 'approve',
        actor: { username: 'kenko.editor' },
        onBehalfOf: { username: 'kenko.approver' },
        delegated: null,
        marks: ['代決'],
      });
      expect(step.details['decidedAs']).toBe('代決: kenko.editor for kenko.approver');

      const [notice] = await waitFor(async () => {
        const found = await noticesOf('kenko.approver', '【代決】窓口の予約制（代決）');
        return found.length > 0 ? found : null;
      }, 'the absent person’s notice');
      expect(notice.body).toContain('代決で「承認」しました');

      const approver = await user('kenko.approver');
      const decisions = ok(await approver.get('/me/deputy-decisions')).body;
      const mine = decisions.find((d: { entityId: string }) => d.entityId === id);
      expect(mine).toMatchObject({
        entityType: 'proposal',
        title: '窓口の予約制（代決）',
        action: 'approve',
        toState: 'submitted',
        deputy: { username: 'kenko.editor' },
        seenAt: null,
      });
      expect(
        (await (await user('chuo.approver')).post(`/me/deputy-decisions/${mine.auditEntryId}/seen`, {})).status,
      ).toBe(404);
      ok(await approver.post(`/me/deputy-decisions/${mine.auditEntryId}/seen`, {}), 204);
      const unseen = ok(await approver.get('/me/deputy-decisions?unseen=true')).body;
      expect(unseen.map((d: { entityId: string }) => d.entityId)).not.toContain(id);
    });

    it('what waits for the absent person reaches the deputy: the role holders behind reminders and notices include a running deputy', async () => {
      const holders = async () =>
        (
          await db.query(
            `WITH RECURSIVE asked(unit_id) AS (SELECT id FROM org_unit WHERE code = 'kenko'), ${roleHoldersSql('asked')}
             SELECT username, role FROM role_holder WHERE role = 'bureau_approver' ORDER BY username`,
          )
        ).map((r) => String(r.username));
      expect(await holders()).toEqual(['kenko.approver', 'kenko.editor']);
      // hq names the viewer as deputy: the committee's step then asks both to review.
      ok(await (await user('hq')).post('/me/deputies', { deputyUsername: 'viewer', from: today, to: today }), 201);
      await proposal('窓口の予約制（本部代決）', 2000, 'hq_review');
      await waitFor(async () => {
        const found = await noticesOf('viewer', '窓口の予約制（本部代決）');
        return found.length > 0 ? found : null;
      }, 'the deputy’s notice');
    });
  });

  describe('専決 (a rule of the workflow definition)', () => {
    it('lets the bureau approver adopt a small proposal, marked 専決 in the history, and not a large one', async () => {
      const small = await proposal('小規模な見直し（専決）', SMALL_PROPOSAL_AMOUNT - 1, 'hq_review');
      const large = await proposal('大規模な見直し（専決外）', SMALL_PROPOSAL_AMOUNT, 'hq_review');
      const approver = await user('chuo.approver');
      const kenko = await user('kenko.approver');
      // Not the approver of another bureau, whatever the amount: the proposal is not theirs to see.
      expect(
        (await approver.post(`/proposals/${small}/transitions`, { action: 'approve' }, { 'if-match': '"5"' })).status,
      ).toBe(404);

      const refused = await act(kenko, 'proposals', large, 'approve');
      expect([refused.status, refused.body.code]).toEqual([403, 'FORBIDDEN']);
      const adopted = ok(await act(kenko, 'proposals', small, 'approve')).body;
      expect(adopted.state).toBe('adopted');
      const step = last(await historyOf(kenko, small));
      expect(step).toMatchObject({
        action: 'approve',
        actor: { username: 'kenko.approver' },
        onBehalfOf: null,
        marks: ['専決'],
        delegated: { role: 'bureau_approver', label: { ja: '局長専決（効果額100万円未満）' } },
      });
      // The HQ still decides the large one, in its own right (no mark).
      ok(await act(await user('hq'), 'proposals', large, 'approve'));
      expect(last(await historyOf(kenko, large)).marks).toEqual([]);
    });
  });

  describe('outside the period', () => {
    it('answers the same call with 403 once the period is over', async () => {
      const id = await proposal('窓口の予約制（期間外）', 1500, 'bureau_review');
      const deputy = await user('kenko.editor');
      api.app.get(Clock).travelTo(new Date(`${daysFromNow(3)}T00:00:00+09:00`));
      const res = await act(deputy, 'proposals', id, 'approve');
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
      expect(ok(await deputy.get('/me/deputies')).body).toMatchObject({ standingIn: [], exercising: [] });
      // The absent person, back, approves it in their own right.
      ok(await act(await user('kenko.approver'), 'proposals', id, 'approve'));
    });
  });
});
