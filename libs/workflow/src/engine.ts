import type {
  ConditionDefinition,
  DelegationDefinition,
  Label,
  StateDefinition,
  TransitionDefinition,
  WorkflowDefinition,
} from './definition.js';
import { assertValidDefinition, type ConditionFieldKind, type DefinitionRegistries } from './validate-definition.js';

/** A named predicate over the caller's context: null lets the transition through, a string is the veto reason shown to the user. */
export type Guard<C> = (context: C) => string | null;

/** Whoever asks for a transition. */
export interface Actor {
  /** Whether the actor holds `role` on the unit `unitId` (however the application scopes roles). */
  holds(role: string, unitId: string): boolean;
  /**
   * 代決: whom the actor stands in for now when that person holds `role` on `unitId` (an
   * application's key for them), or undefined. Asked only when the actor's own roles do not allow.
   */
  standsInFor?(role: string, unitId: string): string | undefined;
}

/** A field of the record that a delegation's condition may test, read from the decision's context. */
export interface ConditionField<C> {
  kind: ConditionFieldKind;
  read(context: C): number | string | null | undefined;
}

/** Why the actor may take a transition: their own role, a 専決 rule, and/or standing in for someone (代決). */
export interface Authority {
  role: string;
  /** 専決: the transition's delegation under which the (lower) role took it. */
  delegation?: DelegationDefinition;
  /** 代決: the key `Actor.standsInFor` answered for the absent person. */
  onBehalfOf?: string;
}

/** The record moving through the workflow. */
export interface Subject {
  state: string;
  unitId: string;
}

export type RefusalReason = 'unknown_action' | 'not_from_this_state' | 'not_allowed' | 'guard' | 'missing_input';

export interface Accepted {
  ok: true;
  transition: TransitionDefinition;
  from: string;
  to: string;
  /** Effect names for the caller to run once the new state has been committed. */
  effects: string[];
  /** Hook names for the caller to run inside the transition's transaction, in this order. */
  hooks: string[];
  authority: Authority;
}

export interface Refused {
  ok: false;
  reason: RefusalReason;
  detail: string;
  /** The required inputs that were absent or blank (reason `missing_input`). */
  missing?: string[];
  /** The guard that vetoed (reason `guard`). */
  guard?: string;
}

export type Decision = Accepted | Refused;

export interface AvailableAction {
  action: string;
  to: string;
  label?: Label;
  requires: string[];
  authority: Authority;
}

/**
 * Runs one workflow definition: decides whether an actor may take an action on a record and
 * where it leads. It holds no state of its own and changes nothing; the caller persists the
 * new state and runs the effects. The definition is validated (against the guard registry and
 * the effect names, if given) when the engine is built, so a running engine never meets an
 * unknown state, guard or ambiguous action.
 */
export class WorkflowEngine<C> {
  readonly #definition: WorkflowDefinition;
  readonly #guards: ReadonlyMap<string, Guard<C>>;
  readonly #states: ReadonlyMap<string, StateDefinition>;
  readonly #actions: ReadonlySet<string>;
  /** `${state}\0${action}` → the one transition validation allows for that pair. */
  readonly #byStateAction: ReadonlyMap<string, TransitionDefinition>;
  readonly #fields: ReadonlyMap<string, ConditionField<C>>;

  /**
   * `names` are the effect names (a list) or the effect, hook and tag vocabularies the
   * application resolves; any left out is not checked. `fields` are what delegations (専決)
   * may test; without them a definition's delegation conditions never hold.
   */
  constructor(
    definition: WorkflowDefinition,
    guards: Record<string, Guard<C>>,
    names?: readonly string[] | Omit<DefinitionRegistries, 'guards' | 'fields'>,
    fields?: Record<string, ConditionField<C>>,
  ) {
    // Own keys only, so a guard called "toString" cannot resolve to Object.prototype.
    const guardMap = new Map(Object.entries(guards));
    const fieldMap = new Map(Object.entries(fields ?? {}));
    const registries: Omit<DefinitionRegistries, 'guards'> = Array.isArray(names)
      ? { effects: names }
      : ((names as Omit<DefinitionRegistries, 'guards'> | undefined) ?? {});
    const fieldKinds = fields ? Object.fromEntries([...fieldMap].map(([name, f]) => [name, f.kind])) : undefined;
    assertValidDefinition(definition, { ...registries, guards: [...guardMap.keys()], fields: fieldKinds });
    this.#fields = fieldMap;
    // A private frozen copy: later changes to the caller's object cannot undo what was validated.
    this.#definition = deepFreeze(structuredClone(definition));
    this.#guards = guardMap;
    this.#states = new Map(this.#definition.states.map((s) => [s.name, s]));
    this.#actions = new Set(this.#definition.transitions.map((t) => t.action));
    const byStateAction = new Map<string, TransitionDefinition>();
    for (const t of this.#definition.transitions) {
      for (const f of t.from) byStateAction.set(key(f, t.action), t);
    }
    this.#byStateAction = byStateAction;
  }

