import { createRequire } from 'node:module';
import type { HttpAnswer } from './apps.js';

// ajv comes with the OpenAPI tooling (@redocly/cli, @seriousme/openapi-schema-validator);
// its JSON Schema 2020-12 dialect is the one OpenAPI 3.1 schemas are written in.
const require = createRequire(import.meta.url);
const { Ajv2020 } = require('ajv/dist/2020.js') as { Ajv2020: new (options: object) => AjvLike };

interface AjvLike {
  addSchema(schema: object, key: string): void;
  compile(schema: object): ((data: unknown) => boolean) & {
    errors?: Array<{ instancePath: string; message?: string; params?: unknown }> | null;
  };
}

const DOC_ID = 'https://kaikaku.invalid/openapi';
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];

/** The parts of an operation the check reads: its id and its documented answers by status. */
interface DocumentedOperation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> } | undefined>;
}
interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentedOperation | undefined>>;
  components?: unknown;
}

/** A copy in which every described object also forbids undescribed members, so a field the document misses is found. */
function closed(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(closed);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value))
    out[k] =
      k === 'properties' ? Object.fromEntries(Object.entries(v as object).map(([p, s]) => [p, closed(s)])) : closed(v);
  if (out.type === 'object' && out.properties && !('additionalProperties' in out)) out.additionalProperties = false;
  if (typeof out.$ref === 'string') out.$ref = `${DOC_ID}${out.$ref}`;
  return out;
}

/**
 * Checks real answers of the running API against the OpenAPI document it serves: the
 * operation is found by method and path, the answer's status must be documented, and a
 * JSON body must match the documented schema exactly (no missing, mistyped or undocumented
 * members). What the web app's generated types promise is what the server sends.
 */
export class OpenApiConformance {
  readonly violations: string[] = [];
  readonly covered = new Set<string>();
  private readonly ajv: AjvLike;
  private readonly routes: Array<{
    method: string;
    template: string;
    pattern: RegExp;
    params: number;
    operation: DocumentedOperation;
  }>;

  constructor(private readonly document: OpenApiDocument) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
    this.ajv.addSchema({ $id: DOC_ID, components: closed(document.components) }, DOC_ID);
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) =>
        METHODS.flatMap((method) => {
          const operation = item[method];
          if (!operation) return [];
          return [
            {
              method,
              template,
              pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+').replace(/\./g, '\\.')}$`),
              params: (template.match(/\{/g) ?? []).length,
              operation,
            },
          ];
        }),
      )
      // Literal segments win over parameters (/snapshots/compare before /snapshots/{id}).
      .sort((a, b) => a.params - b.params);
  }

  /** `url` as called (absolute or from the origin); records a violation if the answer is not as documented. */
  check(method: string, url: string, res: HttpAnswer): void {
    const path = new URL(url, 'http://x').pathname;
    const route = this.routes.find((r) => r.method === method.toLowerCase() && r.pattern.test(path));
    const where = `${method.toUpperCase()} ${path} → ${res.status}`;
    if (!route) return void this.violations.push(`${where}: no operation in the document`);
    this.covered.add(route.operation.operationId);
    const response = route.operation.responses[String(res.status)];
    if (!response)
      return void this.violations.push(`${where}: status not documented for ${route.operation.operationId}`);
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (res.status === 204 || !res.text) {
      if (response.content && res.status !== 204)
        this.violations.push(`${where}: empty body, documented as ${Object.keys(response.content).join()}`);
      return;
    }
    const media = response.content?.[type];
    if (!media)
      return void this.violations.push(
        `${where}: ${type} not documented (documented: ${Object.keys(response.content ?? {}).join() || 'none'})`,
      );
    if (!/json/.test(type)) return;
    const validate = this.ajv.compile(closed(media.schema) as object);
    if (!validate(res.body)) {
      const errors = (validate.errors ?? [])
        .slice(0, 5)
        .map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
      this.violations.push(`${where} (${route.operation.operationId}): ${errors.join('; ')}`);
    }
  }
}
