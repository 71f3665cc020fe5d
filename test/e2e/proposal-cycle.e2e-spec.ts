import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, startWorker, testConfig, type RunningApi } from '../support/apps.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import type { INestApplicationContext } from '@nestjs/common';

/**
 * The whole yearly cycle through HTTP only, as the demo users: inquiry → proposals →
 * bureau approval → secretariat → committee → HQ → council, with a return, a nil return
 * and a unit that never answers.
 */
describe('the proposal cycle, end to end', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let user: ReturnType<typeof demoClients>;
  /** Entries the demo data wrote (plans, imports, indicators) before the cycle began. */
  let demoEntries: number;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    [{ n: demoEntries }] = await db.query(`SELECT count(*)::int AS n FROM audit_log`);
    const config = testConfig(db.url);
    api = await startApi(config);
    worker = await startWorker(config);
    user = demoClients(api.url);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await db?.drop();
  });

  it('runs from the all-bureau inquiry to initiatives reported to the council', async () => {
    const secretariat = await user('secretariat');
    const plans = ok(await secretariat.get('/plans')).body;
    const plan = plans.find((p: { code: string }) => p.code === 'kaikaku-2027');
    expect(plan.period.first).toEqual({ fiscalYear: 2024, label: '令和6年度' });

    // 全庁照会 to every bureau and ward.
    const inquiry = ok(
      await secretariat.post('/inquiries', { planId: plan.id, title: '令和6年度 全庁照会', dueDate: daysFromNow(14) }),
      201,
    ).body;
    expect(inquiry.targetUnits).toHaveLength(19);
    expect(inquiry.state).toBe('draft');
    ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));

    // Three bureaus draft, submit and approve their proposals.
    const proposals: Record<string, string> = {};
    for (const code of ['kenko', 'chuo', 'toshi']) {
      const editor = await user(`${code}.editor`);
      const created = ok(
        await editor.post('/proposals', { inquiryId: inquiry.id, title: `${code} の取組提案`, ...FULL_CONTENT }),
        201,
      ).body;
      expect(created.state).toBe('draft');
      expect(created.owningUnit.code).toBe(code);
      proposals[code] = created.id;
      ok(await act(editor, 'proposals', created.id, 'submit'));
      ok(await act(await user(`${code}.approver`), 'proposals', created.id, 'approve'));
    }

    // The secretariat returns one with a comment; its bureau edits and resubmits it.
    const returned = await act(secretariat, 'proposals', proposals.toshi, 'return');
    expect(returned.status).toBe(400);
    expect(returned.body.errors).toEqual([expect.objectContaining({ field: 'comment' })]);
    ok(await act(secretariat, 'proposals', proposals.toshi, 'return', { comment: '効果額の根拠を補足してください' }));
    const toshiEditor = await user('toshi.editor');
    const before = ok(await toshiEditor.get(`/proposals/${proposals.toshi}`));
    expect(before.body.state).toBe('returned');
    ok(
      await toshiEditor.patch(
        `/proposals/${proposals.toshi}`,
        { expectedEffect: '年間1,200千円の削減（委託費の見直しによる）' },
        { 'if-match': before.headers.get('etag')! },
      ),
    );
    ok(await act(toshiEditor, 'proposals', proposals.toshi, 'submit'));
    ok(await act(await user('toshi.approver'), 'proposals', proposals.toshi, 'approve'));
    const revisions = ok(await secretariat.get(`/proposals/${proposals.toshi}/revisions`)).body;
    expect(revisions).toEqual([
      expect.objectContaining({ revision: 2, author: 'toshi.editor', changedFields: ['expectedEffect'] }),
    ]);

    // One bureau has nothing to propose; the others stay silent.
    ok(await (await user('kita.approver')).post(`/inquiries/${inquiry.id}/nil-return`, { comment: '該当なし' }));

    // The secretariat sends all three to the committee.
    for (const id of Object.values(proposals)) ok(await act(secretariat, 'proposals', id, 'approve'));

    // 推進委員会: two approved, one rejected, each decision recording the meeting.
    const committeeMeeting = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'committee',
        title: '第1回 推進委員会',
        heldOn: daysFromNow(20),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${committeeMeeting.id}/agenda`, { proposalIds: Object.values(proposals) }));
    const committee = await user('committee');
    ok(await act(committee, 'proposals', proposals.kenko, 'approve'));
    ok(await act(committee, 'proposals', proposals.toshi, 'approve'));
    const rejected = ok(
      await act(committee, 'proposals', proposals.chuo, 'reject', { comment: '他局の取組と重複' }),
    ).body;
    expect(rejected.state).toBe('rejected');

    // 推進本部 adopts.
    const hqMeeting = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'hq',
        title: '第1回 推進本部会議',
        heldOn: daysFromNow(30),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${hqMeeting.id}/agenda`, { proposalIds: [proposals.kenko, proposals.toshi] }));
    const hq = await user('hq');
    for (const code of ['kenko', 'toshi'])
      expect(ok(await act(hq, 'proposals', proposals[code], 'approve')).body.state).toBe('adopted');

    // Without a council meeting, reporting is refused; with one, they become initiatives.
    const early = await act(secretariat, 'proposals', proposals.kenko, 'report');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('TRANSITION_NOT_ALLOWED');
    const council = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'council',
        title: '令和7年2月定例会',
        heldOn: daysFromNow(40),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${council.id}/agenda`, { proposalIds: [proposals.kenko, proposals.toshi] }));
    for (const code of ['kenko', 'toshi']) {
      const reported = ok(await act(secretariat, 'proposals', proposals[code], 'report')).body;
      expect(reported.state).toBe('reported');
      expect(reported.initiativeId).toBeTruthy();
    }
    const initiatives = ok(await (await user('viewer')).get(`/initiatives?planId=${plan.id}`)).body;
    expect(initiatives.total).toBe(2);
    expect(initiatives.items.map((i: { code: string }) => i.code)).toEqual(['2-01', '2-02']);
    expect(initiatives.items[0]).toMatchObject({ policy: { number: 2 }, councilMeetingId: council.id });
    // The indicator the proposal named in words is linked: it is one of the plan's 検証指標.
    expect(initiatives.items[0].relatedIndicators).toEqual([
      expect.objectContaining({ code: 'kpi-1-1', name: '区役所窓口 市民満足度' }),
    ]);

    // Responses: three responded, one 該当なし, the rest pending.
    const responses = ok(await secretariat.get(`/inquiries/${inquiry.id}/responses`)).body;
    const status = Object.fromEntries(
      responses.map((r: { orgUnit: { code: string }; status: string }) => [r.orgUnit.code, r.status]),
    );
    expect(status).toMatchObject({
      kenko: 'responded',
      chuo: 'responded',
      toshi: 'responded',
      kita: 'nil_return',
      nishi: 'pending',
    });
    expect(Object.values(status).filter((s) => s === 'pending')).toHaveLength(15);
    expect(responses.find((r: { orgUnit: { code: string } }) => r.orgUnit.code === 'kenko').proposals).toBe(1);

    // Every history shows each step with its actor, in order.
    const history = ok(await secretariat.get(`/proposals/${proposals.toshi}/history`)).body;
    expect(
      history.map((h: { action: string; actor: { username: string } }) => `${h.action}:${h.actor.username}`),
    ).toEqual([
      'create:toshi.editor',
      'submit:toshi.editor',
      'approve:toshi.approver',
      'return:secretariat',
      'edit:toshi.editor',
      'submit:toshi.editor',
      'approve:toshi.approver',
      'approve:secretariat',
      'approve:committee',
      'approve:hq',
      'report:secretariat',
    ]);
    const returnStep = history.find((h: { action: string }) => h.action === 'return');
    expect(returnStep).toMatchObject({ from: 'submitted', to: 'returned', comment: '効果額の根拠を補足してください' });
    const committeeStep = history.find(
      (h: { action: string; actor: { username: string } }) => h.actor.username === 'committee',
    );
    expect(committeeStep.details.meeting).toEqual({ id: committeeMeeting.id, kind: 'committee' });
    const chuoHistory = ok(await secretariat.get(`/proposals/${proposals.chuo}/history`)).body;
    expect(chuoHistory.at(-1)).toMatchObject({
      action: 'reject',
      to: 'rejected',
      actor: { username: 'committee' },
      comment: '他局の取組と重複',
    });

    // The chain of the audit log is whole.
    const verify = ok(await (await user('admin')).get('/audit/verify')).body;
    expect(verify.ok).toBe(true);
    expect(verify.entries - demoEntries).toBe(32);
  }, 120_000);
});