  get definition(): WorkflowDefinition {
    return this.#definition;
  }

  state(name: string): StateDefinition | undefined {
    return this.#states.get(name);
  }

  /** False for a state the definition does not know. */
  isFinal(name: string): boolean {
    return this.#states.get(name)?.final === true;
  }

  /** Whether the state carries the tag; false for a state the definition does not know. */
  hasTag(state: string, tag: string): boolean {
    return this.#states.get(state)?.tags?.includes(tag) === true;
  }

  /** The states carrying the tag, in definition order. */
  statesTagged(tag: string): string[] {
    return this.#definition.states.filter((s) => s.tags?.includes(tag)).map((s) => s.name);
  }

  /**
   * Whether `actor` may take `action` on `subject` with these inputs. The checks run from the
   * cheapest and least revealing to the most specific, so a caller without the role learns
   * nothing from guards or inputs.
   */
  decide(subject: Subject, actor: Actor, action: string, inputs: Record<string, unknown>, context: C): Decision {
    if (!this.#actions.has(action)) {
      return refuse('unknown_action', `Workflow "${this.#definition.name}" has no action "${action}"`);
    }
    const transition = this.#byStateAction.get(key(subject.state, action));
    if (!transition) return refuse('not_from_this_state', this.#notFromHere(subject.state, action));

    const authority = this.#authority(transition, subject, actor, context);
    if (!authority) return refuse('not_allowed', this.#notAllowed(transition, subject, actor, action));

    const missing = (transition.requires ?? []).filter((name) => !present(inputs, name));
    if (missing.length > 0) {
      return { ok: false, reason: 'missing_input', detail: `"${action}" needs ${missing.join(', ')}`, missing };
    }

    const veto = this.#firstVeto(transition, context);
    if (veto) return { ok: false, reason: 'guard', detail: veto.reason, guard: veto.guard };

    return {
      ok: true,
      transition,
      from: subject.state,
      to: transition.to,
      effects: [...(transition.effects ?? [])],
      hooks: [...(transition.hooks ?? [])],
      authority,
    };
  }

  /** The transitions from the subject's state that the actor's roles and the guards allow now; inputs are not considered. */
  availableActions(subject: Subject, actor: Actor, context: C): AvailableAction[] {
    const available: AvailableAction[] = [];
    for (const t of this.#definition.transitions) {
      if (!t.from.includes(subject.state)) continue;
      const authority = this.#authority(t, subject, actor, context);
      if (!authority || this.#firstVeto(t, context)) continue;
      const entry: AvailableAction = { action: t.action, to: t.to, requires: [...(t.requires ?? [])], authority };
      if (t.label) entry.label = t.label;
      available.push(entry);
    }
    return available;
  }

  /** The definition as a Mermaid state diagram, in definition order so that the same definition always gives the same text. */
  toMermaid(): string {
    const d = this.#definition;
    const lines = ['stateDiagram-v2'];
    for (const s of d.states) lines.push(`  state "${mermaidText(s.label.ja)} ${s.name}" as ${s.name}`);
    lines.push(`  [*] --> ${d.initial}`);
    for (const t of d.transitions) {
      for (const f of t.from) lines.push(`  ${f} --> ${t.to} : ${t.action} (${t.roles.join(', ')})`);
    }
    for (const s of d.states) if (s.final) lines.push(`  ${s.name} --> [*]`);
    return lines.join('\n') + '\n';
  }

  /**
   * What allows the actor to take `t`, preferring acting in one's own right: an own role, then
   * an own role under a delegation (専決) whose conditions hold, then the same two as someone's
   * deputy (代決). Undefined when nothing does.
   */
  #authority(t: TransitionDefinition, subject: Subject, actor: Actor, context: C): Authority | undefined {
    const unit = subject.unitId;
    const own = t.roles.find((role) => actor.holds(role, unit));
    if (own) return { role: own };
    const delegations = (t.delegations ?? []).filter((d) => this.#conditionsHold(d, context));
    for (const d of delegations) {
      const role = d.roles.find((r) => actor.holds(r, unit));
      if (role) return { role, delegation: d };
    }
    if (!actor.standsInFor) return undefined;
    for (const role of t.roles) {
      const onBehalfOf = actor.standsInFor(role, unit);
      if (onBehalfOf) return { role, onBehalfOf };
    }
    for (const d of delegations) {
      for (const role of d.roles) {
        const onBehalfOf = actor.standsInFor(role, unit);
        if (onBehalfOf) return { role, delegation: d, onBehalfOf };
      }
    }
    return undefined;
  }

  #conditionsHold(d: DelegationDefinition, context: C): boolean {
    return d.when.every((c) => {
      const field = this.#fields.get(c.field);
      // A field the application does not supply, or a value the record lacks, never opens the rule.
      const value = field?.read(context);
      return value !== undefined && value !== null && compare(value, c);
    });
  }

  #notAllowed(t: TransitionDefinition, subject: Subject, actor: Actor, action: string): string {
    const base = `"${action}" needs one of the roles ${t.roles.join(', ')} on the record's unit`;
    const unit = subject.unitId;
    const near = (t.delegations ?? []).find((d) =>
      d.roles.some((r) => actor.holds(r, unit) || actor.standsInFor?.(r, unit)),
    );
    if (!near) return base;
    const rule = near.when.map((c) => `${c.field} ${c.operator} ${JSON.stringify(c.value)}`).join(' and ');
    return `${base}; ${near.roles.join(', ')} may take it (専決) only while ${rule}`;
  }

  #firstVeto(t: TransitionDefinition, context: C): { guard: string; reason: string } | undefined {
    for (const name of t.guards ?? []) {
      const result = this.#guards.get(name)!(context);
      // Only an explicit null passes: a guard that forgets to return (undefined) must not open the gate.
      if (result === null) continue;
      const reason = typeof result === 'string' && result.trim() !== '' ? result : `Refused by the check "${name}"`;
      return { guard: name, reason };
    }
    return undefined;
  }

