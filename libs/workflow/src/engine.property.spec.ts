import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import type { TransitionDefinition, WorkflowDefinition } from './definition.js';
import { PROPOSAL_GUARDS, REFORM_PROPOSAL } from './definitions/index.js';
import { WorkflowEngine, type Decision, type Guard } from './engine.js';
import { definitionProblems } from './validate-definition.js';

const UNITS = ['kenko', 'zaimu', 'kyoiku'] as const;

/** Guard outcomes for one step: a guard named here vetoes with that reason, the others pass. */
type Outcomes = Partial<Record<string, string>>;

interface Step {
  action: string;
  grants: Array<[role: string, unit: string]>;
  inputs: Record<string, unknown>;
  outcomes: Outcomes;
}

interface Universe {
  definition: WorkflowDefinition;
  guards: readonly string[];
  roles: readonly string[];
  inputs: readonly string[];
}

const ABSENT = Symbol('absent');

/** Mostly usable values, so that decisions get past the input check often enough to matter. */
const INPUT_VALUE = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom<unknown>('理由', 'ok', 42) },
  { weight: 1, arbitrary: fc.constantFrom<unknown>(ABSENT, null, '', '   ', undefined) },
);

/**
 * Steps for a subject on `unitId`. Grants lean towards that unit and guards towards passing:
 * uniform choices would make acceptance so rare that the properties about accepted decisions
 * would hardly ever be exercised.
 */
function stepArbitrary(u: Universe, unitId: string): fc.Arbitrary<Step> {
  const actions = [...new Set(u.definition.transitions.map((t) => t.action)), 'no_such_action'];
  const roles = [...u.roles, 'viewer'];
  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.constant(unitId) },
    { weight: 2, arbitrary: fc.constantFrom(...UNITS) },
  );
  const outcome = (name: string) =>
    fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constant(`${name} vetoes`) });
  return fc.record({
    action: fc.constantFrom(...actions),
    grants: fc.array(fc.tuple(fc.constantFrom(...roles), unit), { maxLength: 6 }),
    inputs: fc
      .record(Object.fromEntries(u.inputs.map((name) => [name, INPUT_VALUE])))
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ABSENT))),
    outcomes: fc
      .record(Object.fromEntries(u.guards.map((name) => [name, outcome(name)])))
      .map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== undefined)) as Outcomes),
  });
}

const given = (inputs: Record<string, unknown>, name: string) => {
  const v = inputs[name];
  return v !== undefined && v !== null && !(typeof v === 'string' && v.trim() === '');
};

/**
 * What the engine should answer, worked out from the definition directly rather than through
 * the engine's indexes, so that the two implementations check each other.
 */
function expectedOutcome(
  def: WorkflowDefinition,
  state: string,
  unitId: string,
  step: Step,
): { reason: string; transition?: TransitionDefinition } {
  if (!def.transitions.some((t) => t.action === step.action)) return { reason: 'unknown_action' };
  const matching = def.transitions.filter((t) => t.action === step.action && t.from.includes(state));
  if (matching.length === 0) return { reason: 'not_from_this_state' };
  expect(matching).toHaveLength(1);
  const [t] = matching;
  if (!t.roles.some((r) => step.grants.some(([gr, gu]) => gr === r && gu === unitId)))
    return { reason: 'not_allowed', transition: t };
  if (!(t.requires ?? []).every((name) => given(step.inputs, name))) return { reason: 'missing_input', transition: t };
  if ((t.guards ?? []).some((g) => step.outcomes[g] !== undefined)) return { reason: 'guard', transition: t };
  return { reason: 'accepted', transition: t };
}

function runProperty(u: Universe, numRuns: number): { accepted: number; decided: number; taken: Set<string> } {
  const tally = { accepted: 0, decided: 0, taken: new Set<string>() };
  const stateNames = u.definition.states.map((s) => s.name);
  const guards: Record<string, Guard<Outcomes>> = Object.fromEntries(
    u.guards.map((g) => [g, (o: Outcomes) => o[g] ?? null]),
  );
  const engine = new WorkflowEngine<Outcomes>(u.definition, guards);

  fc.assert(
    fc.property(
      // Mostly from the start, so that runs travel far; sometimes from anywhere, to reach every state.
      fc.oneof(
        { weight: 2, arbitrary: fc.constant(u.definition.initial) },
        { weight: 1, arbitrary: fc.constantFrom(...stateNames) },
      ),
      fc
        .constantFrom(...UNITS)
        .chain((unitId) =>
          fc.tuple(
            fc.constant(unitId),
            fc.array(stepArbitrary(u, unitId), { minLength: 1, maxLength: 30, size: 'max' }),
          ),
        ),
      (start, [unitId, steps]) => {
        const subject = { state: start, unitId };
        for (const step of steps) {
          const before = subject.state;
          const holder = {
            holds: (role: string, unit: string) => step.grants.some(([r, un]) => r === role && un === unit),
          };
          const decision: Decision = engine.decide(subject, holder, step.action, step.inputs, step.outcomes);
          const expected = expectedOutcome(u.definition, before, unitId, step);
          tally.decided++;

          if (decision.ok) {
            tally.accepted++;
            tally.taken.add(`${step.action}:${before}`);
            expect(expected.reason).toBe('accepted');
            const t = expected.transition!;
            expect(decision.transition).toEqual(t);
            expect(decision.to).toBe(t.to);
            expect(decision.from).toBe(before);
            expect(decision.effects).toEqual(t.effects ?? []);
            expect(t.from).toContain(decision.from);
            expect(t.roles.some((r) => holder.holds(r, unitId))).toBe(true);
            for (const name of t.requires ?? []) expect(given(step.inputs, name)).toBe(true);
            expect(engine.isFinal(before)).toBe(false);
            subject.state = decision.to;
          } else {
            expect(decision.reason).toBe(expected.reason);
            if (decision.reason === 'guard') expect(step.outcomes[decision.guard!]).toBe(decision.detail);
          }

          expect(stateNames).toContain(subject.state);
          if (engine.isFinal(before)) expect(subject.state).toBe(before);
        }
      },
    ),
    { numRuns },
  );
  return tally;
}

