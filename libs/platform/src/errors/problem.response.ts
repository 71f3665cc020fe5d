import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ERROR_STATUS, type ErrorCode } from './error-codes.js';

/** The stable codes, in the order of error-codes.ts, for the OpenAPI enum. */
export const ERROR_CODES = Object.keys(ERROR_STATUS) as ErrorCode[];

/** One problem with one input field, as `errors[]` of a problem document carries it. */
export class FieldErrorResponse {
  @ApiProperty({ description: 'path of the field, e.g. `schedule[2].fiscalYear`', example: 'summary' })
  field!: string;

  @ApiProperty({
    description: 'what is wrong with it (English; branch on `code`, not on this)',
    example: 'summary must be shorter than or equal to 4000 characters',
  })
  message!: string;
}

/**
 * The body of every error answer: RFC 9457 application/problem+json with the stable
 * `code` (the one schema all error responses of the OpenAPI document refer to).
 * Some codes add members: `currentVersion` (VERSION_CONFLICT), `retryAfterSeconds` (RATE_LIMITED).
 */
export class ProblemResponse {
  @ApiProperty({ description: 'URI of the problem type', example: 'urn:kaikaku:problem:validation-failed' })
  type!: string;

  @ApiProperty({ example: 'The request is not valid' })
  title!: string;

  @ApiProperty({ description: 'the HTTP status', minimum: 400, maximum: 599, example: 400 })
  status!: number;

  @ApiProperty({ example: 'Invalid: summary' })
  detail!: string;

  @ApiProperty({ enum: ERROR_CODES, enumName: 'ErrorCode', description: 'stable; clients branch on it' })
  code!: ErrorCode;

  @ApiPropertyOptional({ description: 'the request path', example: '/api/v1/proposals' })
  instance?: string;

  @ApiPropertyOptional({ type: [FieldErrorResponse], description: 'the fields at fault (VALIDATION_FAILED)' })
  errors?: FieldErrorResponse[];

  @ApiPropertyOptional({ description: 'the request id (also the X-Request-Id header), for the logs' })
  traceId?: string;

  @ApiPropertyOptional({ description: 'VERSION_CONFLICT: the version the resource has now' })
  currentVersion?: number;

  @ApiPropertyOptional({ description: 'RATE_LIMITED: seconds to wait (also the Retry-After header)' })
  retryAfterSeconds?: number;
}
