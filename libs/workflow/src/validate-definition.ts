import {
  CONDITION_OPERATORS,
  INPUT_NAME_PATTERN,
  NAME_PATTERN,
  type ConditionDefinition,
  type DelegationDefinition,
  type Label,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from './definition.js';

/** The names the application can resolve. A registry left out is not checked. */
export interface DefinitionRegistries {
  guards?: readonly string[];
  effects?: readonly string[];
  hooks?: readonly string[];
  tags?: readonly string[];
  /** Roles a delegation (専決) may name. */
  roles?: readonly string[];
  /** Fields of the record a delegation's condition may test, with their kind. */
  fields?: Readonly<Record<string, ConditionFieldKind>>;
}

export type ConditionFieldKind = 'number' | 'string';

const ORDERING_OPERATORS: readonly string[] = ['lt', 'lte', 'gt', 'gte'];

/** Everything wrong with one delegation (専決) of a transition, each finding naming the role, field or operator. */
function delegationProblems(
  d: DelegationDefinition,
  w: string,
  t: TransitionDefinition,
  registries: DefinitionRegistries,
): string[] {
  const problems: string[] = [];
  if (d.roles.length === 0) problems.push(`${w} names no roles`);
  for (const r of d.roles) {
    if (!NAME_PATTERN.test(r)) problems.push(`${w} names an invalid role "${r}" (must match ${NAME_PATTERN})`);
    else if (registries.roles && !registries.roles.includes(r))
      problems.push(`${w} names role "${r}", which is not known`);
    else if (t.roles.includes(r)) problems.push(`${w} names role "${r}", which takes the transition anyway`);
  }
  // A delegation without a condition would simply be another role of the transition.
  if (d.when.length === 0) problems.push(`${w} has no condition (when)`);
  d.when.forEach((c, k) => problems.push(...conditionProblems(c, `${w}.when[${k}]`, registries)));
  if (d.label && labelIsBlank(d.label)) problems.push(`${w} has a label without both a Japanese and an English text`);
  return problems;
}

function conditionProblems(c: ConditionDefinition, w: string, registries: DefinitionRegistries): string[] {
  const problems: string[] = [];
  const kind = registries.fields
    ? Object.hasOwn(registries.fields, c.field)
      ? registries.fields[c.field]
      : undefined
    : 'any';
  if (kind === undefined) problems.push(`${w} tests field "${c.field}", which is not known`);
  if (!(CONDITION_OPERATORS as readonly string[]).includes(c.operator)) {
    problems.push(`${w} uses operator "${c.operator}", which is not known (one of ${CONDITION_OPERATORS.join(', ')})`);
    return problems;
  }
  const values = c.operator === 'in' ? c.value : [c.value];
  if (!Array.isArray(values) || values.length === 0) {
    problems.push(`${w} needs ${c.operator === 'in' ? 'a non-empty list of values' : 'a single value, not a list'}`);
    return problems;
  }
  if (kind === 'string' && ORDERING_OPERATORS.includes(c.operator))
    problems.push(`${w} orders the text field "${c.field}" with "${c.operator}"`);
  if (kind === 'number' || kind === 'string') {
    const wrong = values.filter((v) => typeof v !== kind);
    if (wrong.length > 0)
      problems.push(
        `${w} compares the ${kind} field "${c.field}" with ${wrong.map((v) => JSON.stringify(v)).join(', ')}`,
      );
  }
  return problems;
}

/** A definition that is malformed or inconsistent; `problems` lists every finding, one sentence each. */
export class WorkflowDefinitionError extends Error {
  constructor(
    readonly problems: string[],
    summary = 'Invalid workflow definition',
  ) {
    super(`${summary}: ${problems.join('; ')}`);
    this.name = new.target.name;
  }
}

const where = (t: TransitionDefinition, i: number) => `transitions[${i}] ("${t.action}")`;

const blank = (s: string) => s.trim() === '';

/**
 * Everything wrong with a definition, or an empty list. It reports all findings rather than
 * the first, so an administrator can fix a posted definition in one round.
 */
export function definitionProblems(def: WorkflowDefinition, registries: DefinitionRegistries = {}): string[] {
  const problems: string[] = [];
  const guardNames = registries.guards ? new Set(registries.guards) : undefined;
  const effectNames = registries.effects ? new Set(registries.effects) : undefined;
  const hookNames = registries.hooks ? new Set(registries.hooks) : undefined;
  const tagNames = registries.tags ? new Set(registries.tags) : undefined;

  if (blank(def.name)) problems.push('the definition has no name');
  if (def.version !== undefined && !(Number.isInteger(def.version) && def.version >= 1)) {
    problems.push(`version ${def.version} is not a positive whole number`);
  }

  // States
  if (def.states.length === 0) problems.push('the definition has no states');
  const states = new Map<string, StateDefinition>();
  const reportedTwice = new Set<string>();
  def.states.forEach((s, i) => {
    if (s.name === '') {
      problems.push(`states[${i}] has an empty name`);
      return;
    }
    if (!NAME_PATTERN.test(s.name)) problems.push(`state "${s.name}" has an invalid name (must match ${NAME_PATTERN})`);
    if (states.has(s.name)) {
      if (!reportedTwice.has(s.name)) problems.push(`state "${s.name}" is defined more than once`);
      reportedTwice.add(s.name);
    } else {
      states.set(s.name, s);
    }
    if (labelIsBlank(s.label)) problems.push(`state "${s.name}" needs both a Japanese and an English label`);
    const tagSeen = new Set<string>();
    for (const tag of s.tags ?? []) {
      if (!NAME_PATTERN.test(tag))
        problems.push(`state "${s.name}" has an invalid tag "${tag}" (must match ${NAME_PATTERN})`);
      else if (tagNames && !tagNames.has(tag)) problems.push(`state "${s.name}" has tag "${tag}", which is not known`);
      if (tagSeen.has(tag)) problems.push(`state "${s.name}" lists tag "${tag}" twice`);
      tagSeen.add(tag);
    }
  });
  const initialKnown = states.has(def.initial);
  if (!initialKnown) problems.push(`initial state "${def.initial}" is not one of the states`);

  // Transitions, one at a time
  def.transitions.forEach((t, i) => {
    const w = where(t, i);
    if (!NAME_PATTERN.test(t.action)) problems.push(`${w} has an invalid action name (must match ${NAME_PATTERN})`);
    if (t.from.length === 0) problems.push(`${w} has an empty from list`);
    const fromSeen = new Set<string>();
    for (const f of t.from) {
      if (!states.has(f)) problems.push(`${w} starts from unknown state "${f}"`);
      if (fromSeen.has(f)) problems.push(`${w} lists from-state "${f}" twice`);
      fromSeen.add(f);
    }
    if (!states.has(t.to)) problems.push(`${w} leads to unknown state "${t.to}"`);
    if (t.roles.length === 0) problems.push(`${w} names no roles, so nobody could take it`);
    for (const r of t.roles) {
      if (!NAME_PATTERN.test(r)) problems.push(`${w} names an invalid role "${r}" (must match ${NAME_PATTERN})`);
    }
    for (const q of t.requires ?? []) {
      if (!INPUT_NAME_PATTERN.test(q))
        problems.push(`${w} requires an invalid input name "${q}" (must match ${INPUT_NAME_PATTERN})`);
    }
    for (const g of t.guards ?? []) {
      if (blank(g)) problems.push(`${w} names a guard with an empty name`);
      else if (guardNames && !guardNames.has(g)) problems.push(`${w} uses guard "${g}", which is not registered`);
    }
    for (const e of t.effects ?? []) {
      if (blank(e)) problems.push(`${w} names an effect with an empty name`);
      else if (effectNames && !effectNames.has(e)) problems.push(`${w} uses effect "${e}", which is not registered`);
    }
    for (const h of t.hooks ?? []) {
      if (blank(h)) problems.push(`${w} names a hook with an empty name`);
      else if (hookNames && !hookNames.has(h)) problems.push(`${w} uses hook "${h}", which is not registered`);
    }
    if (t.label && labelIsBlank(t.label)) problems.push(`${w} has a label without both a Japanese and an English text`);
    (t.delegations ?? []).forEach((d, j) =>
      problems.push(...delegationProblems(d, `${w}.delegations[${j}]`, t, registries)),
    );
  });

  // The same action from the same state must lead to one place only, or a decision would be a guess.
  const firstByActionFrom = new Map<string, number>();
  def.transitions.forEach((t, i) => {
    for (const f of new Set(t.from)) {
      const key = `${t.action}\u0000${f}`;
      const first = firstByActionFrom.get(key);
      if (first === undefined) firstByActionFrom.set(key, i);
      else
        problems.push(
          `${where(def.transitions[first], first)} and ${where(t, i)} are ambiguous: both define action "${t.action}" from state "${f}"`,
        );
    }
  });

  // Final states end the record's life.
  def.transitions.forEach((t, i) => {
    for (const f of new Set(t.from)) {
      if (states.get(f)?.final) problems.push(`final state "${f}" has an outgoing transition ${where(t, i)}`);
    }
  });

  // A non-final state that only loops back to itself is as stuck as one with no transition at all.
  for (const s of states.values()) {
    if (s.final) continue;
    const leaves = def.transitions.some((t) => t.from.includes(s.name) && t.to !== s.name);
    if (!leaves) problems.push(`state "${s.name}" is not final but no transition leads out of it`);
  }

  // Reachability means nothing without a known starting point, so it is skipped then.
  if (initialKnown) {
    const reached = new Set<string>([def.initial]);
    const queue = [def.initial];
    while (queue.length > 0) {
      const current = queue.shift()!;
      for (const t of def.transitions) {
        if (t.from.includes(current) && states.has(t.to) && !reached.has(t.to)) {
          reached.add(t.to);
          queue.push(t.to);
        }
      }
    }
    for (const s of states.keys()) {
      if (!reached.has(s)) problems.push(`state "${s}" cannot be reached from the initial state "${def.initial}"`);
    }
  }

  return problems;
}

export function assertValidDefinition(def: WorkflowDefinition, registries: DefinitionRegistries = {}): void {
  const problems = definitionProblems(def, registries);
  if (problems.length > 0) throw new WorkflowDefinitionError(problems, `Invalid workflow definition "${def.name}"`);
}

function labelIsBlank(label: Label): boolean {
  return blank(label.ja) || blank(label.en);
}

// Shape checking of untrusted JSON

/**
 * Generous bounds on what an administrator may post. They keep a hostile or mistaken upload
 * from making validation, diagrams or screens unreasonably large; no real workflow comes close.
 */
export const DEFINITION_LIMITS = {
  states: 100,
  transitions: 500,
  listEntries: 50,
  stringLength: 200,
} as const;

type Json = Record<string, unknown>;

class ShapeReader {
  readonly problems: string[] = [];

  object(value: unknown, path: string, known: readonly string[]): Json | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      this.problems.push(`${path}: must be an object, got ${kindOf(value)}`);
      return undefined;
    }
    // Unknown fields are refused rather than dropped: a misspelt "guard" silently ignored would
    // remove a check the administrator meant to add.
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.problems.push(`${path}.${key}: unknown field`);
    }
    return value as Json;
  }

  string(value: unknown, path: string): string {
    if (typeof value !== 'string') {
      this.problems.push(`${path}: must be a string, got ${kindOf(value)}`);
      return '';
    }
    if (value.length > DEFINITION_LIMITS.stringLength) {
      this.problems.push(`${path}: must be at most ${DEFINITION_LIMITS.stringLength} characters`);
    }
    return value;
  }

  array(value: unknown, path: string, limit: number): unknown[] {
    if (!Array.isArray(value)) {
      this.problems.push(`${path}: must be an array, got ${kindOf(value)}`);
      return [];
    }
    if (value.length > limit) {
      this.problems.push(`${path}: must have at most ${limit} entries`);
      return [];
    }
    return value;
  }

  strings(value: unknown, path: string): string[] {
    if (!Array.isArray(value)) {
      this.problems.push(`${path}: must be an array of strings, got ${kindOf(value)}`);
      return [];
    }
    return this.array(value, path, DEFINITION_LIMITS.listEntries).map((v, i) => this.string(v, `${path}[${i}]`));
  }

  /** A condition's value: a number, a string, or a list of them (for `in`). */
  conditionValue(value: unknown, path: string): ConditionDefinition['value'] {
    const scalar = (v: unknown, p: string): number | string => {
      if (typeof v === 'number' && Number.isFinite(v)) return v;
      if (typeof v === 'string') return this.string(v, p);
      this.problems.push(`${p}: must be a number or a string, got ${kindOf(v)}`);
      return '';
    };
    if (Array.isArray(value))
      return this.array(value, path, DEFINITION_LIMITS.listEntries).map((v, i) => scalar(v, `${path}[${i}]`));
    return scalar(value, path);
  }

  label(value: unknown, path: string): Label {
    const o = this.object(value, path, ['ja', 'en']);
    return { ja: this.string(o?.ja, `${path}.ja`), en: this.string(o?.en, `${path}.en`) };
  }
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

