/**
 * The stable error codes of the API (docs/API.md) and their HTTP statuses: the one
 * place where a code meets a status. Clients branch on `code`, never on `detail`.
 */
export const ERROR_STATUS = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  BODY_TOO_DEEP: 400,
  MALFORMED_REQUEST: 400,
  MULTIPART_TRUNCATED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  NOT_ACCEPTABLE: 406,
  CONFLICT: 409,
  TRANSITION_NOT_ALLOWED: 409,
  DECIDED_IMMUTABLE: 409,
  PROPOSAL_NOT_EDITABLE: 409,
  AUDIT_CHECKPOINT_MISMATCH: 409,
  DEPUTY_PERIOD_OVERLAP: 409,
  DEPUTY_CANNOT_NAME_DEPUTY: 409,
  DEPUTY_PERIOD_BACKDATED: 400,
  VERSION_CONFLICT: 412,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  ATTACHMENT_TYPE_NOT_ALLOWED: 415,
  IDEMPOTENCY_KEY_MISMATCH: 422,
  PRECONDITION_REQUIRED: 428,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL_ERROR: 500,
  SERVICE_UNAVAILABLE: 503,
  OVERLOADED: 503,
  SHUTTING_DOWN: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export const ERROR_TITLES: Record<ErrorCode, string> = {
  VALIDATION_FAILED: 'The request is not valid',
  MALFORMED_JSON: 'The request body is not valid JSON',
  BODY_TOO_DEEP: 'The request body is nested too deeply',
  MALFORMED_REQUEST: 'The request is not well-formed HTTP',
  MULTIPART_TRUNCATED: 'The multipart body ended before its last part was complete',
  UNAUTHENTICATED: 'Authentication is required',
  FORBIDDEN: 'Not allowed',
  NOT_FOUND: 'Not found',
  METHOD_NOT_ALLOWED: 'Method not allowed',
  NOT_ACCEPTABLE: 'Not acceptable',
  CONFLICT: 'Conflict',
  TRANSITION_NOT_ALLOWED: 'This action is not allowed in the current state',
  DECIDED_IMMUTABLE: 'A decided record cannot be changed',
  PROPOSAL_NOT_EDITABLE: 'The proposal cannot be edited in its current state',
  AUDIT_CHECKPOINT_MISMATCH: 'The audit log no longer leads to this checkpoint',
  DEPUTY_PERIOD_OVERLAP: 'A deputy is already named for an overlapping period',
  DEPUTY_CANNOT_NAME_DEPUTY: 'A deputy cannot name a deputy',
  DEPUTY_PERIOD_BACKDATED: 'A deputy period cannot start in the past',
  VERSION_CONFLICT: 'The resource has changed since it was read',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  URI_TOO_LONG: 'The request URI is too long',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  ATTACHMENT_TYPE_NOT_ALLOWED: 'The file is not of a type that may be attached',
  IDEMPOTENCY_KEY_MISMATCH: 'The idempotency key was used with another request',
  PRECONDITION_REQUIRED: 'If-Match is required',
  RATE_LIMITED: 'Too many requests',
  HEADERS_TOO_LARGE: 'The request headers are too large',
  INTERNAL_ERROR: 'Internal error',
  SERVICE_UNAVAILABLE: 'Service unavailable',
  OVERLOADED: 'The instance is at its concurrency limit',
  SHUTTING_DOWN: 'The instance is shutting down',
};

/** The code a bare HTTP status stands for, when nothing more specific is known. */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'VALIDATION_FAILED';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 409:
      return 'CONFLICT';
    case 412:
      return 'VERSION_CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 414:
      return 'URI_TOO_LONG';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'IDEMPOTENCY_KEY_MISMATCH';
    case 428:
      return 'PRECONDITION_REQUIRED';
    case 429:
      return 'RATE_LIMITED';
    case 431:
      return 'HEADERS_TOO_LARGE';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'VALIDATION_FAILED';
  }
}
