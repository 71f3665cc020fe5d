import type { WorkflowDefinition } from '../definition.js';
import { INQUIRY } from './inquiry.js';
import { PROGRESS_REPORT } from './progress-report.js';
import { REFORM_PROPOSAL } from './reform-proposal.js';

export { INQUIRY } from './inquiry.js';
export { PROGRESS_REPORT } from './progress-report.js';
export { REFORM_PROPOSAL, SMALL_PROPOSAL_AMOUNT } from './reform-proposal.js';

export const SHIPPED_DEFINITIONS: readonly WorkflowDefinition[] = [REFORM_PROPOSAL, INQUIRY, PROGRESS_REPORT];

/** Guard names the reform-proposal definition uses; the application must register each one. */
export const PROPOSAL_GUARDS = ['inquiryOpen', 'requiredFieldsFilled', 'mergeTargetLive', 'councilMeeting'] as const;

/** Guard names the inquiry definition uses. */
export const INQUIRY_GUARDS = ['dueDateInFuture'] as const;

/** Effect names any shipped definition uses; the application must handle each one. */
export const WORKFLOW_EFFECTS = ['notifyApprovers', 'notifySecretariat', 'notifyReviewers', 'notifyOwners'] as const;

/**
 * What a proposal's state may mean. The application reads behaviour from these tags, never
 * from state names, so a city's own stages keep it:
 * - `editable_by_owner` / `editable_by_secretariat`: who changes the content in this state;
 * - `decided`: 決裁 done: the content is immutable, a correction is a new revision with a reason;
 * - `left_bureau`: the proposal has left its bureau (reviewers see it; first entry stamps when);
 * - `public`: visible to everyone signed in (the council and the public);
 * - `committee_agenda`, `hq_agenda`, `council_agenda`: the proposal awaits that kind of meeting,
 *   goes on its agenda, and the meeting is the one deciding it.
 */
export const PROPOSAL_TAGS = [
  'editable_by_owner',
  'editable_by_secretariat',
  'decided',
  'left_bureau',
  'public',
  'committee_agenda',
  'hq_agenda',
  'council_agenda',
] as const;

/**
 * Steps a proposal transition may run inside its transaction:
 * - `recordFirstSubmission`: from now on every content change is kept as a revision;
 * - `satisfyInquiryDeadline`: the owning unit has answered the inquiry;
 * - `recordMerge`: the proposal points at `targetProposalId`, whose history shows the merge;
 * - `createInitiative`: the adopted proposal becomes an initiative (取組) tracked for the plan.
 */
export const PROPOSAL_HOOKS = [
  'recordFirstSubmission',
  'satisfyInquiryDeadline',
  'recordMerge',
  'createInitiative',
] as const;

/** `in_preparation`: the secretariat's alone, target units still change; `accepting_proposals`: bureaus answer now. */
export const INQUIRY_TAGS = ['in_preparation', 'accepting_proposals'] as const;

/** `syncReplyDeadlines`: every target unit's reply deadline follows the inquiry's new state. */
export const INQUIRY_HOOKS = ['syncReplyDeadlines'] as const;

/**
 * `editable_by_owner`: the bureau edits the report; `left_bureau`: it was handed in (stamps when);
 * `counted`: confirmed: public and counted in the roll-ups (stamps when, cleared on leaving).
 */
export const PROGRESS_REPORT_TAGS = ['editable_by_owner', 'left_bureau', 'counted'] as const;

/** `satisfyReportDeadline`: the yearly report is in; `queueRollupRecount`: the plan-year's roll-up is recounted after commit. */
export const PROGRESS_REPORT_HOOKS = ['satisfyReportDeadline', 'queueRollupRecount'] as const;

/** The roles a workflow hands work to; a delegation (専決) may name only these. */
export const WORKFLOW_ROLES = [
  'bureau_editor',
  'bureau_approver',
  'secretariat',
  'committee_reviewer',
  'hq_member',
] as const;

/**
 * What a delegation's condition may test on a proposal: `expectedAmount` (効果額, 千円),
 * `policyNumber` and `themeNumber` (方針・テーマ), `owningUnit` (the unit's code).
 */
export const PROPOSAL_FIELDS = {
  expectedAmount: 'number',
  policyNumber: 'number',
  themeNumber: 'number',
  owningUnit: 'string',
} as const;
