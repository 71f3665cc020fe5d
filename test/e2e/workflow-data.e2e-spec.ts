import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { REFORM_PROPOSAL } from '#libs/workflow';
import { startApi, testConfig, type RunningApi } from '../support/apps.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** A city without an HQ stage: the committee decides. Supplied as data, run with no code change. */
function withoutHq(name: string, labelSuffix = '') {
  const d = structuredClone(REFORM_PROPOSAL) as typeof REFORM_PROPOSAL & { version?: number };
  delete d.version;
  d.name = name;
  d.states = d.states
    .filter((s) => s.name !== 'hq_review')
    .map((s) => (s.name === 'adopted' ? { ...s, label: { ja: `決定${labelSuffix}`, en: 'Adopted' } } : s));
  d.transitions = d.transitions
    .filter((t) => !t.from.includes('hq_review') || t.from.length > 1)
    .map((t) => (t.action === 'approve' && t.from.includes('committee_review') ? { ...t, to: 'adopted' } : t));
  return d;
}

describe('workflows as data', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    user = demoClients(api.url);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('publishes each definition with its version and a Mermaid diagram', async () => {
    const res = ok(await (await user('viewer')).get('/workflows/reform-proposal'));
    expect(res.body).toMatchObject({ name: 'reform-proposal', version: 1, subject: 'proposal' });
    expect(res.body.definition.states.map((s: { name: string }) => s.name)).toContain('hq_review');
    expect(res.body.mermaid).toMatch(/^stateDiagram-v2/);
    expect(res.body.mermaid).toContain('hq_review --> adopted');
    const list = ok(await (await user('viewer')).get('/workflows')).body.map((w: { name: string }) => w.name);
    expect(list).toEqual(expect.arrayContaining(['reform-proposal', 'inquiry', 'progress-report']));
  });

  it('refuses an invalid definition, naming the problem, and stores nothing', async () => {
    const admin = await user('admin');
    const broken = { ...withoutHq('broken-flow'), initial: 'nowhere' };
    const res = await admin.post('/workflows', { subject: 'proposal', definition: broken });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.errors)).toMatch(/nowhere/);
    expect(await db.query(`SELECT 1 FROM workflow_definition WHERE name = 'broken-flow'`)).toHaveLength(0);
    expect(
      (await (await user('secretariat')).post('/workflows', { subject: 'proposal', definition: withoutHq('x-flow') }))
        .status,
    ).toBe(403);
  });

  it('runs a city’s cycle without an HQ stage end to end, with no code change', async () => {
    const admin = await user('admin');
    const stored = ok(
      await admin.post('/workflows', { subject: 'proposal', definition: withoutHq('no-hq-proposal') }),
      201,
    ).body;
    expect(stored).toMatchObject({ name: 'no-hq-proposal', version: 1 });
    expect(stored.mermaid).toContain('committee_review --> adopted');
    expect(stored.mermaid).not.toContain('hq_review');

    const secretariat = await user('secretariat');
    const plan = ok(
      await secretariat.post('/plans', {
        code: 'other-city-2028',
        name: '別の市の改革プラン',
        firstFiscalYear: 2024,
        lastFiscalYear: 2027,
        proposalWorkflow: 'no-hq-proposal',
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
        targetUnits: ['kenko'],
      }),
      201,
    ).body;
    ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));
    const editor = await user('kenko.editor');
    const proposal = ok(
      await editor.post('/proposals', { inquiryId: inquiry.id, title: 'HQなしの提案', ...FULL_CONTENT }),
      201,
    ).body;
    expect(proposal.workflow).toEqual({ name: 'no-hq-proposal', version: 1 });
    ok(await act(editor, 'proposals', proposal.id, 'submit'));
    ok(await act(await user('kenko.approver'), 'proposals', proposal.id, 'approve'));
    ok(await act(secretariat, 'proposals', proposal.id, 'approve'));
    const adopted = ok(await act(await user('committee'), 'proposals', proposal.id, 'approve')).body;
    expect(adopted.state).toBe('adopted');
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
    expect(ok(await act(secretariat, 'proposals', proposal.id, 'report')).body.state).toBe('reported');
  });

  it('keeps every record on the version it started under', async () => {
    const admin = await user('admin');
    ok(await admin.post('/workflows', { subject: 'proposal', definition: withoutHq('versioned-flow') }), 201);
    const secretariat = await user('secretariat');
    const plan = ok(
      await secretariat.post('/plans', {
        code: 'versioned-2030',
        name: 'v',
        firstFiscalYear: 2024,
        lastFiscalYear: 2027,
        proposalWorkflow: 'versioned-flow',
        policies: [{ number: 2, title: 'p' }],
      }),
      201,
    ).body;
    const inquiry = ok(
      await secretariat.post('/inquiries', {
        planId: plan.id,
        title: '照会',
        dueDate: daysFromNow(10),
        targetUnits: ['chuo'],
      }),
      201,
    ).body;
    ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));
    const editor = await user('chuo.editor');
    const old = ok(
      await editor.post('/proposals', {
        inquiryId: inquiry.id,
        title: '旧版',
        ...FULL_CONTENT,
        themeNumber: undefined,
      }),
      201,
    ).body;

    const v2 = ok(
      await admin.post('/workflows', { subject: 'proposal', definition: withoutHq('versioned-flow', '（新）') }),
      201,
    ).body;
    expect(v2.version).toBe(2);
    const fresh = ok(
      await editor.post('/proposals', {
        inquiryId: inquiry.id,
        title: '新版',
        ...FULL_CONTENT,
        themeNumber: undefined,
      }),
      201,
    ).body;
    expect(fresh.workflow.version).toBe(2);
    expect(ok(await editor.get(`/proposals/${old.id}`)).body.workflow.version).toBe(1);
    // The same content again is not a new version.
    expect(
      ok(
        await admin.post('/workflows', { subject: 'proposal', definition: withoutHq('versioned-flow', '（新）') }),
        201,
      ).body.version,
    ).toBe(2);
  });
});