  #notFromHere(state: string, action: string): string {
    const allowedFrom = this.#definition.transitions.filter((t) => t.action === action).flatMap((t) => t.from);
    const s = this.#states.get(state);
    const why = !s
      ? `"${state}" is not a state of workflow "${this.#definition.name}"`
      : s.final
        ? `"${state}" is a final state`
        : undefined;
    const where = `"${action}" is allowed from ${allowedFrom.join(', ')} only`;
    return why ? `${why}; ${where}` : `"${action}" is not possible from "${state}"; ${where}`;
  }
}

function compare(value: number | string, c: ConditionDefinition): boolean {
  switch (c.operator) {
    case 'lt':
      return value < c.value;
    case 'lte':
      return value <= c.value;
    case 'gt':
      return value > c.value;
    case 'gte':
      return value >= c.value;
    case 'eq':
      return value === c.value;
    case 'ne':
      return value !== c.value;
    case 'in':
      return Array.isArray(c.value) && c.value.includes(value);
  }
}

function refuse(reason: RefusalReason, detail: string): Refused {
  return { ok: false, reason, detail };
}

function key(state: string, action: string): string {
  return `${state}\u0000${action}`;
}

/** Absent, null and blank strings all count as not given: a comment of spaces explains nothing. */
function present(inputs: Record<string, unknown>, name: string): boolean {
  if (!Object.hasOwn(inputs, name)) return false;
  const value = inputs[name];
  if (value === undefined || value === null) return false;
  return typeof value !== 'string' || value.trim() !== '';
}

/** Labels are free text; a double quote or line break would end the Mermaid string early. */
function mermaidText(text: string): string {
  return text.replace(/"/g, "'").replace(/[\r\n]+/g, ' ');
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
