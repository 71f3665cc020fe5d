import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { ProblemResponse } from '#libs/platform';
import { IDEMPOTENCY_KEY_HEADER, IF_MATCH_HEADER, problemContent } from './openapi/api-docs.js';
import { toOpenApi31 } from './openapi/openapi-31.js';

// The package exports OpenAPIObject only; its parts are named from it.
type OperationObject = NonNullable<OpenAPIObject['paths'][string]['get']>;
type ParameterOrRef = NonNullable<OperationObject['parameters']>[number];
type ParameterObject = Exclude<ParameterOrRef, { $ref: string }>;
type ResponseOrRef = NonNullable<OperationObject['responses'][string]>;
type ResponseObject = Exclude<ResponseOrRef, { $ref: string }>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** `ProposalsController.transition` → `proposals_transition`: stable, and what openapi-fetch users read. */
function operationId(controllerKey: string, methodKey: string): string {
  const name = controllerKey.replace(/Controller$/, '');
  return `${name.charAt(0).toLowerCase()}${name.slice(1)}_${methodKey}`;
}

/** The error answers every route of a kind can give, derived from what it declares. */
function impliedErrors(operation: OperationObject): Array<[string, string]> {
  const parameters = (operation.parameters ?? []).filter((p: ParameterOrRef): p is ParameterObject => !('$ref' in p));
  const header = (name: string) =>
    parameters.some((p: ParameterObject) => p.in === 'header' && p.name.toLowerCase() === name.toLowerCase());
  const errors: Array<[string, string]> = [];
  // Query, path (ids are UUIDs) and bodies all go through validation.
  if (operation.requestBody || parameters.some((p: ParameterObject) => p.in !== 'header')) {
    errors.push(['400', 'the input is not valid; `errors[]` names each field (VALIDATION_FAILED, MALFORMED_JSON)']);
  }
  // A path names an object, which may not exist.
  if (parameters.some((p: ParameterObject) => p.in === 'path')) {
    errors.push(['404', 'does not exist, or is not visible to the caller (NOT_FOUND)']);
  }
  if (header(IF_MATCH_HEADER)) {
    errors.push([
      '409',
      'the action or change is not allowed in the current state (TRANSITION_NOT_ALLOWED, PROPOSAL_NOT_EDITABLE, DECIDED_IMMUTABLE, CONFLICT)',
    ]);
    errors.push([
      '412',
      'If-Match names another version: someone else changed it; read it again (VERSION_CONFLICT, with `currentVersion`)',
    ]);
    errors.push(['428', 'If-Match is missing (PRECONDITION_REQUIRED)']);
  }
  if (header(IDEMPOTENCY_KEY_HEADER)) {
    errors.push(['422', 'the Idempotency-Key was used for another request (IDEMPOTENCY_KEY_MISMATCH)']);
  }
  return errors;
}

/**
 * Marks an operation that has no 4XX answer to document: public (no sign-in to fail), no
 * parameters and no body (nothing to validate), e.g. the probes and signing out. redocly.yaml
 * exempts exactly these from its 4XX rule.
 */
export const NO_CLIENT_ERROR = 'x-no-client-error';

function cannotBeRefused(operation: OperationObject): boolean {
  const access = (operation as unknown as Record<string, unknown>)['x-access'] as { kind?: string } | undefined;
  return access?.kind === 'public' && !operation.requestBody && (operation.parameters ?? []).length === 0;
}

/**
 * The finishing pass over the generated document, so that every route, including ones
 * added later, gets its error answers without declaring them: implied errors are added,
 * and every 4xx/5xx answer is given the one problem+json schema.
 */
export function completeErrorResponses(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const responses = (operation.responses ??= {});
      for (const [status, description] of impliedErrors(operation)) {
        responses[status] ??= { description };
      }
      if (!Object.keys(responses).some((status) => /^4/.test(status)) && cannotBeRefused(operation)) {
        (operation as unknown as Record<string, unknown>)[NO_CLIENT_ERROR] = true;
      }
      for (const [status, response] of Object.entries(responses)) {
        if (!response || !/^[45]/.test(status) || '$ref' in response) continue;
        const r: ResponseObject = response;
        // A route that documents its own error body keeps it (the readiness probe's 503).
        if (!r.content) r.content = problemContent();
      }
    }
  }
  return document;
}

export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Kaikaku API')
    .setDescription(
      'Kaikaku (改革) runs a city’s administrative reform plan: the all-bureau inquiry, proposals and their review ' +
        'by the committee and the HQ, the council report, and four years of progress tracking. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`.',
    )
    .setVersion('1')
    .setLicense('UNLICENSED (the city’s own software)', 'https://spdx.org/licenses/')
    // Relative: the document is served by the server it describes, whatever its address.
    .addServer('/', 'this server')
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'POST /api/v1/auth/token, or a personal API token',
    })
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN, for /metrics only' }, 'metrics')
    .addSecurityRequirements('bearer')
    .build();
  // Set directly: DocumentBuilder.setContact always writes url and email, and an empty
  // e-mail address is not valid.
  config.info.contact = { name: 'Kaikaku reform office (行政改革推進室)' };
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: operationId,
    extraModels: [ProblemResponse],
  });
  return toOpenApi31(completeErrorResponses(document));
}

/** Swagger UI at /docs (unless turned off) and the document at /docs-json. */
export function mountOpenApi(app: INestApplication, ui: boolean): void {
  SwaggerModule.setup('docs', app, () => buildOpenApiDocument(app), {
    ui,
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
    customSiteTitle: 'Kaikaku API',
  });
}
