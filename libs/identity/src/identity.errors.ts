import { DomainError } from '#libs/platform';

/** The same answer for a wrong name, a wrong password and a disabled account: nothing to enumerate. */
export class SignInFailedError extends DomainError {
  constructor() {
    super('UNAUTHENTICATED', 'Wrong username or password');
  }
}

export class NotSignedInError extends DomainError {
  constructor(detail = 'Sign in first: send Authorization: Bearer <token>') {
    super('UNAUTHENTICATED', detail);
  }
}

export class SignInRateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many sign-in attempts; try again in ${retryAfterSeconds} s`, [], { retryAfterSeconds });
  }
}

export class NotAllowedError extends DomainError {
  constructor(detail = 'Your roles do not allow this') {
    super('FORBIDDEN', detail);
  }
}

export class UsernameTakenError extends DomainError {
  constructor(username: string) {
    super('CONFLICT', `The username "${username}" is taken`, [{ field: 'username', message: 'is taken' }]);
  }
}

export class OrgUnitCodeTakenError extends DomainError {
  constructor(code: string) {
    super('CONFLICT', `The organisation unit code "${code}" is taken`, [{ field: 'code', message: 'is taken' }]);
  }
}

export class UnknownOrgUnitError extends DomainError {
  constructor(field: string) {
    super('VALIDATION_FAILED', `${field} names no organisation unit`, [
      { field, message: 'names no organisation unit' },
    ]);
  }
}

export class OrgUnitTreeError extends DomainError {
  constructor(detail: string, field = 'parentId') {
    super('VALIDATION_FAILED', detail, [{ field, message: detail }]);
  }
}

export class WrongCurrentPasswordError extends DomainError {
  constructor() {
    super('FORBIDDEN', 'The current password is wrong', [{ field: 'currentPassword', message: 'is wrong' }]);
  }
}
