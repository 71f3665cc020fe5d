import { DomainError } from '#libs/platform';

export class DecidedImmutableError extends DomainError {
  constructor(state: string) {
    super(
      'DECIDED_IMMUTABLE',
      `The proposal is ${state}: its content cannot change; the secretariat records a correction with a reason`,
    );
  }
}

export class NotEditableError extends DomainError {
  constructor(detail: string) {
    super('PROPOSAL_NOT_EDITABLE', detail);
  }
}
