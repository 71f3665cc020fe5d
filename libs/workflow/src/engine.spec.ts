import { describe, expect, it } from '@jest/globals';
import {
  INQUIRY,
  INQUIRY_GUARDS,
  PROGRESS_REPORT,
  PROPOSAL_GUARDS,
  REFORM_PROPOSAL,
  WORKFLOW_EFFECTS,
} from './definitions/index.js';
import { WorkflowEngine, type Actor, type Guard, type Subject } from './engine.js';
import { parseDefinition, WorkflowDefinitionError } from './validate-definition.js';

/** Which guards veto, and why; every other guard passes. */
interface Ctx {
  vetoes: Partial<Record<string, string>>;
}

const guardsFor = (names: readonly string[]): Record<string, Guard<Ctx>> =>
  Object.fromEntries(names.map((name) => [name, (ctx: Ctx) => ctx.vetoes[name] ?? null]));

const pass: Ctx = { vetoes: {} };
const ROLES = ['admin', 'secretariat', 'bureau_editor', 'bureau_approver', 'committee_reviewer', 'hq_member', 'viewer'];
const UNIT = 'kenko';
const OTHER_UNIT = 'zaimu';

function actor(...grants: Array<readonly [role: string, unit: string]>): Actor {
  return { holds: (role, unit) => grants.some(([r, u]) => r === role && u === unit) };
}

const at = (state: string): Subject => ({ state, unitId: UNIT });

const proposals = () => new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guardsFor(PROPOSAL_GUARDS), WORKFLOW_EFFECTS);

