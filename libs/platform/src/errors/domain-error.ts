import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** One problem with one field of the input (`field` is a path such as `schedule[2].fiscalYear`). */
export interface FieldError {
  field: string;
  message: string;
}

/**
 * Base of every error the application raises on purpose. It carries a stable code; the
 * global filter turns it into application/problem+json with the code's status. Feature
 * libraries subclass it in their <feature>.errors.ts.
 */
export class DomainError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly errors: FieldError[] = [],
    /** Extra members for the problem document (e.g. `currentVersion`). */
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = new.target.name;
    this.status = ERROR_STATUS[code];
  }
}

export class ValidationFailedError extends DomainError {
  constructor(errors: FieldError[], detail?: string) {
    super('VALIDATION_FAILED', detail ?? `Invalid: ${errors.map((e) => e.field).join(', ')}`, errors);
  }
}

export class NotFoundError extends DomainError {
  constructor(what = 'The resource') {
    super('NOT_FOUND', `${what} does not exist or is not visible to you`);
  }
}

export class ServiceUnavailableError extends DomainError {
  constructor(detail = 'A backing service is unavailable; try again shortly') {
    super('SERVICE_UNAVAILABLE', detail);
  }
}
