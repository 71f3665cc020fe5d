import { BadRequestException, HttpException, NotFoundException, type ValidationError } from '@nestjs/common';
import { describe, expect, it } from '@jest/globals';
import { DomainError } from './domain-error.js';
import { ERROR_STATUS, ERROR_TITLES } from './error-codes.js';
import { classifyError, problemType } from './problem-details.filter.js';
import { toFieldErrors } from './validation.js';

const fastifyError = (code: string, status: number) =>
  new HttpException('x', status, { cause: Object.assign(new Error('x'), { code, statusCode: status }) });

describe('classifyError', () => {
  it('keeps the code and field errors of a domain error', () => {
    const c = classifyError(new DomainError('VERSION_CONFLICT', 'stale', [], { currentVersion: 3 }));
    expect(c).toMatchObject({ code: 'VERSION_CONFLICT', detail: 'stale', extensions: { currentVersion: 3 } });
  });

  it.each([
    ['FST_ERR_CTP_INVALID_JSON_BODY', 400, 'MALFORMED_JSON'],
    ['FST_ERR_CTP_EMPTY_JSON_BODY', 400, 'MALFORMED_JSON'],
    ['FST_ERR_CTP_BODY_TOO_LARGE', 413, 'PAYLOAD_TOO_LARGE'],
    ['FST_ERR_CTP_INVALID_MEDIA_TYPE', 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ])('maps Fastify %s to %s', (code, status, expected) => {
    expect(classifyError(fastifyError(code, status)).code).toBe(expected);
  });

  it('maps Fastify framework errors raised before routing (unwrapped) to their codes', () => {
    const framework = (code: string) => Object.assign(new Error('x'), { name: 'FastifyError', code });
    expect(classifyError(framework('FST_ERR_MAX_PARAM_LENGTH')).code).toBe('URI_TOO_LONG');
    expect(classifyError(framework('FST_ERR_BAD_URL')).code).toBe('MALFORMED_REQUEST');
    expect(ERROR_STATUS.URI_TOO_LONG).toBe(414);
    expect(ERROR_STATUS.HEADERS_TOO_LARGE).toBe(431);
  });

  it('maps bare HTTP exceptions by status', () => {
    expect(classifyError(new NotFoundException()).code).toBe('NOT_FOUND');
    expect(classifyError(new BadRequestException('bad')).code).toBe('VALIDATION_FAILED');
    expect(classifyError(new HttpException('slow down', 429)).code).toBe('RATE_LIMITED');
  });

  it('answers a database or Redis outage with 503, not 500', () => {
    expect(
      classifyError(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' })).code,
    ).toBe('SERVICE_UNAVAILABLE');
    expect(classifyError({ driverError: { code: '57P01' }, message: 'terminating connection' }).code).toBe(
      'SERVICE_UNAVAILABLE',
    );
    expect(classifyError(new Error('Connection terminated unexpectedly')).code).toBe('SERVICE_UNAVAILABLE');
  });

  it('answers input PostgreSQL refused as a 400, and constraint clashes as 409', () => {
    expect(classifyError({ driverError: { code: '22P02' } }).code).toBe('VALIDATION_FAILED');
    expect(classifyError({ driverError: { code: '23505' } }).code).toBe('CONFLICT');
  });

  it('hides the internals of anything unexpected', () => {
    const c = classifyError(new TypeError("Cannot read properties of undefined (reading 'secret')"));
    expect(c.code).toBe('INTERNAL_ERROR');
    expect(c.unexpected).toBe(true);
    expect(c.detail).not.toMatch(/secret/);
  });
});

describe('error codes', () => {
  it('give every code a status and a title, and a stable URN type', () => {
    for (const code of Object.keys(ERROR_STATUS) as Array<keyof typeof ERROR_STATUS>) {
      expect(ERROR_TITLES[code]).toBeTruthy();
    }
    expect(problemType('VALIDATION_FAILED')).toBe('urn:kaikaku:problem:validation-failed');
    expect(ERROR_STATUS.PRECONDITION_REQUIRED).toBe(428);
    expect(ERROR_STATUS.IDEMPOTENCY_KEY_MISMATCH).toBe(422);
  });
});

describe('toFieldErrors', () => {
  it('names nested and array fields by their path', () => {
    const errors: ValidationError[] = [
      { property: 'title', constraints: { isString: 'title must be a string' }, children: [] },
      {
        property: 'schedule',
        children: [
          {
            property: '2',
            children: [
              { property: 'fiscalYear', constraints: { isInt: 'fiscalYear must be an integer' }, children: [] },
            ],
          },
        ],
      },
    ];
    expect(toFieldErrors(errors)).toEqual([
      { field: 'title', message: 'title must be a string' },
      { field: 'schedule[2].fiscalYear', message: 'fiscalYear must be an integer' },
    ]);
  });
});
