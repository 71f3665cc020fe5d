import { ArgumentsHost, Catch, HttpException, Logger, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, type FieldError } from './domain-error.js';
import { codeForStatus, ERROR_STATUS, ERROR_TITLES, type ErrorCode } from './error-codes.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/** RFC 9457 problem document, with our stable `code` and the request id as `traceId`. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldError[];
  traceId?: string;
  [extension: string]: unknown;
}

interface Classified {
  code: ErrorCode;
  detail: string;
  errors?: FieldError[];
  extensions?: Record<string, unknown>;
  /** Unexpected: log with the stack. */
  unexpected?: boolean;
  headers?: Record<string, string>;
}

/** Fastify's own request errors, raised before any handler runs. */
const FASTIFY_CODES: Record<string, { code: ErrorCode; detail: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { code: 'MALFORMED_JSON', detail: 'The request body is empty but declared as JSON' },
  FST_ERR_CTP_BODY_TOO_LARGE: { code: 'PAYLOAD_TOO_LARGE', detail: 'The request body exceeds the size limit' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    code: 'UNSUPPORTED_MEDIA_TYPE',
    detail: 'The Content-Type is not supported; send application/json',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { code: 'VALIDATION_FAILED', detail: 'Content-Length does not match the body' },
  FST_ERR_CTP_INVALID_TYPE: { code: 'UNSUPPORTED_MEDIA_TYPE', detail: 'The Content-Type header is not valid' },
  FST_ERR_MAX_PARAM_LENGTH: { code: 'URI_TOO_LONG', detail: 'A path segment of the request URI is too long' },
  FST_ERR_BAD_URL: { code: 'MALFORMED_REQUEST', detail: 'The request URI is not a valid URL' },
  FST_ERR_ASYNC_CONSTRAINT: { code: 'MALFORMED_REQUEST', detail: 'The request could not be routed' },
};

/** Errors of a backing service being away: the request may succeed later. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
]);
const UNAVAILABLE_MESSAGES = [
  /Connection terminated/i,
  /timeout exceeded when trying to connect/i,
  /Connection is closed/i,
  /enableOfflineQueue/i,
  /MaxRetriesPerRequest/i,
  /connect ECONNREFUSED/i,
];

/** Input that reached PostgreSQL and was refused there; still the client's mistake. */
const BAD_INPUT_SQLSTATES = new Set(['22P02', '22003', '22007', '22008', '22001', '22021']);

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverError?: { code?: unknown }; cause?: { code?: unknown } } | null;
  const code = e?.driverError?.code ?? e?.code ?? e?.cause?.code;
  return typeof code === 'string' ? code : undefined;
}

export function classifyError(error: unknown): Classified {
  // Fastify's own errors that reach us unwrapped (framework errors raised before routing).
  const fastifyCode =
    error instanceof Error && error.name === 'FastifyError' ? (error as { code?: unknown }).code : undefined;
  if (typeof fastifyCode === 'string' && FASTIFY_CODES[fastifyCode]) return { ...FASTIFY_CODES[fastifyCode] };
  if (error instanceof DomainError) {
    const retryAfter = error.extensions['retryAfterSeconds'];
    return {
      code: error.code,
      detail: error.detail,
      errors: error.errors,
      extensions: error.extensions,
      headers: typeof retryAfter === 'number' ? { 'retry-after': String(retryAfter) } : undefined,
    };
  }
  if (error instanceof HttpException) {
    const cause = error.cause as { code?: string } | undefined;
    const fastify = cause?.code ? FASTIFY_CODES[cause.code] : undefined;
    if (fastify) return { ...fastify };
    if (cause instanceof SyntaxError) return { code: 'MALFORMED_JSON', detail: 'The request body is not valid JSON' };
    const status = error.getStatus();
    const response = error.getResponse();
    const message = typeof response === 'string' ? response : (response as { message?: unknown }).message;
    const detail = Array.isArray(message) ? message.join('; ') : typeof message === 'string' ? message : error.message;
    const headers: Record<string, string> = {};
    return { code: codeForStatus(status), detail, unexpected: status >= 500, headers };
  }
  const sqlOrNet = errorCode(error);
  const message = error instanceof Error ? error.message : '';
  if ((sqlOrNet && UNAVAILABLE_CODES.has(sqlOrNet)) || UNAVAILABLE_MESSAGES.some((re) => re.test(message))) {
    return {
      code: 'SERVICE_UNAVAILABLE',
      detail: 'A backing service is unavailable; try again shortly',
      headers: { 'retry-after': '5' },
    };
  }
  if (sqlOrNet && BAD_INPUT_SQLSTATES.has(sqlOrNet)) {
    return { code: 'VALIDATION_FAILED', detail: 'A value in the request has the wrong form' };
  }
  if (sqlOrNet === '23505') return { code: 'CONFLICT', detail: 'It conflicts with an existing record' };
  if (sqlOrNet === '23503')
    return { code: 'CONFLICT', detail: 'It refers to a record that does not exist, or is still referred to' };
  return { code: 'INTERNAL_ERROR', detail: 'An unexpected error occurred; it has been logged', unexpected: true };
}

