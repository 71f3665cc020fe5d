/**
 * The data a workflow is made of. A definition is a plain JSON value on purpose: the shipped
 * ones live in code, but administrators may post their own, and both go through the same
 * validation before an engine will run them. Behaviour that cannot be data (guards, effects)
 * is referred to by name and resolved from registries the application supplies.
 */

export interface Label {
  ja: string;
  en: string;
}

export interface StateDefinition {
  name: string;
  label: Label;
  /** A final state ends the record's life: nothing may start from it. */
  final?: boolean;
  /**
   * What being in this state means to the application (e.g. `decided`: content is immutable;
   * `editable_by_owner`; `left_bureau`). Resolved from the subject's tag vocabulary and
   * validated at load, so a definition with other state names keeps the behaviour.
   */
  tags?: string[];
}

export interface TransitionDefinition {
  /** What the user does, e.g. `approve`. One action may appear on several transitions with disjoint `from`. */
  action: string;
  /** States the transition may start from. */
  from: string[];
  to: string;
  /** Any one of these roles, held on the record's unit, allows the transition. */
  roles: string[];
  /** Named predicates that may veto the transition, resolved from the engine's guard registry. */
  guards?: string[];
  /** Inputs that must be present and not blank, e.g. `comment` or `targetProposalId`. */
  requires?: string[];
  /** Named effects for the caller to run after the state change has been committed. */
  effects?: string[];
  /**
   * Named steps that run inside the transition's transaction, after the state change
   * (e.g. `createInitiative`, `satisfyInquiryDeadline`), resolved from the subject's hook registry.
   */
  hooks?: string[];
  label?: Label;
}

export interface WorkflowDefinition {
  name: string;
  version?: number;
  initial: string;
  states: StateDefinition[];
  transitions: TransitionDefinition[];
}

/** States, actions and roles: lower snake case, so they are safe in URLs, SQL enums and diagrams. */
export const NAME_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Input names follow the camelCase of the request bodies they are read from. */
export const INPUT_NAME_PATTERN = /^[a-zA-Z][a-zA-Z0-9]*$/;
