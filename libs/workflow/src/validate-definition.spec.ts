import { describe, expect, it } from '@jest/globals';
import type { WorkflowDefinition } from './definition.js';
import {
  INQUIRY,
  INQUIRY_GUARDS,
  INQUIRY_HOOKS,
  INQUIRY_TAGS,
  PROGRESS_REPORT,
  PROGRESS_REPORT_HOOKS,
  PROGRESS_REPORT_TAGS,
  PROPOSAL_GUARDS,
  PROPOSAL_HOOKS,
  PROPOSAL_TAGS,
  REFORM_PROPOSAL,
  SHIPPED_DEFINITIONS,
  WORKFLOW_EFFECTS,
} from './definitions/index.js';
import {
  assertValidDefinition,
  definitionProblems,
  parseDefinition,
  WorkflowDefinitionError,
  type DefinitionRegistries,
} from './validate-definition.js';

const registries = {
  guards: [...PROPOSAL_GUARDS, ...INQUIRY_GUARDS],
  effects: WORKFLOW_EFFECTS,
  hooks: [...PROPOSAL_HOOKS, ...INQUIRY_HOOKS, ...PROGRESS_REPORT_HOOKS],
  tags: [...PROPOSAL_TAGS, ...INQUIRY_TAGS, ...PROGRESS_REPORT_TAGS],
};

/** draft → open → done, the smallest sound definition; each test breaks one thing in a copy. */
function small(): WorkflowDefinition {
  return {
    name: 'small',
    initial: 'draft',
    states: [
      { name: 'draft', label: { ja: '作成中', en: 'Drafting' } },
      { name: 'open', label: { ja: '受付中', en: 'Open' } },
      { name: 'done', label: { ja: '完了', en: 'Done' }, final: true },
    ],
    transitions: [
      { action: 'open', from: ['draft'], to: 'open', roles: ['secretariat'], guards: ['g'], effects: ['e'] },
      { action: 'finish', from: ['open'], to: 'done', roles: ['secretariat'], requires: ['comment'] },
    ],
  };
}

function problemsOf(
  change: (d: WorkflowDefinition) => void,
  reg: DefinitionRegistries = { guards: ['g'], effects: ['e'] },
): string[] {
  const d = small();
  change(d);
  return definitionProblems(d, reg);
}