const has = (o: Json, key: string) => Object.hasOwn(o, key);

/**
 * Turns untrusted JSON (a definition posted by an administrator) into a typed definition, or
 * throws WorkflowDefinitionError naming every bad field by its path, e.g. `transitions[2].roles`.
 * It checks the shape only; run assertValidDefinition (or build an engine) for the meaning.
 * The result is a fresh value holding the known fields only.
 */
export function parseDefinition(json: unknown): WorkflowDefinition {
  const r = new ShapeReader();
  const root = r.object(json, 'definition', ['name', 'version', 'initial', 'states', 'transitions']);
  if (!root) throw new WorkflowDefinitionError(r.problems, 'The workflow definition has the wrong shape');

  const def: WorkflowDefinition = {
    name: r.string(root.name, 'name'),
    initial: r.string(root.initial, 'initial'),
    states: [],
    transitions: [],
  };
  if (has(root, 'version')) {
    if (typeof root.version !== 'number' || !Number.isInteger(root.version)) {
      r.problems.push(`version: must be a whole number, got ${kindOf(root.version)}`);
    } else {
      def.version = root.version;
    }
  }

  r.array(root.states, 'states', DEFINITION_LIMITS.states).forEach((value, i) => {
    const path = `states[${i}]`;
    const o = r.object(value, path, ['name', 'label', 'final', 'tags']);
    if (!o) return;
    const state: StateDefinition = { name: r.string(o.name, `${path}.name`), label: r.label(o.label, `${path}.label`) };
    if (has(o, 'final')) {
      if (typeof o.final !== 'boolean') r.problems.push(`${path}.final: must be true or false, got ${kindOf(o.final)}`);
      else state.final = o.final;
    }
    if (has(o, 'tags')) state.tags = r.strings(o.tags, `${path}.tags`);
    def.states.push(state);
  });

  r.array(root.transitions, 'transitions', DEFINITION_LIMITS.transitions).forEach((value, i) => {
    const path = `transitions[${i}]`;
    const o = r.object(value, path, [
      'action',
      'from',
      'to',
      'roles',
      'guards',
      'requires',
      'effects',
      'hooks',
      'delegations',
      'label',
    ]);
    if (!o) return;
    const transition: TransitionDefinition = {
      action: r.string(o.action, `${path}.action`),
      from: r.strings(o.from, `${path}.from`),
      to: r.string(o.to, `${path}.to`),
      roles: r.strings(o.roles, `${path}.roles`),
    };
    for (const key of ['guards', 'requires', 'effects', 'hooks'] as const) {
      if (has(o, key)) transition[key] = r.strings(o[key], `${path}.${key}`);
    }
    if (has(o, 'delegations'))
      transition.delegations = r
        .array(o.delegations, `${path}.delegations`, DEFINITION_LIMITS.listEntries)
        .flatMap((dv, j) => {
          const dPath = `${path}.delegations[${j}]`;
          const d = r.object(dv, dPath, ['roles', 'when', 'label']);
          if (!d) return [];
          const delegation: DelegationDefinition = {
            roles: r.strings(d.roles, `${dPath}.roles`),
            when: r.array(d.when, `${dPath}.when`, DEFINITION_LIMITS.listEntries).flatMap((cv, k) => {
              const cPath = `${dPath}.when[${k}]`;
              const c = r.object(cv, cPath, ['field', 'operator', 'value']);
              if (!c) return [];
              return [
                {
                  field: r.string(c.field, `${cPath}.field`),
                  operator: r.string(c.operator, `${cPath}.operator`) as ConditionDefinition['operator'],
                  value: r.conditionValue(c.value, `${cPath}.value`),
                },
              ];
            }),
          };
          if (has(d, 'label')) delegation.label = r.label(d.label, `${dPath}.label`);
          return [delegation];
        });
    if (has(o, 'label')) transition.label = r.label(o.label, `${path}.label`);
    def.transitions.push(transition);
  });

  if (r.problems.length > 0)
    throw new WorkflowDefinitionError(r.problems, 'The workflow definition has the wrong shape');
  return def;
}
