import type { Refused } from '#libs/workflow';
import { DomainError } from '#libs/platform';

/** A refused workflow decision, as the API answers it. */
export function refusalError(refused: Refused): DomainError {
  switch (refused.reason) {
    case 'unknown_action':
      return new DomainError('VALIDATION_FAILED', refused.detail, [{ field: 'action', message: refused.detail }]);
    case 'missing_input':
      return new DomainError(
        'VALIDATION_FAILED',
        refused.detail,
        (refused.missing ?? []).map((field) => ({ field, message: 'is required for this action' })),
      );
    case 'not_allowed':
      return new DomainError('FORBIDDEN', refused.detail);
    case 'not_from_this_state':
    case 'guard':
      return new DomainError('TRANSITION_NOT_ALLOWED', refused.detail, [], refused.guard ? { guard: refused.guard } : {});
  }
}

export class DecidedImmutableError extends DomainError {
  constructor(state: string) {
    super('DECIDED_IMMUTABLE', `The proposal is ${state}: its content cannot change; the secretariat records a correction with a reason`);
  }
}

export class NotEditableError extends DomainError {
  constructor(detail: string) {
    super('PROPOSAL_NOT_EDITABLE', detail);
  }
}
