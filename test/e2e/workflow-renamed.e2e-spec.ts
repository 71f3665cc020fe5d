import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok, type Client } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const label = (ja: string, en: string) => ({ ja, en });

/**
 * Another city's proposal cycle in which no state and no action has a shipped name: a
 * director's sign-off (部長決裁) added inside the bureau, no HQ (the committee decides), and
 * `approve` called `shonin`. Its behaviour comes from its tags and hooks alone.
 */
const KESSAI_PROPOSAL = {
  name: 'kessai-proposal',
  initial: 'kian',
  states: [
    { name: 'kian', label: label('起案', 'Drafting'), tags: ['editable_by_owner'] },
    { name: 'kacho_check', label: label('課長確認', 'Section chief check') },
    { name: 'bucho_kessai', label: label('部長決裁', 'Director sign-off') },
    {
      name: 'jimukyoku',
      label: label('事務局審査', 'Secretariat screening'),
      tags: ['left_bureau', 'editable_by_secretariat'],
    },
    {
      name: 'iinkai',
      label: label('委員会審議', 'Committee'),
      tags: ['left_bureau', 'editable_by_secretariat', 'committee_agenda'],
    },
    { name: 'kettei', label: label('決裁済', 'Decided'), tags: ['left_bureau', 'decided', 'council_agenda'] },
    {
      name: 'hokoku_zumi',
      label: label('議会報告済', 'Reported'),
      final: true,
      tags: ['left_bureau', 'decided', 'public'],
    },
    { name: 'sashimodoshi', label: label('差戻し', 'Returned'), tags: ['editable_by_owner'] },
  ],
  transitions: [
    {
      action: 'teishutsu',
      from: ['kian', 'sashimodoshi'],
      to: 'kacho_check',
      roles: ['bureau_editor'],
      guards: ['inquiryOpen', 'requiredFieldsFilled'],
      hooks: ['recordFirstSubmission'],
    },
    { action: 'kakunin', from: ['kacho_check'], to: 'bucho_kessai', roles: ['bureau_approver'] },
    {
      action: 'kessai',
      from: ['bucho_kessai'],
      to: 'jimukyoku',
      roles: ['bureau_approver'],
      guards: ['inquiryOpen'],
      hooks: ['satisfyInquiryDeadline'],
    },
    { action: 'shonin', from: ['jimukyoku'], to: 'iinkai', roles: ['secretariat'], effects: ['notifyReviewers'] },
    { action: 'shonin', from: ['iinkai'], to: 'kettei', roles: ['committee_reviewer'], effects: ['notifyOwners'] },
    {
      action: 'modosu',
      from: ['kacho_check', 'bucho_kessai', 'jimukyoku', 'iinkai'],
      to: 'sashimodoshi',
      roles: ['bureau_approver', 'secretariat', 'committee_reviewer'],
      requires: ['comment'],
    },
    {
      action: 'hokoku',
      from: ['kettei'],
      to: 'hokoku_zumi',
      roles: ['secretariat'],
      guards: ['councilMeeting'],
      hooks: ['createInitiative'],
    },
  ],
};

/** The inquiry renamed too: 準備 → 受付 → 締切. */
const RENAMED_INQUIRY = {
  name: 'inquiry',
  initial: 'junbi',
  states: [
    { name: 'junbi', label: label('準備中', 'Preparing'), tags: ['in_preparation'] },
    { name: 'uketsuke', label: label('受付中', 'Accepting'), tags: ['accepting_proposals'] },
    { name: 'shimekiri', label: label('締切', 'Closed'), final: true },
  ],
  transitions: [
    {
      action: 'kaishi',
      from: ['junbi'],
      to: 'uketsuke',
      roles: ['secretariat'],
      guards: ['dueDateInFuture'],
      hooks: ['syncReplyDeadlines'],
    },
    { action: 'shuryo', from: ['uketsuke'], to: 'shimekiri', roles: ['secretariat'], hooks: ['syncReplyDeadlines'] },
  ],
};

