import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { act, demoClients, FULL_CONTENT, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

describe('proposal rules', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let inquiryId: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
    ({ inquiryId } = await openInquiry(user));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  describe('visibility', () => {
    it('keeps a bureau’s drafts from other bureaus, the secretariat and viewers (404, as if absent)', async () => {
      const id = await proposalIn(user, inquiryId, 'kenko', 'bureau_review');
      expect((await (await user('kenko.editor')).get(`/proposals/${id}`)).status).toBe(200);
      expect((await (await user('kenko.approver')).get(`/proposals/${id}`)).status).toBe(200);
      for (const other of ['chuo.editor', 'chuo.approver', 'secretariat', 'committee', 'viewer', 'admin']) {
        const res = await (await user(other)).get(`/proposals/${id}`);
        expect([other, res.status]).toEqual([other, 404]);
        expect(res.body.code).toBe('NOT_FOUND');
      }
      const list = ok(await (await user('chuo.editor')).get(`/proposals?inquiryId=${inquiryId}`)).body;
      expect(list.items.map((p: { id: string }) => p.id)).not.toContain(id);
    });

    it('shows a proposal to the reviewers once it left its bureau, and to everyone once reported', async () => {
      const id = await proposalIn(user, inquiryId, 'kenko', 'submitted');
      expect((await (await user('secretariat')).get(`/proposals/${id}`)).status).toBe(200);
      expect((await (await user('committee')).get(`/proposals/${id}`)).status).toBe(200);
      expect((await (await user('chuo.editor')).get(`/proposals/${id}`)).status).toBe(404);
      expect((await (await user('viewer')).get(`/proposals/${id}`)).status).toBe(404);
    });

    it('shows a submitted proposal to its collaborating units, not their drafts', async () => {
      const editor = await user('kankyo.editor');
      const { id } = ok(
        await editor.post('/proposals', {
          inquiryId,
          title: '共同提案',
          ...FULL_CONTENT,
          collaboratingUnits: ['toshi'],
        }),
        201,
      ).body;
      expect((await (await user('toshi.editor')).get(`/proposals/${id}`)).status).toBe(404);
      ok(await act(editor, 'proposals', id, 'submit'));
      ok(await act(await user('kankyo.approver'), 'proposals', id, 'approve'));
      expect((await (await user('toshi.editor')).get(`/proposals/${id}`)).status).toBe(200);
    });
  });

  describe('actions and roles', () => {
    it('lists what the caller may do now', async () => {
      const id = await proposalIn(user, inquiryId, 'bunka', 'draft');
      const editorActions = ok(await (await user('bunka.editor')).get(`/proposals/${id}/actions`)).body.map(
        (a: { action: string }) => a.action,
      );
      expect(editorActions.sort()).toEqual(['submit', 'withdraw']);
      ok(await act(await user('bunka.editor'), 'proposals', id, 'submit'));
      const approverActions = ok(await (await user('bunka.approver')).get(`/proposals/${id}/actions`)).body;
      expect(approverActions.map((a: { action: string }) => a.action).sort()).toEqual([
        'approve',
        'return',
        'withdraw',
      ]);
      expect(approverActions.find((a: { action: string }) => a.action === 'return').requires).toEqual(['comment']);
      expect(
        ok(await (await user('bunka.editor')).get(`/proposals/${id}/actions`)).body.map(
          (a: { action: string }) => a.action,
        ),
      ).toEqual(['withdraw']);
    });

    it('refuses the wrong role with 403, an action from the wrong state with 409, an unknown action with 400', async () => {
      const id = await proposalIn(user, inquiryId, 'nosui', 'bureau_review');
      const editor = await user('nosui.editor');
      const byEditor = await act(editor, 'proposals', id, 'approve');
      expect([byEditor.status, byEditor.body.code]).toEqual([403, 'FORBIDDEN']);
      const report = await act(await user('nosui.approver'), 'proposals', id, 'report');
      expect([report.status, report.body.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
      const unknown = await act(editor, 'proposals', id, 'teleport');
      expect([unknown.status, unknown.body.errors[0].field]).toEqual([400, 'action']);
    });

    it('refuses submitting an incomplete proposal, naming what is missing', async () => {
      const editor = await user('keizai.editor');
      const { id } = ok(await editor.post('/proposals', { inquiryId, title: '未完成' }), 201).body;
      const res = await act(editor, 'proposals', id, 'submit');
      expect(res.status).toBe(409);
      expect(res.body.detail).toMatch(/summary, policyNumber, expectedEffect, schedule/);
    });

    it('requires If-Match (428) and refuses a stale one (412)', async () => {
      const id = await proposalIn(user, inquiryId, 'byoin', 'draft');
      const editor = await user('byoin.editor');
      expect((await editor.post(`/proposals/${id}/transitions`, { action: 'submit' })).status).toBe(428);
      ok(await act(editor, 'proposals', id, 'submit'));
      const stale = await editor.post(`/proposals/${id}/transitions`, { action: 'withdraw' }, { 'if-match': '"1"' });
      expect([stale.status, stale.body.code]).toEqual([412, 'VERSION_CONFLICT']);
    });
  });

  describe('decided content', () => {
    it('is immutable once adopted (409 DECIDED_IMMUTABLE); a correction is a new revision with a reason', async () => {
      const id = await proposalIn(user, inquiryId, 'shobo', 'adopted');
      const secretariat = await user('secretariat');
      const current = ok(await secretariat.get(`/proposals/${id}`));
      const patch = await secretariat.patch(
        `/proposals/${id}`,
        { title: '変更' },
        { 'if-match': current.headers.get('etag')! },
      );
      expect([patch.status, patch.body.code]).toEqual([409, 'DECIDED_IMMUTABLE']);
      const corrected = ok(
        await secretariat.post(
          `/proposals/${id}/corrections`,
          { changes: { expectedAmount: 1500 }, reason: '効果額の誤記訂正' },
          { 'if-match': current.headers.get('etag')! },
        ),
      ).body;
      expect(corrected).toMatchObject({ expectedAmount: 1500, state: 'adopted', revision: 2 });
      const revisions = ok(await secretariat.get(`/proposals/${id}/revisions`)).body;
      expect(revisions.at(-1)).toMatchObject({
        reason: '効果額の誤記訂正',
        changedFields: ['expectedAmount'],
        author: 'secretariat',
      });
      const history = ok(await secretariat.get(`/proposals/${id}/history`)).body;
      expect(history.at(-1)).toMatchObject({
        action: 'correct',
        details: expect.objectContaining({ reason: '効果額の誤記訂正' }),
      });
      const byEditor = await (
        await user('shobo.editor')
      ).post(
        `/proposals/${id}/corrections`,
        { changes: { expectedAmount: 1 }, reason: 'x' },
        { 'if-match': `"${corrected.version}"` },
      );
      expect(byEditor.status).toBe(403);
    });

    it('is edited by its bureau only while a draft or returned', async () => {
      const id = await proposalIn(user, inquiryId, 'kotsu', 'bureau_review');
      const editor = await user('kotsu.editor');
      const current = ok(await editor.get(`/proposals/${id}`));
      const res = await editor.patch(`/proposals/${id}`, { title: 'x' }, { 'if-match': current.headers.get('etag')! });
      expect([res.status, res.body.code]).toEqual([409, 'PROPOSAL_NOT_EDITABLE']);
    });
  });

  describe('merging (整理)', () => {
    it('merges one proposal into another, and both histories show it', async () => {
      const a = await proposalIn(user, inquiryId, 'jogesui', 'submitted', '統合される提案');
      const b = await proposalIn(user, inquiryId, 'kyoiku', 'submitted', '統合先の提案');
      const secretariat = await user('secretariat');
      const missing = await act(secretariat, 'proposals', a, 'merge');
      expect([missing.status, missing.body.errors?.[0]?.field]).toEqual([400, 'targetProposalId']);
      const self = await act(secretariat, 'proposals', a, 'merge', { targetProposalId: a });
      expect(self.status).toBe(409);
      const merged = ok(
        await act(secretariat, 'proposals', a, 'merge', { targetProposalId: b, comment: '同趣旨のため統合' }),
      ).body;
      expect(merged).toMatchObject({ state: 'merged', mergedIntoId: b });
      const aHistory = ok(await secretariat.get(`/proposals/${a}/history`)).body;
      expect(aHistory.at(-1)).toMatchObject({
        action: 'merge',
        to: 'merged',
        details: expect.objectContaining({ targetProposalId: b }),
      });
      const bHistory = ok(await secretariat.get(`/proposals/${b}/history`)).body;
      expect(bHistory.at(-1)).toMatchObject({
        action: 'absorb',
        details: expect.objectContaining({ mergedProposalId: a }),
      });
      const again = await act(secretariat, 'proposals', b, 'merge', { targetProposalId: a });
      expect(again.status).toBe(409);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first answer for the same key and body, and refuses another body with 422', async () => {
      const editor = await user('seisaku.editor');
      const body = { inquiryId, title: '冪等性の確認', ...FULL_CONTENT };
      const first = ok(await editor.post('/proposals', body, { 'idempotency-key': 'create-proposal-0001' }), 201);
      const again = ok(await editor.post('/proposals', body, { 'idempotency-key': 'create-proposal-0001' }), 201);
      expect(again.body.id).toBe(first.body.id);
      expect(again.headers.get('idempotent-replayed')).toBe('true');
      const [{ n }] = await db.query(`SELECT count(*)::int AS n FROM proposal WHERE title = '冪等性の確認'`);
      expect(n).toBe(1);
      const other = await editor.post(
        '/proposals',
        { ...body, title: '別の内容' },
        { 'idempotency-key': 'create-proposal-0001' },
      );
      expect([other.status, other.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_MISMATCH']);
    });

    it('applies a retried transition once', async () => {
      const editor = await user('somu.editor');
      const id = await proposalIn(user, inquiryId, 'somu', 'draft');
      const headers = { 'if-match': '"1"', 'idempotency-key': 'submit-once-0001' };
      const [a, b] = await Promise.all([
        editor.post(`/proposals/${id}/transitions`, { action: 'submit' }, headers),
        editor.post(`/proposals/${id}/transitions`, { action: 'submit' }, headers),
      ]);
      expect([a.status, b.status]).toEqual([200, 200]);
      expect(a.body.version).toBe(b.body.version);
      const submits = await db.query(`SELECT 1 FROM audit_log WHERE entity_id = $1 AND action = 'submit'`, [id]);
      expect(submits).toHaveLength(1);
    });
  });

  describe('the inquiry', () => {
    it('refuses 該当なし from anyone but the unit’s approver', async () => {
      expect((await (await user('higashi.editor')).post(`/inquiries/${inquiryId}/nil-return`, {})).status).toBe(403);
      const other = await (
        await user('higashi.approver')
      ).post(`/inquiries/${inquiryId}/nil-return`, { orgUnit: 'minami' });
      expect(other.status).toBe(403);
      const own = ok(await (await user('higashi.approver')).post(`/inquiries/${inquiryId}/nil-return`, {})).body;
      expect(own).toMatchObject({ status: 'nil_return', orgUnit: { code: 'higashi' } });
    });

    it('stops new submissions once closed', async () => {
      const { inquiryId: closing } = await openInquiry(user);
      const id = await proposalIn(user, closing, 'zaisei', 'draft');
      ok(await act(await user('secretariat'), 'inquiries', closing, 'close'));
      const submit = await act(await user('zaisei.editor'), 'proposals', id, 'submit');
      expect([submit.status, submit.body.code]).toEqual([409, 'TRANSITION_NOT_ALLOWED']);
      expect(submit.body.detail).toMatch(/inquiry is not open/);
      const create = await (await user('zaisei.editor')).post('/proposals', { inquiryId: closing, title: 'late' });
      expect(create.status).toBe(409);
    });
  });
});
