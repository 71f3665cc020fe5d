import type { WorkflowDefinition } from '../definition.js';
import { INQUIRY } from './inquiry.js';
import { PROGRESS_REPORT } from './progress-report.js';
import { REFORM_PROPOSAL } from './reform-proposal.js';

export { INQUIRY } from './inquiry.js';
export { PROGRESS_REPORT } from './progress-report.js';
export { REFORM_PROPOSAL } from './reform-proposal.js';

export const SHIPPED_DEFINITIONS: readonly WorkflowDefinition[] = [REFORM_PROPOSAL, INQUIRY, PROGRESS_REPORT];

/** Guard names the reform-proposal definition uses; the application must register each one. */
export const PROPOSAL_GUARDS = ['inquiryOpen', 'requiredFieldsFilled', 'mergeTargetLive', 'councilMeeting'] as const;

/** Guard names the inquiry definition uses. */
export const INQUIRY_GUARDS = ['dueDateInFuture'] as const;

/** Effect names any shipped definition uses; the application must handle each one. */
export const WORKFLOW_EFFECTS = ['notifyApprovers', 'notifySecretariat', 'notifyReviewers', 'notifyOwners'] as const;
