import type { Label, StateDefinition, TransitionDefinition, WorkflowDefinition } from './definition.js';
import { assertValidDefinition, type DefinitionRegistries } from './validate-definition.js';

/** A named predicate over the caller's context: null lets the transition through, a string is the veto reason shown to the user. */
export type Guard<C> = (context: C) => string | null;

/** Whoever asks for a transition. */
export interface Actor {
  /** Whether the actor holds `role` on the unit `unitId` (however the application scopes roles). */
  holds(role: string, unitId: string): boolean;
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

  /**
   * `names` are the effect names (a list) or the effect, hook and tag vocabularies the
   * application resolves; any left out is not checked.
   */
  constructor(definition: WorkflowDefinition, guards: Record<string, Guard<C>>, names?: readonly string[] | Omit<DefinitionRegistries, 'guards'>) {
    // Own keys only, so a guard called "toString" cannot resolve to Object.prototype.
    const guardMap = new Map(Object.entries(guards));
    const registries: Omit<DefinitionRegistries, 'guards'> = Array.isArray(names) ? { effects: names } : ((names as Omit<DefinitionRegistries, 'guards'> | undefined) ?? {});
    assertValidDefinition(definition, { ...registries, guards: [...guardMap.keys()] });
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

    if (!this.#mayTake(transition, subject, actor)) {
      return refuse('not_allowed', `"${action}" needs one of the roles ${transition.roles.join(', ')} on the record's unit`);
    }

    const missing = (transition.requires ?? []).filter((name) => !present(inputs, name));
    if (missing.length > 0) {
      return { ok: false, reason: 'missing_input', detail: `"${action}" needs ${missing.join(', ')}`, missing };
    }

    const veto = this.#firstVeto(transition, context);
    if (veto) return { ok: false, reason: 'guard', detail: veto.reason, guard: veto.guard };

    return { ok: true, transition, from: subject.state, to: transition.to, effects: [...(transition.effects ?? [])], hooks: [...(transition.hooks ?? [])] };
  }

  /** The transitions from the subject's state that the actor's roles and the guards allow now; inputs are not considered. */
  availableActions(subject: Subject, actor: Actor, context: C): AvailableAction[] {
    const available: AvailableAction[] = [];
    for (const t of this.#definition.transitions) {
      if (!t.from.includes(subject.state)) continue;
      if (!this.#mayTake(t, subject, actor) || this.#firstVeto(t, context)) continue;
      const entry: AvailableAction = { action: t.action, to: t.to, requires: [...(t.requires ?? [])] };
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

  #mayTake(t: TransitionDefinition, subject: Subject, actor: Actor): boolean {
    return t.roles.some((role) => actor.holds(role, subject.unitId));
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
    const why = !s ? `"${state}" is not a state of workflow "${this.#definition.name}"` : s.final ? `"${state}" is a final state` : undefined;
    const where = `"${action}" is allowed from ${allowedFrom.join(', ')} only`;
    return why ? `${why}; ${where}` : `"${action}" is not possible from "${state}"; ${where}`;
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
