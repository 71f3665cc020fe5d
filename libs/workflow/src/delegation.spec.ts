import { describe, expect, it } from '@jest/globals';
import {
  PROPOSAL_FIELDS,
  PROPOSAL_GUARDS,
  REFORM_PROPOSAL,
  SMALL_PROPOSAL_AMOUNT,
  WORKFLOW_EFFECTS,
  WORKFLOW_ROLES,
} from './definitions/index.js';
import { WorkflowEngine, type Actor, type ConditionField } from './engine.js';
import { definitionProblems, parseDefinition, WorkflowDefinitionError } from './validate-definition.js';

/** The record fields a condition reads, as the proposal service supplies them. */
interface Ctx {
  amount: number | null;
  unit: string;
}

const FIELDS: Record<string, ConditionField<Ctx>> = {
  expectedAmount: { kind: 'number', read: (c) => c.amount },
  policyNumber: { kind: 'number', read: () => 1 },
  themeNumber: { kind: 'number', read: () => null },
  owningUnit: { kind: 'string', read: (c) => c.unit },
};
const guards = Object.fromEntries(PROPOSAL_GUARDS.map((g) => [g, () => null]));
const engine = () =>
  new WorkflowEngine<Ctx>(REFORM_PROPOSAL, guards, { effects: WORKFLOW_EFFECTS, roles: WORKFLOW_ROLES }, FIELDS);

const UNIT = 'kenko';
const holder = (...grants: string[]): Actor => ({ holds: (role, unit) => unit === UNIT && grants.includes(role) });
/** Someone holding nothing themselves who stands in for `absent`, who holds `roles` on the unit. */
const deputyFor = (absent: string, ...roles: string[]): Actor => ({
  holds: () => false,
  standsInFor: (role, unit) => (unit === UNIT && roles.includes(role) ? absent : undefined),
});

const small = { amount: SMALL_PROPOSAL_AMOUNT - 1, unit: UNIT };
const large = { amount: SMALL_PROPOSAL_AMOUNT, unit: UNIT };
const hq = { state: 'hq_review', unitId: UNIT };

describe('専決: delegations in the definition', () => {
  it('lets the bureau approver adopt a proposal below the amount, and says under which rule', () => {
    const decision = engine().decide(hq, holder('bureau_approver'), 'approve', {}, small);
    expect(decision).toMatchObject({
      ok: true,
      to: 'adopted',
      authority: { role: 'bureau_approver', delegation: { roles: ['bureau_approver'] } },
    });
  });

  it('refuses the bureau approver at the amount and above, and when the amount is unknown, naming the rule', () => {
    for (const ctx of [large, { amount: null, unit: UNIT }]) {
      const decision = engine().decide(hq, holder('bureau_approver'), 'approve', {}, ctx);
      expect(decision).toMatchObject({ ok: false, reason: 'not_allowed' });
      expect(decision.ok === false && decision.detail).toContain(`expectedAmount lt ${SMALL_PROPOSAL_AMOUNT}`);
    }
  });

  it('prefers the own role over a delegation: the HQ member decides as themselves', () => {
    expect(engine().decide(hq, holder('hq_member', 'bureau_approver'), 'approve', {}, small)).toMatchObject({
      ok: true,
      authority: { role: 'hq_member' },
    });
    const own = engine().decide(hq, holder('hq_member'), 'approve', {}, small);
    expect(own.ok && own.authority.delegation).toBeUndefined();
  });

  it('lists the delegated action among the available ones only while the condition holds', () => {
    const actions = (ctx: Ctx) =>
      engine()
        .availableActions(hq, holder('bureau_approver'), ctx)
        .map((a) => a.action);
    expect(actions(small)).toEqual(['approve']);
    expect(actions(large)).toEqual([]);
  });

  it('does not let the rule open other transitions from the same state (return, reject stay the HQ’s)', () => {
    expect(engine().decide(hq, holder('bureau_approver'), 'reject', { comment: '理由' }, small)).toMatchObject({
      ok: false,
      reason: 'not_allowed',
    });
  });
});