describe('WorkflowEngine properties on the reform-proposal definition', () => {
  it('keeps a record in its states, never leaves a final state, and accepts only what the table allows', () => {
    const tally = runProperty(
      {
        definition: REFORM_PROPOSAL,
        guards: PROPOSAL_GUARDS,
        roles: ['secretariat', 'bureau_editor', 'bureau_approver', 'committee_reviewer', 'hq_member'],
        inputs: ['comment', 'targetProposalId'],
      },
      1000,
    );
    // Without these the property could pass by refusing (nearly) everything. A run accepts
    // about 5% of its decisions and takes all 20 (action, from-state) pairs of the table.
    expect(tally.accepted).toBeGreaterThan(tally.decided / 100);
    expect(tally.taken.size).toBeGreaterThanOrEqual(15);
  });
});

// Random valid definitions

const ROLE_POOL = ['r_one', 'r_two', 'r_three'] as const;
const GUARD_POOL = ['gAlpha', 'gBeta'] as const;
const INPUT_POOL = ['comment', 'targetId'] as const;
const ACTION_POOL = ['go', 'send', 'back', 'stop'] as const;

interface EdgeMaterial {
  action: string;
  roles: string[];
  guards: string[];
  requires: string[];
  effects: string[];
}

const edge = fc.record({
  from: fc.nat(),
  alsoFrom: fc.option(fc.nat(), { nil: undefined }),
  to: fc.nat(),
  action: fc.constantFrom(...ACTION_POOL),
  roles: fc.subarray([...ROLE_POOL], { minLength: 1 }),
  guards: fc.subarray([...GUARD_POOL]),
  requires: fc.subarray([...INPUT_POOL]),
  effects: fc.subarray(['notifySomeone', 'recordHistory']),
});

/**
 * Builds a valid definition from random material: a spanning tree from the initial state makes
 * every state reachable, extra edges add loops and shortcuts, and a way out is added to any
 * non-final state left without one. Actions are renamed where they would be ambiguous.
 */
const randomDefinition: fc.Arbitrary<WorkflowDefinition> = fc
  .record({
    size: fc.integer({ min: 2, max: 8 }),
    finals: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    tree: fc.array(fc.record({ parent: fc.nat(), e: edge }), { minLength: 8, maxLength: 8 }),
    extra: fc.array(edge, { maxLength: 12 }),
  })
  .map(({ size, finals, tree, extra }) => {
    const names = Array.from({ length: size }, (_, i) => `s${i}`);
    const isFinal = (i: number) => i > 0 && finals[i];
    const transitions: TransitionDefinition[] = [];
    const used = new Set<string>();
    const freeAction = (from: number[], wanted: string) => {
      const candidates = [wanted, ...ACTION_POOL, ...Array.from({ length: 20 }, (_, k) => `act_${k}`)];
      return candidates.find((a) => from.every((f) => !used.has(`${a}:${f}`)))!;
    };
    const add = (from: number[], to: number, e: EdgeMaterial) => {
      const froms = [...new Set(from)].filter((f) => !isFinal(f));
      if (froms.length === 0) return;
      const action = freeAction(froms, e.action);
      for (const f of froms) used.add(`${action}:${f}`);
      const t: TransitionDefinition = { action, from: froms.map((f) => names[f]), to: names[to], roles: e.roles };
      if (e.guards.length > 0) t.guards = e.guards;
      if (e.requires.length > 0) t.requires = e.requires;
      if (e.effects.length > 0) t.effects = e.effects;
      transitions.push(t);
    };

    for (let i = 1; i < size; i++) {
      const candidates = names.map((_, j) => j).filter((j) => j < i && !isFinal(j));
      add([candidates[tree[i].parent % candidates.length]], i, tree[i].e);
    }
    for (const e of extra) {
      const from = [e.from % size, ...(e.alsoFrom === undefined ? [] : [e.alsoFrom % size])];
      add(from, e.to % size, e);
    }
    for (let i = 0; i < size; i++) {
      const leaves = transitions.some((t) => t.from.includes(names[i]) && t.to !== names[i]);
      if (!isFinal(i) && !leaves) add([i], i === 0 ? 1 : 0, tree[0].e);
    }

    return {
      name: 'random',
      initial: 's0',
      states: names.map((name, i) => ({
        name,
        label: { ja: `状態${i}`, en: `State ${i}` },
        ...(isFinal(i) ? { final: true } : {}),
      })),
      transitions,
    };
  });

describe('WorkflowEngine properties on random valid definitions', () => {
  it('generates definitions the validator accepts', () => {
    fc.assert(
      fc.property(randomDefinition, (def) => {
        expect(definitionProblems(def, { guards: GUARD_POOL, effects: ['notifySomeone', 'recordHistory'] })).toEqual(
          [],
        );
      }),
      { numRuns: 300 },
    );
  });

  it('holds the same properties on each of them', () => {
    let accepted = 0;
    let decided = 0;
    fc.assert(
      fc.property(randomDefinition, (def) => {
        const tally = runProperty({ definition: def, guards: GUARD_POOL, roles: ROLE_POOL, inputs: INPUT_POOL }, 5);
        accepted += tally.accepted;
        decided += tally.decided;
      }),
      { numRuns: 60 },
    );
    expect(accepted).toBeGreaterThan(decided / 100);
  });
});
