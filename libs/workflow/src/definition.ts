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
  /**
   * 専決: lower roles that may also take the transition, each while its conditions on the
   * record hold (e.g. the bureau approver adopts a proposal whose amount is below a limit).
   */
  delegations?: DelegationDefinition[];
  label?: Label;
}

/** The comparisons a delegation's condition may make; `in` takes a list of values. */
export const CONDITION_OPERATORS = ['lt', 'lte', 'gt', 'gte', 'eq', 'ne', 'in'] as const;
export type ConditionOperator = (typeof CONDITION_OPERATORS)[number];

/** One test on a field of the record, by the subject's field vocabulary (`expectedAmount lt 1000`). */
export interface ConditionDefinition {
  field: string;
  operator: ConditionOperator;
  value: number | string | Array<number | string>;
}

/** A rule of the city's 専決規程, as data: who, and when (every condition must hold). */
export interface DelegationDefinition {
  roles: string[];
  when: ConditionDefinition[];
  /** What the history shows beside 専決, e.g. 局長専決（効果額100万円未満）. */
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