describe('代決: an actor standing in for someone', () => {
  it('takes the absent person’s step and says for whom', () => {
    const decision = engine().decide(
      { state: 'bureau_review', unitId: UNIT },
      deputyFor('u-absent', 'bureau_approver'),
      'approve',
      {},
      large,
    );
    expect(decision).toMatchObject({
      ok: true,
      to: 'submitted',
      authority: { role: 'bureau_approver', onBehalfOf: 'u-absent' },
    });
  });

  it('takes a 専決 step of the absent person as 代決 and 専決 at once', () => {
    const decision = engine().decide(hq, deputyFor('u-absent', 'bureau_approver'), 'approve', {}, small);
    expect(decision).toMatchObject({
      ok: true,
      authority: { role: 'bureau_approver', onBehalfOf: 'u-absent', delegation: {} },
    });
  });

  it('acts in their own right when they can, and is refused where the absent person could not act either', () => {
    const both: Actor = { ...deputyFor('u-absent', 'bureau_approver'), holds: (role) => role === 'bureau_approver' };
    const own = engine().decide({ state: 'bureau_review', unitId: UNIT }, both, 'approve', {}, large);
    expect(own.ok && own.authority).toEqual({ role: 'bureau_approver' });
    expect(
      engine().decide(
        { state: 'submitted', unitId: UNIT },
        deputyFor('u-absent', 'bureau_approver'),
        'approve',
        {},
        large,
      ),
    ).toMatchObject({ ok: false, reason: 'not_allowed' });
  });
});

describe('validating delegations at load', () => {
  const withDelegation = (delegation: unknown): unknown => {
    const d = structuredClone(REFORM_PROPOSAL) as unknown as { transitions: Array<Record<string, unknown>> };
    d.transitions[0].delegations = [delegation];
    return d;
  };
  const problems = (delegation: unknown) =>
    definitionProblems(parseDefinition(withDelegation(delegation)), { roles: WORKFLOW_ROLES, fields: PROPOSAL_FIELDS });

  it('accepts the shipped rule', () => {
    expect(definitionProblems(REFORM_PROPOSAL, { roles: WORKFLOW_ROLES, fields: PROPOSAL_FIELDS })).toEqual([]);
  });

  it('names an unknown role, field and operator', () => {
    expect(problems({ roles: ['kacho'], when: [{ field: 'expectedAmount', operator: 'lt', value: 5 }] })).toEqual([
      'transitions[0] ("submit").delegations[0] names role "kacho", which is not known',
    ]);
    expect(problems({ roles: ['bureau_approver'], when: [{ field: 'budget', operator: 'lt', value: 5 }] })).toEqual([
      'transitions[0] ("submit").delegations[0].when[0] tests field "budget", which is not known',
    ]);
    expect(
      problems({ roles: ['bureau_approver'], when: [{ field: 'expectedAmount', operator: 'below', value: 5 }] }),
    ).toEqual([
      'transitions[0] ("submit").delegations[0].when[0] uses operator "below", which is not known (one of lt, lte, gt, gte, eq, ne, in)',
    ]);
  });

  it('refuses a value of the wrong kind, an empty condition and a role that takes the step anyway', () => {
    expect(
      problems({ roles: ['bureau_approver'], when: [{ field: 'expectedAmount', operator: 'lt', value: '1000' }] }),
    ).toEqual([
      'transitions[0] ("submit").delegations[0].when[0] compares the number field "expectedAmount" with "1000"',
    ]);
    expect(
      problems({ roles: ['bureau_approver'], when: [{ field: 'owningUnit', operator: 'lt', value: 'kenko' }] }),
    ).toEqual(['transitions[0] ("submit").delegations[0].when[0] orders the text field "owningUnit" with "lt"']);
    expect(problems({ roles: ['bureau_editor'], when: [] })).toEqual([
      'transitions[0] ("submit").delegations[0] names role "bureau_editor", which takes the transition anyway',
      'transitions[0] ("submit").delegations[0] has no condition (when)',
    ]);
  });

  it('refuses unknown fields in the shape, naming the path', () => {
    expect(() => parseDefinition(withDelegation({ roles: ['bureau_approver'], when: [], unless: [] }))).toThrow(
      WorkflowDefinitionError,
    );
    try {
      parseDefinition(
        withDelegation({ roles: ['bureau_approver'], when: [{ field: 'owningUnit', operator: 'in', value: [true] }] }),
      );
    } catch (error) {
      expect((error as WorkflowDefinitionError).problems).toEqual([
        'transitions[0].delegations[0].when[0].value[0]: must be a number or a string, got a boolean',
      ]);
    }
  });

  it('an engine refuses a definition whose rule tests a field the application does not supply', () => {
    const def = parseDefinition(
      withDelegation({ roles: ['bureau_approver'], when: [{ field: 'budget', operator: 'lt', value: 5 }] }),
    );
    expect(() => new WorkflowEngine<Ctx>(def, guards, { roles: WORKFLOW_ROLES }, FIELDS)).toThrow(
      /tests field "budget", which is not known/,
    );
  });
});