describe('a definition with none of the shipped names', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: (name: string) => Promise<Client>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('refuses a hook or tag nobody implements, naming it', async () => {
    const admin = await user('admin');
    const misspelt = structuredClone(KESSAI_PROPOSAL);
    misspelt.name = 'misspelt-proposal';
    misspelt.transitions[6].hooks = ['createInitiatve'];
    misspelt.states[5].tags = ['decidde'];
    const res = await admin.post('/workflows', { subject: 'proposal', definition: misspelt });
    expect(res.status).toBe(400);
    const messages = JSON.stringify(res.body.errors);
    expect(messages).toContain('uses hook \\"createInitiatve\\", which is not registered');
    expect(messages).toContain('has tag \\"decidde\\", which is not known');
    // A proposal hook is not an inquiry hook.
    const wrongSubject = await admin.post('/workflows', {
      subject: 'inquiry',
      definition: {
        ...RENAMED_INQUIRY,
        name: 'inquiry-x',
        transitions: [
          { ...RENAMED_INQUIRY.transitions[0], hooks: ['createInitiative'] },
          RENAMED_INQUIRY.transitions[1],
        ],
      },
    });
    expect(wrongSubject.status).toBe(400);
    expect(JSON.stringify(wrongSubject.body.errors)).toContain('createInitiative');
  });

  it('satisfies the deadline, creates the initiative and refuses edits after 決裁, from tags and hooks alone', async () => {
    const admin = await user('admin');
    ok(await admin.post('/workflows', { subject: 'proposal', definition: KESSAI_PROPOSAL }), 201);
    expect(
      ok(await admin.post('/workflows', { subject: 'inquiry', definition: RENAMED_INQUIRY }), 201).body.version,
    ).toBe(2);

    const secretariat = await user('secretariat');
    const plan = ok(
      await secretariat.post('/plans', {
        code: 'kessai-city-2028',
        name: '部長決裁のある市の改革プラン',
        firstFiscalYear: 2024,
        lastFiscalYear: 2027,
        proposalWorkflow: 'kessai-proposal',
        policies: [
          { number: 1, title: '方針1' },
          { number: 2, title: '方針2', themes: [{ title: 'テーマ' }] },
        ],
      }),
      201,
    ).body;
    const inquiry = ok(
      await secretariat.post('/inquiries', {
        planId: plan.id,
        title: '照会',
        dueDate: daysFromNow(10),
        targetUnits: ['kenko', 'chuo'],
      }),
      201,
    ).body;
    expect(inquiry.workflow).toEqual({ name: 'inquiry', version: 2 });
    // Still in preparation (its state tagged so): a bureau does not see it, nor may it propose.
    const editor = await user('kenko.editor');
    expect((await editor.get(`/inquiries/${inquiry.id}`)).status).toBe(404);
    ok(await act(secretariat, 'inquiries', inquiry.id, 'kaishi'));
    const opened = ok(await editor.get(`/inquiries/${inquiry.id}`)).body;
    expect(opened).toMatchObject({ state: 'uketsuke' });
    expect(opened.openedAt).toBeTruthy();

    const [{ id: kenko }] = await db.query<{ id: string }>(`SELECT id FROM org_unit WHERE code = 'kenko'`);
    const deadlineKey = `inquiry_reply:${inquiry.id}:${kenko}`;
    const satisfied = async () => {
      const rows = await db.query<{ satisfied_at: Date | null }>(`SELECT satisfied_at FROM deadline WHERE key = $1`, [
        deadlineKey,
      ]);
      return rows.length === 1 ? rows[0].satisfied_at : 'missing';
    };
    expect(await satisfied()).toBeNull();

    const proposal = ok(
      await editor.post('/proposals', { inquiryId: inquiry.id, title: '部長決裁を経る提案', ...FULL_CONTENT }),
      201,
    ).body;
    expect(proposal).toMatchObject({ state: 'kian', workflow: { name: 'kessai-proposal', version: 1 } });
    const approver = await user('kenko.approver');
    ok(await act(editor, 'proposals', proposal.id, 'teishutsu'));
    ok(await act(approver, 'proposals', proposal.id, 'kakunin'));
    // Inside the bureau still: the secretariat cannot see it and the unit has not answered.
    expect((await secretariat.get(`/proposals/${proposal.id}`)).status).toBe(404);
    expect(await satisfied()).toBeNull();
    const signed = ok(await act(approver, 'proposals', proposal.id, 'kessai')).body;
    expect(signed.state).toBe('jimukyoku');
    expect(await satisfied()).toBeInstanceOf(Date);
    expect(
      ok(await secretariat.get(`/inquiries/${inquiry.id}/responses`)).body.find(
        (r: { orgUnit: { code: string } }) => r.orgUnit.code === 'kenko',
      ),
    ).toMatchObject({ status: 'responded', proposals: 1 });

    // Screening: the secretariat edits (tag editable_by_secretariat) and a change is a revision (recordFirstSubmission).
    const current = await secretariat.get(`/proposals/${proposal.id}`);
    const edited = ok(
      await secretariat.patch(
        `/proposals/${proposal.id}`,
        { title: '部長決裁を経る提案（修正）' },
        { 'if-match': current.headers.get('etag')! },
      ),
    ).body;
    expect(edited.revision).toBe(proposal.revision + 1);
    ok(await act(secretariat, 'proposals', proposal.id, 'shonin'));
    const committee = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'committee',
        title: '推進委員会',
        heldOn: daysFromNow(5),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${committee.id}/agenda`, { proposalIds: [proposal.id] }));
    const decided = ok(await act(await user('committee'), 'proposals', proposal.id, 'shonin')).body;
    expect(decided.state).toBe('kettei');

    // 決裁 done: no one edits it any more; a correction is the only way.
    for (const who of ['kenko.editor', 'secretariat']) {
      const client = await user(who);
      const now = await client.get(`/proposals/${proposal.id}`);
      const res = await client.patch(
        `/proposals/${proposal.id}`,
        { title: '変更' },
        { 'if-match': now.headers.get('etag')! },
      );
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('DECIDED_IMMUTABLE');
    }

    // A committee meeting no longer takes it; the council does (council_agenda), and reporting creates the initiative.
    const another = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'committee',
        title: '推進委員会2',
        heldOn: daysFromNow(6),
      }),
      201,
    ).body;
    const refused = await secretariat.post(`/meetings/${another.id}/agenda`, { proposalIds: [proposal.id] });
    expect(refused.status).toBe(409);
    expect(JSON.stringify(refused.body.errors)).toContain('takes proposals in iinkai');
    const unmet = await act(secretariat, 'proposals', proposal.id, 'hokoku');
    expect(unmet.status).toBe(409);
    expect(unmet.body).toMatchObject({ code: 'TRANSITION_NOT_ALLOWED', guard: 'councilMeeting' });
    const council = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'council',
        title: '定例会',
        heldOn: daysFromNow(30),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${council.id}/agenda`, { proposalIds: [proposal.id] }));
    const reported = ok(await act(secretariat, 'proposals', proposal.id, 'hokoku')).body;
    expect(reported.state).toBe('hokoku_zumi');
    expect(reported.initiativeId).toBeTruthy();
    const initiatives = ok(await (await user('viewer')).get(`/initiatives?planId=${plan.id}`)).body;
    expect(initiatives.items).toEqual([
      expect.objectContaining({ id: reported.initiativeId, councilMeetingId: council.id }),
    ]);
    // Public once reported (tag public): the viewer reads it.
    expect(ok(await (await user('viewer')).get(`/proposals/${proposal.id}`)).body.state).toBe('hokoku_zumi');

    // The history names the renamed actions, and the initiative on the reporting entry.
    const history = ok(await secretariat.get(`/proposals/${proposal.id}/history`)).body;
    expect(history.map((h: { action: string }) => h.action)).toEqual([
      'create',
      'teishutsu',
      'kakunin',
      'kessai',
      'edit',
      'shonin',
      'shonin',
      'hokoku',
    ]);
    expect(history.at(-1).details).toMatchObject({
      initiativeId: reported.initiativeId,
      meeting: { id: council.id, kind: 'council' },
    });

    // Closing the renamed inquiry ends the remaining unit's deadline.
    ok(await act(secretariat, 'inquiries', inquiry.id, 'shuryo'));
    const [{ id: chuo }] = await db.query<{ id: string }>(`SELECT id FROM org_unit WHERE code = 'chuo'`);
    const [chuoDeadline] = await db.query<{ cancelled_at: Date | null }>(
      `SELECT cancelled_at FROM deadline WHERE key = $1`,
      [`inquiry_reply:${inquiry.id}:${chuo}`],
    );
    expect(chuoDeadline.cancelled_at).toBeInstanceOf(Date);
    expect(ok(await secretariat.get(`/inquiries/${inquiry.id}`)).body.closedAt).toBeTruthy();
  });
});