export function problemType(code: ErrorCode): string {
  return `urn:kaikaku:problem:${code.toLowerCase().replace(/_/g, '-')}`;
}

/**
 * The single place where errors become HTTP answers. Everything (domain errors,
 * validation, Fastify's body parsing, unknown routes, database outages, bugs) leaves as
 * application/problem+json with a stable code; internals never reach the client.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Problem');

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    sendProblem(http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>(), error, this.logger);
  }
}

const fallbackLogger = new Logger('Problem');

/** The problem document (and its status and headers) that `error` becomes for `request`. */
export function problemFor(
  error: unknown,
  request: { id?: unknown; url?: string } | undefined,
  logger: Logger = fallbackLogger,
) {
  const c = classifyError(error);
  const status: number = ERROR_STATUS[c.code];
  const traceId = typeof request?.id === 'string' || typeof request?.id === 'number' ? String(request.id) : undefined;

  if (c.unexpected) {
    logger.error({ err: error, traceId, url: request?.url }, 'unexpected error');
  } else if (status === 503 && c.code === 'SERVICE_UNAVAILABLE') {
    logger.warn({ err: error, traceId, url: request?.url }, 'backing service unavailable');
  } else if (c.code === 'CONFLICT' && !(error instanceof DomainError)) {
    // A constraint caught what the service did not check first: worth knowing which.
    const e = error as { constraint?: string; driverError?: { constraint?: string } };
    logger.warn(
      { constraint: e.driverError?.constraint ?? e.constraint, traceId, url: request?.url },
      'database constraint conflict',
    );
  }

  const body: ProblemDocument = {
    type: problemType(c.code),
    title: ERROR_TITLES[c.code],
    status,
    detail: c.detail,
    code: c.code,
    instance: request?.url?.split('?')[0],
    ...(c.errors && c.errors.length > 0 ? { errors: c.errors } : {}),
    ...(c.extensions ?? {}),
    ...(traceId ? { traceId } : {}),
  };
  return { status, headers: c.headers ?? {}, body };
}

/**
 * Answers `error` as problem+json on a Fastify reply. The exception filter and the
 * Fastify-level hooks that run before Nest (framework errors, shutdown, load shedding)
 * all answer through here, so there is one shape for every refusal.
 */
export function sendProblem(
  request: FastifyRequest | undefined,
  reply: FastifyReply,
  error: unknown,
  logger: Logger = fallbackLogger,
): void {
  const { status, headers, body } = problemFor(error, request, logger);
  if (reply.sent) return;
  reply.status(status);
  for (const [name, value] of Object.entries(headers)) reply.header(name, value);
  reply.header('content-type', PROBLEM_CONTENT_TYPE).send(JSON.stringify(body));
}
