import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtraModels, ApiHeader, ApiOkResponse, ApiProduces, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemResponse } from '#libs/platform';

/**
 * How a route describes its answers in the OpenAPI document. Error answers need nothing
 * per route: `@Access` adds 401/403/404, and the document's finishing pass (openapi.ts)
 * adds 400/409/412/422/428 from the route's inputs and headers and gives every error the
 * one problem+json schema. A route declares its SUCCESS answer only:
 *
 *   @ApiOkResponse({ type: ProposalResponse })        one object
 *   @ApiCreatedResponse({ type: ProposalResponse })   201 (with @HttpCode or Writes.run(…, 201, …))
 *   @ApiNoContentResponse()                           204
 *   @ApiPage(ProposalResponse)                        { items, total, page, pageSize }
 *   @ApiOkResponse({ type: [UnitResponse] })          a bare array
 *   @ApiFile('text/csv', 'the plan as CSV')           a download
 */

export const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/** The content of an error answer: always the one problem document schema. */
export function problemContent() {
  return { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemResponse) } } };
}

/** An error answer with its problem+json body; `description` names the code(s). */
export function ApiProblem(status: number, description: string): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemResponse),
    ApiResponse({ status, description, content: problemContent() }),
  );
}

/** A page of a list: `{ items, total, page, pageSize }`. */
export function ApiPage(
  item: Type<unknown>,
  description = 'one page of the list',
  extra: Record<string, object> = {},
): MethodDecorator {
  return applyDecorators(
    ApiExtraModels(item),
    ApiOkResponse({
      description,
      schema: {
        type: 'object',
        required: ['items', 'total', 'page', 'pageSize', ...Object.keys(extra)],
        properties: {
          items: { type: 'array', items: { $ref: getSchemaPath(item) } },
          total: { type: 'integer', description: 'items matching the filter, on all pages' },
          page: { type: 'integer', minimum: 1 },
          pageSize: { type: 'integer', minimum: 1, maximum: 100 },
          ...extra,
        },
      },
    }),
  );
}

/**
 * A file download: its media type(s) and a binary body. With `json`, the same route also
 * answers that schema as application/json (the default format).
 */
export function ApiFile(mediaTypes: string | string[], description: string, json?: Type<unknown>): MethodDecorator {
  const types = Array.isArray(mediaTypes) ? mediaTypes : [mediaTypes];
  const content: Record<string, { schema: object }> = {};
  if (json) content['application/json'] = { schema: { $ref: getSchemaPath(json) } };
  for (const t of types) content[t] = { schema: { type: 'string', format: 'binary' } };
  return applyDecorators(
    ...(json ? [ApiExtraModels(json)] : []),
    ApiProduces(...Object.keys(content)),
    ApiResponse({ status: 200, description, content }),
  );
}

export const IF_MATCH_HEADER = 'If-Match';
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** The route changes a versioned resource: If-Match is required (428 without, 412 when stale, 409 when the state forbids it). */
export function ApiIfMatch(): MethodDecorator {
  return ApiHeader({
    name: IF_MATCH_HEADER,
    required: true,
    description: 'the ETag of the version you act on',
    schema: { type: 'string', example: '"3"' },
  });
}

/** The route accepts Idempotency-Key: a retry with the same key replays the first answer (422 if the key was used for another request). */
export function ApiIdempotencyKey(): MethodDecorator {
  return ApiHeader({
    name: IDEMPOTENCY_KEY_HEADER,
    required: false,
    description: 'a retry with the same key replays the first answer',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_.:-]{8,200}$' },
  });
}