describe('definitionProblems', () => {
  it('finds nothing wrong with the shipped definitions', () => {
    expect(SHIPPED_DEFINITIONS.map((d) => d.name)).toEqual(['reform-proposal', 'inquiry', 'progress-report']);
    for (const d of SHIPPED_DEFINITIONS) expect(definitionProblems(d, registries)).toEqual([]);
  });

  it('registers every guard and effect the shipped definitions use, and no unused one', () => {
    const used = (d: WorkflowDefinition, k: 'guards' | 'effects') => new Set(d.transitions.flatMap((t) => t[k] ?? []));
    expect([...used(REFORM_PROPOSAL, 'guards')].sort()).toEqual([...PROPOSAL_GUARDS].sort());
    expect([...used(INQUIRY, 'guards')]).toEqual([...INQUIRY_GUARDS]);
    const hooks = (d: WorkflowDefinition) => [...new Set(d.transitions.flatMap((t) => t.hooks ?? []))].sort();
    expect(hooks(REFORM_PROPOSAL)).toEqual([...PROPOSAL_HOOKS].sort());
    expect(hooks(INQUIRY)).toEqual([...INQUIRY_HOOKS].sort());
    expect(hooks(PROGRESS_REPORT)).toEqual([...PROGRESS_REPORT_HOOKS].sort());
    expect(used(PROGRESS_REPORT, 'guards').size).toBe(0);
    const effects = new Set(SHIPPED_DEFINITIONS.flatMap((d) => [...used(d, 'effects')]));
    expect([...effects].sort()).toEqual([...WORKFLOW_EFFECTS].sort());
  });

  it('finds nothing wrong with the small definition the other cases break', () => {
    expect(problemsOf(() => undefined)).toEqual([]);
  });

  it('names an empty state name and a duplicate state', () => {
    const problems = problemsOf((d) => {
      d.states.push({ name: '', label: { ja: 'x', en: 'x' } }, { name: 'open', label: { ja: 'x', en: 'x' } });
    });
    expect(problems).toContain('states[3] has an empty name');
    expect(problems).toContain('state "open" is defined more than once');
  });

  it('names an unknown initial state', () => {
    expect(problemsOf((d) => (d.initial = 'start'))).toEqual(['initial state "start" is not one of the states']);
  });

  it('names a transition from or to an unknown state', () => {
    const problems = problemsOf((d) => {
      d.transitions[0].from = ['draft', 'ghost'];
      d.transitions[1].to = 'nowhere';
    });
    expect(problems).toContain('transitions[0] ("open") starts from unknown state "ghost"');
    expect(problems).toContain('transitions[1] ("finish") leads to unknown state "nowhere"');
  });

  it('names an unreachable state', () => {
    const problems = problemsOf((d) => {
      d.states.push({ name: 'limbo', label: { ja: '宙', en: 'Limbo' } });
      d.transitions.push({ action: 'leave', from: ['limbo'], to: 'done', roles: ['secretariat'] });
    });
    expect(problems).toEqual(['state "limbo" cannot be reached from the initial state "draft"']);
  });

  it('names a non-final state with no way out, even if it loops back to itself', () => {
    expect(problemsOf((d) => d.transitions.pop())).toEqual(
      expect.arrayContaining(['state "open" is not final but no transition leads out of it']),
    );
    const looping = problemsOf((d) => (d.transitions[1].to = 'open'));
    expect(looping).toContain('state "open" is not final but no transition leads out of it');
  });

  it('names a final state with an outgoing transition', () => {
    const problems = problemsOf((d) =>
      d.transitions.push({ action: 'reopen', from: ['done'], to: 'open', roles: ['secretariat'] }),
    );
    expect(problems).toEqual(['final state "done" has an outgoing transition transitions[2] ("reopen")']);
  });

  it('names two transitions with the same action from the same state', () => {
    const problems = problemsOf((d) =>
      d.transitions.push({ action: 'open', from: ['open', 'draft'], to: 'done', roles: ['secretariat'] }),
    );
    expect(problems).toEqual([
      'transitions[0] ("open") and transitions[2] ("open") are ambiguous: both define action "open" from state "draft"',
    ]);
  });

  it('allows one action from different states', () => {
    expect(
      problemsOf((d) => d.transitions.push({ action: 'open', from: ['open'], to: 'done', roles: ['secretariat'] })),
    ).toEqual([]);
  });

  it('names a transition with no roles or no from-states', () => {
    const problems = problemsOf((d) => {
      d.transitions[0].roles = [];
      d.transitions[1].from = [];
    });
    expect(problems).toContain('transitions[0] ("open") names no roles, so nobody could take it');
    expect(problems).toContain('transitions[1] ("finish") has an empty from list');
  });

  it('names guards and effects missing from the registries, and checks nothing without them', () => {
    const broken = (d: WorkflowDefinition) => {
      d.transitions[1].guards = ['councilMeeting'];
      d.transitions[1].effects = ['notifyEveryone'];
    };
    expect(problemsOf(broken)).toEqual([
      'transitions[1] ("finish") uses guard "councilMeeting", which is not registered',
      'transitions[1] ("finish") uses effect "notifyEveryone", which is not registered',
    ]);
    expect(problemsOf(broken, {})).toEqual([]);
  });

  it('names invalid state, action, role and input names', () => {
    const problems = problemsOf((d) => {
      d.states[1].name = 'Open';
      d.transitions[0].to = 'Open';
      d.transitions[1].from = ['Open'];
      d.transitions[1].action = 'finish-now';
      d.transitions[1].roles = ['Secretariat'];
      d.transitions[1].requires = ['target_id'];
    });
    expect(problems).toEqual([
      'state "Open" has an invalid name (must match /^[a-z][a-z0-9_]*$/)',
      'transitions[1] ("finish-now") has an invalid action name (must match /^[a-z][a-z0-9_]*$/)',
      'transitions[1] ("finish-now") names an invalid role "Secretariat" (must match /^[a-z][a-z0-9_]*$/)',
      'transitions[1] ("finish-now") requires an invalid input name "target_id" (must match /^[a-zA-Z][a-zA-Z0-9]*$/)',
    ]);
  });

  it('names blank labels', () => {
    const problems = problemsOf((d) => {
      d.states[0].label.en = ' ';
      d.transitions[0].label = { ja: '', en: 'Open' };
    });
    expect(problems).toEqual([
      'state "draft" needs both a Japanese and an English label',
      'transitions[0] ("open") has a label without both a Japanese and an English text',
    ]);
  });

  it('reports every problem at once', () => {
    const problems = problemsOf((d) => {
      d.initial = 'start';
      d.transitions[0].roles = [];
      d.transitions[1].guards = ['nope'];
    });
    expect(problems).toHaveLength(3);
  });
});