/** The reform-proposal table as the business wrote it, restated here so the definition is checked against it. */
const TABLE: Array<{
  action: string;
  from: string[];
  to: string;
  roles: string[];
  guards: string[];
  requires: string[];
  effects: string[];
  hooks?: string[];
}> = [
  {
    action: 'submit',
    from: ['draft', 'returned'],
    to: 'bureau_review',
    roles: ['bureau_editor'],
    guards: ['inquiryOpen', 'requiredFieldsFilled'],
    requires: [],
    effects: ['notifyApprovers'],
    hooks: ['recordFirstSubmission'],
  },
  {
    action: 'approve',
    from: ['bureau_review'],
    to: 'submitted',
    roles: ['bureau_approver'],
    guards: ['inquiryOpen'],
    requires: [],
    effects: ['notifySecretariat'],
    hooks: ['satisfyInquiryDeadline'],
  },
  {
    action: 'approve',
    from: ['submitted'],
    to: 'committee_review',
    roles: ['secretariat'],
    guards: [],
    requires: [],
    effects: ['notifyReviewers'],
  },
  {
    action: 'approve',
    from: ['committee_review'],
    to: 'hq_review',
    roles: ['committee_reviewer'],
    guards: [],
    requires: [],
    effects: ['notifyReviewers'],
  },
  {
    action: 'approve',
    from: ['hq_review'],
    to: 'adopted',
    roles: ['hq_member'],
    guards: [],
    requires: [],
    effects: ['notifyOwners'],
  },
  {
    action: 'return',
    from: ['bureau_review'],
    to: 'returned',
    roles: ['bureau_approver'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'return',
    from: ['submitted'],
    to: 'returned',
    roles: ['secretariat'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'return',
    from: ['committee_review'],
    to: 'returned',
    roles: ['committee_reviewer'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'return',
    from: ['hq_review'],
    to: 'returned',
    roles: ['hq_member'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'reject',
    from: ['submitted'],
    to: 'rejected',
    roles: ['secretariat'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'reject',
    from: ['committee_review'],
    to: 'rejected',
    roles: ['committee_reviewer'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'reject',
    from: ['hq_review'],
    to: 'rejected',
    roles: ['hq_member'],
    guards: [],
    requires: ['comment'],
    effects: ['notifyOwners'],
  },
  {
    action: 'withdraw',
    from: ['draft', 'returned', 'bureau_review', 'submitted'],
    to: 'withdrawn',
    roles: ['bureau_editor', 'bureau_approver'],
    guards: [],
    requires: [],
    effects: [],
  },
  {
    action: 'merge',
    from: ['submitted', 'committee_review'],
    to: 'merged',
    roles: ['secretariat'],
    guards: ['mergeTargetLive'],
    requires: ['targetProposalId'],
    effects: ['notifyOwners'],
    hooks: ['recordMerge'],
  },
  {
    action: 'report',
    from: ['adopted'],
    to: 'reported',
    roles: ['secretariat'],
    guards: ['councilMeeting'],
    requires: [],
    effects: ['notifyOwners'],
    hooks: ['createInitiative'],
  },
];

const ROWS = TABLE.flatMap((row) => row.from.map((from) => ({ ...row, from })));
const filled = (requires: string[]) =>
  Object.fromEntries(requires.map((name) => [name, name === 'comment' ? '理由があります' : '42']));

describe('WorkflowEngine on the reform-proposal table', () => {
  const engine = proposals();

  it('has exactly the transitions of the table', () => {
    const defined = engine.definition.transitions.flatMap((t) => t.from.map((f) => `${t.action}:${f}`)).sort();
    expect(defined).toEqual(ROWS.map((r) => `${r.action}:${r.from}`).sort());
  });

  describe.each(ROWS)('$action from $from', (row) => {
    it(`leads to ${row.to} for ${row.roles.join(' or ')} on the record's unit, with the effects`, () => {
      for (const role of row.roles) {
        const decision = engine.decide(at(row.from), actor([role, UNIT]), row.action, filled(row.requires), pass);
        expect(decision).toEqual({
          ok: true,
          transition: expect.objectContaining({ action: row.action, to: row.to }),
          from: row.from,
          to: row.to,
          effects: row.effects,
          hooks: row.hooks ?? [],
          authority: { role },
        });
      }
    });

    it('refuses every other role, even all of them together', () => {
      const others = ROLES.filter((r) => !row.roles.includes(r));
      const decision = engine.decide(
        at(row.from),
        actor(...others.map((r) => [r, UNIT] as const)),
        row.action,
        filled(row.requires),
        pass,
      );
      expect(decision).toMatchObject({ ok: false, reason: 'not_allowed' });
    });

    it('refuses the right role held on another unit', () => {
      const decision = engine.decide(
        at(row.from),
        actor(...row.roles.map((r) => [r, OTHER_UNIT] as const)),
        row.action,
        filled(row.requires),
        pass,
      );
      expect(decision).toMatchObject({ ok: false, reason: 'not_allowed' });
      if (!decision.ok) expect(decision.detail).toContain(row.roles[0]);
    });

    if (row.requires.length > 0) {
      it(`needs ${row.requires.join(', ')}`, () => {
        for (const inputs of [{}, { [row.requires[0]]: null }, { [row.requires[0]]: '  \n' }]) {
          const decision = engine.decide(at(row.from), actor([row.roles[0], UNIT]), row.action, inputs, pass);
          expect(decision).toMatchObject({ ok: false, reason: 'missing_input', missing: row.requires });
        }
      });
    }

    for (const guard of row.guards) {
      it(`is vetoed by ${guard}, with its reason`, () => {
        const decision = engine.decide(at(row.from), actor([row.roles[0], UNIT]), row.action, filled(row.requires), {
          vetoes: { [guard]: `${guard} says no` },
        });
        expect(decision).toEqual({ ok: false, reason: 'guard', guard, detail: `${guard} says no` });
      });
    }
  });
});

describe('WorkflowEngine.decide', () => {
  const engine = proposals();
  const editor = actor(['bureau_editor', UNIT]);
  const secretariat = actor(['secretariat', UNIT]);

  it('refuses an action no transition has', () => {
    expect(engine.decide(at('draft'), editor, 'publish', {}, pass)).toMatchObject({
      ok: false,
      reason: 'unknown_action',
      detail: expect.stringContaining('"publish"'),
    });
  });

  it('refuses an action from the wrong state, saying where it is allowed from', () => {
    const decision = engine.decide(at('draft'), secretariat, 'merge', { targetProposalId: '7' }, pass);
    expect(decision).toMatchObject({ ok: false, reason: 'not_from_this_state' });
    if (!decision.ok)
      expect(decision.detail).toBe(
        '"merge" is not possible from "draft"; "merge" is allowed from submitted, committee_review only',
      );
  });

  it('allows nothing from a final state', () => {
    const everyone = actor(...ROLES.map((r) => [r, UNIT] as const));
    for (const state of ['reported', 'rejected', 'withdrawn', 'merged']) {
      expect(engine.isFinal(state)).toBe(true);
      expect(engine.availableActions(at(state), everyone, pass)).toEqual([]);
      for (const action of new Set(REFORM_PROPOSAL.transitions.map((t) => t.action))) {
        const decision = engine.decide(at(state), everyone, action, { comment: 'x', targetProposalId: '1' }, pass);
        expect(decision).toMatchObject({
          ok: false,
          reason: 'not_from_this_state',
          detail: expect.stringContaining(`"${state}" is a final state`),
        });
      }
    }
  });

  it('treats a state the definition does not know as allowing nothing', () => {
    expect(engine.decide(at('archived'), editor, 'submit', {}, pass)).toMatchObject({
      ok: false,
      reason: 'not_from_this_state',
    });
    expect(engine.isFinal('archived')).toBe(false);
    expect(engine.state('archived')).toBeUndefined();
  });

  it('checks roles before inputs and inputs before guards', () => {
    const vetoAll: Ctx = { vetoes: { mergeTargetLive: 'The target is closed' } };
    expect(engine.decide(at('submitted'), editor, 'merge', {}, vetoAll)).toMatchObject({ reason: 'not_allowed' });
    expect(engine.decide(at('submitted'), secretariat, 'merge', {}, vetoAll)).toMatchObject({
      reason: 'missing_input',
      missing: ['targetProposalId'],
    });
    expect(engine.decide(at('submitted'), secretariat, 'merge', { targetProposalId: 9 }, vetoAll)).toMatchObject({
      reason: 'guard',
      detail: 'The target is closed',
    });
  });

  it('reports the first failing guard in the order the transition lists them', () => {
    const decision = engine.decide(
      at('draft'),
      editor,
      'submit',
      {},
      { vetoes: { requiredFieldsFilled: '目的が未記入です', inquiryOpen: '照会は締め切られました' } },
    );
    expect(decision).toEqual({ ok: false, reason: 'guard', guard: 'inquiryOpen', detail: '照会は締め切られました' });
  });

  it('does not treat a guard that returns nothing as a pass', () => {
    const sloppy = new WorkflowEngine<null>(INQUIRY, { dueDateInFuture: (() => undefined) as unknown as Guard<null> });
    const decision = sloppy.decide(at('draft'), secretariat, 'open', {}, null);
    expect(decision).toMatchObject({ ok: false, reason: 'guard', guard: 'dueDateInFuture' });
  });

  it('hands back a copy of the effects', () => {
    const decision = engine.decide(at('hq_review'), actor(['hq_member', UNIT]), 'approve', {}, pass);
    if (!decision.ok) throw new Error(decision.detail);
    decision.effects.push('notifyEveryone');
    expect(engine.decide(at('hq_review'), actor(['hq_member', UNIT]), 'approve', {}, pass)).toMatchObject({
      effects: ['notifyOwners'],
    });
  });
});

describe('WorkflowEngine.availableActions', () => {
  const engine = proposals();

  it('lists what the actor may do from the current state, with labels and required inputs', () => {
    const secretariat = actor(['secretariat', UNIT]);
    expect(engine.availableActions(at('submitted'), secretariat, pass)).toEqual([
      {
        action: 'approve',
        to: 'committee_review',
        label: { ja: '承認', en: 'Approve' },
        requires: [],
        authority: { role: 'secretariat' },
      },
      {
        action: 'return',
        to: 'returned',
        label: { ja: '差戻し', en: 'Return' },
        requires: ['comment'],
        authority: { role: 'secretariat' },
      },
      {
        action: 'reject',
        to: 'rejected',
        label: { ja: '不採択', en: 'Reject' },
        requires: ['comment'],
        authority: { role: 'secretariat' },
      },
      {
        action: 'merge',
        to: 'merged',
        label: { ja: '統合', en: 'Merge' },
        requires: ['targetProposalId'],
        authority: { role: 'secretariat' },
      },
    ]);
  });

  it('leaves out what a guard vetoes and what needs a role the actor lacks on this unit', () => {
    const editorAndApprover = actor(['bureau_editor', UNIT], ['bureau_approver', OTHER_UNIT]);
    expect(engine.availableActions(at('draft'), editorAndApprover, pass).map((a) => a.action)).toEqual([
      'submit',
      'withdraw',
    ]);
    expect(
      engine
        .availableActions(at('draft'), editorAndApprover, { vetoes: { inquiryOpen: 'closed' } })
        .map((a) => a.action),
    ).toEqual(['withdraw']);
    expect(engine.availableActions(at('bureau_review'), editorAndApprover, pass).map((a) => a.action)).toEqual([
      'withdraw',
    ]);
    expect(engine.availableActions(at('bureau_review'), actor(['viewer', UNIT]), pass)).toEqual([]);
  });
});

describe('WorkflowEngine construction', () => {
  it('refuses a definition whose guards are not all registered', () => {
    expect(() => new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guardsFor(['inquiryOpen']))).toThrow(WorkflowDefinitionError);
    expect(() => new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guardsFor(PROPOSAL_GUARDS), ['notifyOwners'])).toThrow(
      /effect "notifyApprovers", which is not registered/,
    );
  });

  it('does not take a prototype member for a registered guard', () => {
    const def = structuredClone(PROGRESS_REPORT);
    def.transitions[0].guards = ['toString'];
    expect(() => new WorkflowEngine(def, {})).toThrow(/guard "toString", which is not registered/);
  });

  it('keeps its own frozen copy of the definition', () => {
    const def = structuredClone(PROGRESS_REPORT);
    const engine = new WorkflowEngine(def, {});
    def.transitions[0].roles.push('viewer');
    expect(engine.decide(at('draft'), actor(['viewer', UNIT]), 'submit', {}, undefined)).toMatchObject({
      reason: 'not_allowed',
    });
    expect(Object.isFrozen(engine.definition.transitions[0].roles)).toBe(true);
    expect(engine.state('confirmed')).toEqual({
      name: 'confirmed',
      label: { ja: '確認済', en: 'Confirmed' },
      final: true,
      tags: ['counted'],
    });
  });

  it('runs the shipped inquiry and progress-report definitions', () => {
    const inquiry = new WorkflowEngine<Ctx>(INQUIRY, guardsFor(INQUIRY_GUARDS));
    const secretariat = actor(['secretariat', UNIT]);
    expect(
      inquiry.decide(at('draft'), secretariat, 'open', {}, { vetoes: { dueDateInFuture: '締切日が過去です' } }),
    ).toMatchObject({ reason: 'guard', detail: '締切日が過去です' });
    expect(inquiry.decide(at('open'), secretariat, 'cancel', {}, pass)).toMatchObject({
      reason: 'missing_input',
      missing: ['comment'],
    });
    expect(inquiry.decide(at('open'), secretariat, 'close', {}, pass)).toMatchObject({
      ok: true,
      to: 'closed',
      effects: [],
    });

    const reports = new WorkflowEngine<Ctx>(PROGRESS_REPORT, {});
    expect(
      reports.decide(at('submitted'), secretariat, 'return', { comment: '数値を確認してください' }, pass),
    ).toMatchObject({ ok: true, to: 'draft' });
    expect(reports.decide(at('submitted'), actor(['bureau_editor', UNIT]), 'confirm', {}, pass)).toMatchObject({
      reason: 'not_allowed',
    });
  });
});

describe('WorkflowEngine.toMermaid', () => {
  it('draws the reform-proposal workflow', () => {
    const text = proposals().toMermaid();
    expect(text.startsWith('stateDiagram-v2\n')).toBe(true);
    expect(text).toContain('  [*] --> draft\n');
    expect(text).toContain('  hq_review --> adopted : approve (hq_member)\n');
    expect(text).toContain('  returned --> withdrawn : withdraw (bureau_editor, bureau_approver)\n');
    expect(text).toContain('  state "推進本部審議 hq_review" as hq_review\n');
    expect(text).toContain('  merged --> [*]\n');
    expect(text).not.toContain('adopted --> [*]');
  });

  it('gives exactly this text for the inquiry workflow, every time', () => {
    const engine = new WorkflowEngine<Ctx>(INQUIRY, guardsFor(INQUIRY_GUARDS));
    const expected = [
      'stateDiagram-v2',
      '  state "作成中 draft" as draft',
      '  state "照会中 open" as open',
      '  state "締切 closed" as closed',
      '  state "中止 cancelled" as cancelled',
      '  [*] --> draft',
      '  draft --> open : open (secretariat)',
      '  open --> closed : close (secretariat)',
      '  draft --> cancelled : cancel (secretariat)',
      '  open --> cancelled : cancel (secretariat)',
      '  closed --> [*]',
      '  cancelled --> [*]',
      '',
    ].join('\n');
    expect(engine.toMermaid()).toBe(expected);
    expect(engine.toMermaid()).toBe(expected);
  });

  it('keeps a quote in a label from breaking the diagram', () => {
    const def = structuredClone(PROGRESS_REPORT);
    def.states[0].label.ja = '作成"中';
    expect(new WorkflowEngine(def, {}).toMermaid()).toContain(`state "作成'中 draft" as draft`);
  });
});

describe('a definition given as data', () => {
  // A city without a promotion headquarters: the committee's approval adopts the proposal.
  // Posted as JSON by an administrator; no code knows about it.
  const posted = `{
    "name": "reform-proposal-small-city",
    "version": 2,
    "initial": "draft",
    "states": [
      { "name": "draft", "label": { "ja": "起案中", "en": "Drafting" } },
      { "name": "submitted", "label": { "ja": "提出済", "en": "Submitted" } },
      { "name": "committee_review", "label": { "ja": "推進委員会審議", "en": "Committee review" } },
      { "name": "adopted", "label": { "ja": "決定", "en": "Adopted" } },
      { "name": "reported", "label": { "ja": "市議会報告済", "en": "Reported to council" }, "final": true },
      { "name": "returned", "label": { "ja": "差戻し", "en": "Returned" } },
      { "name": "rejected", "label": { "ja": "不採択", "en": "Rejected" }, "final": true }
    ],
    "transitions": [
      { "action": "submit", "from": ["draft", "returned"], "to": "submitted", "roles": ["bureau_editor"], "guards": ["inquiryOpen"], "effects": ["notifySecretariat"] },
      { "action": "approve", "from": ["submitted"], "to": "committee_review", "roles": ["secretariat"], "effects": ["notifyReviewers"] },
      { "action": "approve", "from": ["committee_review"], "to": "adopted", "roles": ["committee_reviewer"], "effects": ["notifyOwners"],
        "label": { "ja": "承認", "en": "Approve" } },
      { "action": "return", "from": ["submitted", "committee_review"], "to": "returned", "roles": ["secretariat", "committee_reviewer"], "requires": ["comment"], "effects": ["notifyOwners"] },
      { "action": "reject", "from": ["committee_review"], "to": "rejected", "roles": ["committee_reviewer"], "requires": ["comment"] },
      { "action": "report", "from": ["adopted"], "to": "reported", "roles": ["secretariat"], "guards": ["councilMeeting"], "effects": ["notifyOwners"] }
    ]
  }`;

  it('runs with the same guards and effects, going from committee review straight to adopted', () => {
    const engine = new WorkflowEngine<Ctx>(
      parseDefinition(JSON.parse(posted)),
      guardsFor(PROPOSAL_GUARDS),
      WORKFLOW_EFFECTS,
    );
    const reviewer = actor(['committee_reviewer', UNIT]);
    expect(engine.decide(at('committee_review'), reviewer, 'approve', {}, pass)).toMatchObject({
      ok: true,
      from: 'committee_review',
      to: 'adopted',
      effects: ['notifyOwners'],
    });
    expect(engine.decide(at('committee_review'), actor(['hq_member', UNIT]), 'approve', {}, pass)).toMatchObject({
      reason: 'not_allowed',
    });
    expect(engine.availableActions(at('committee_review'), reviewer, pass).map((a) => a.action)).toEqual([
      'approve',
      'return',
      'reject',
    ]);
    expect(engine.toMermaid()).toContain('committee_review --> adopted : approve (committee_reviewer)');
    expect(engine.toMermaid()).not.toContain('hq_review');
  });

  it('walks a proposal from draft to reported', () => {
    const engine = new WorkflowEngine<Ctx>(
      parseDefinition(JSON.parse(posted)),
      guardsFor(PROPOSAL_GUARDS),
      WORKFLOW_EFFECTS,
    );
    const steps: Array<[string, string]> = [
      ['bureau_editor', 'submit'],
      ['secretariat', 'approve'],
      ['committee_reviewer', 'approve'],
      ['secretariat', 'report'],
    ];
    const subject = at('draft');
    for (const [role, action] of steps) {
      const decision = engine.decide(subject, actor([role, UNIT]), action, {}, pass);
      if (!decision.ok) throw new Error(`${action}: ${decision.detail}`);
      subject.state = decision.to;
    }
    expect(subject.state).toBe('reported');
    expect(engine.isFinal(subject.state)).toBe(true);
  });
});

describe('WorkflowEngine tags and hooks', () => {
  it('answers what a state means and which hooks a transition runs, from the definition alone', () => {
    const engine = proposals();
    expect(engine.hasTag('adopted', 'decided')).toBe(true);
    expect(engine.hasTag('draft', 'decided')).toBe(false);
    expect(engine.hasTag('nowhere', 'decided')).toBe(false);
    expect(engine.statesTagged('decided')).toEqual(['adopted', 'reported']);
    expect(engine.decide(at('adopted'), actor(['secretariat', UNIT]), 'report', {}, pass)).toMatchObject({
      ok: true,
      hooks: ['createInitiative'],
    });
  });

  it('refuses a hook or tag outside the vocabulary it is given', () => {
    expect(
      () => new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guardsFor(PROPOSAL_GUARDS), { hooks: ['recordMerge'] }),
    ).toThrow(/hook "recordFirstSubmission", which is not registered/);
    expect(() => new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guardsFor(PROPOSAL_GUARDS), { tags: ['decided'] })).toThrow(
      /tag "editable_by_owner", which is not known/,
    );
  });
});