describe('assertValidDefinition', () => {
  it('throws WorkflowDefinitionError carrying the problems', () => {
    const d = small();
    d.initial = 'start';
    let error: unknown;
    try {
      assertValidDefinition(d, { guards: ['g'] });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(WorkflowDefinitionError);
    expect((error as WorkflowDefinitionError).problems).toEqual(['initial state "start" is not one of the states']);
    expect((error as Error).message).toMatch(/"small".*initial state "start"/);
  });

  it('is quiet for a valid definition', () => {
    expect(() => assertValidDefinition(REFORM_PROPOSAL, registries)).not.toThrow();
  });
});

describe('parseDefinition', () => {
  const json = () => JSON.parse(JSON.stringify(REFORM_PROPOSAL)) as unknown;
  /** Breaks a copy on purpose: sets (or, with no value given, deletes) the field at `path` (`states.3.label.ja`). */
  const put = (doc: unknown, path: string, ...value: [unknown?]) => {
    const keys = path.split('.');
    const last = keys.pop()!;
    const parent = keys.reduce((node, key) => (node as Record<string, unknown>)[key], doc) as Record<string, unknown>;
    if (value.length === 0) delete parent[last];
    else parent[last] = value[0];
  };

  function parseProblems(value: unknown): string[] {
    try {
      parseDefinition(value);
    } catch (e) {
      expect(e).toBeInstanceOf(WorkflowDefinitionError);
      return (e as WorkflowDefinitionError).problems;
    }
    throw new Error('parseDefinition accepted it');
  }

  it('returns an equal but separate value for every shipped definition', () => {
    for (const d of SHIPPED_DEFINITIONS) {
      const parsed = parseDefinition(JSON.parse(JSON.stringify(d)));
      expect(parsed).toEqual(d);
      expect(parsed).not.toBe(d);
    }
  });

  it('names the path of a wrongly typed field', () => {
    const d = json();
    put(d, 'transitions.2.roles', 'secretariat');
    expect(parseProblems(d)).toEqual(['transitions[2].roles: must be an array of strings, got a string']);
  });

  it('names every bad field, deep inside too', () => {
    const d = json();
    put(d, 'name', 7);
    put(d, 'version', 1.5);
    put(d, 'initial');
    put(d, 'states.3.label.ja', null);
    put(d, 'states.6.final', 'yes');
    put(d, 'transitions.0.from', ['draft', 3]);
    put(d, 'transitions.4.guards', null);
    put(d, 'transitions.5', 'approve');
    expect(parseProblems(d)).toEqual([
      'name: must be a string, got a number',
      'initial: must be a string, got nothing',
      'version: must be a whole number, got a number',
      'states[3].label.ja: must be a string, got null',
      'states[6].final: must be true or false, got a string',
      'transitions[0].from[1]: must be a string, got a number',
      'transitions[4].guards: must be an array of strings, got null',
      'transitions[5]: must be an object, got a string',
    ]);
  });

  it('refuses unknown fields, so that a misspelt one is not silently ignored', () => {
    const d = json();
    put(d, 'transitions.0.guard', ['inquiryOpen']);
    put(d, 'owner', 'me');
    expect(parseProblems(d)).toEqual(['definition.owner: unknown field', 'transitions[0].guard: unknown field']);
  });

  it('refuses something that is not an object at all', () => {
    expect(parseProblems('{"name":"x"}')).toEqual(['definition: must be an object, got a string']);
    expect(parseProblems(null)).toEqual(['definition: must be an object, got null']);
    expect(parseProblems([])).toEqual(['definition: must be an object, got an array']);
  });

  it('refuses missing arrays and oversized input', () => {
    expect(parseProblems({ name: 'x', initial: 'a' })).toEqual([
      'states: must be an array, got nothing',
      'transitions: must be an array, got nothing',
    ]);
    const d = json();
    put(d, 'states.0.label.en', 'x'.repeat(1000));
    expect(parseProblems(d)).toEqual(['states[0].label.en: must be at most 200 characters']);
  });

  it('checks shape only: a well-shaped but inconsistent definition is left to definitionProblems', () => {
    const d = json();
    put(d, 'initial', 'nowhere');
    const parsed = parseDefinition(d);
    expect(definitionProblems(parsed, registries)).toContain('initial state "nowhere" is not one of the states');
  });
});

describe('state tags and transition hooks', () => {
  const vocabulary: DefinitionRegistries = { guards: ['g'], effects: ['e'], hooks: ['createThing'], tags: ['decided'] };

  it('accepts known tags and hooks, and names an unknown one', () => {
    expect(
      problemsOf((d) => ((d.states[2].tags = ['decided']), (d.transitions[1].hooks = ['createThing'])), vocabulary),
    ).toEqual([]);
    expect(problemsOf((d) => (d.transitions[1].hooks = ['createThnig']), vocabulary)).toEqual([
      'transitions[1] ("finish") uses hook "createThnig", which is not registered',
    ]);
    expect(problemsOf((d) => (d.states[1].tags = ['decidde', 'decided', 'decided']), vocabulary)).toEqual([
      'state "open" has tag "decidde", which is not known',
      'state "open" lists tag "decided" twice',
    ]);
    expect(problemsOf((d) => (d.states[1].tags = ['Not A Tag']), vocabulary)).toEqual([
      `state "open" has an invalid tag "Not A Tag" (must match ${/^[a-z][a-z0-9_]*$/})`,
    ]);
  });

  it('reads tags and hooks from posted JSON, and refuses them in the wrong shape', () => {
    const posted = { ...small(), states: small().states.map((s) => ({ ...s, tags: s.final ? ['decided'] : [] })) };
    posted.transitions[1].hooks = ['createThing'];
    const parsed = parseDefinition(JSON.parse(JSON.stringify(posted)));
    expect(parsed.states[2].tags).toEqual(['decided']);
    expect(parsed.transitions[1].hooks).toEqual(['createThing']);
    expect(() =>
      parseDefinition({ ...posted, transitions: [{ ...posted.transitions[0], hooks: 'createThing' }] }),
    ).toThrow(/transitions\[0\]\.hooks: must be an array of strings/);
  });
});
