import type { OpenAPIObject } from '@nestjs/swagger';

type Node = Record<string, unknown>;

const isNode = (v: unknown): v is Node => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * @nestjs/swagger writes OpenAPI 3.0, where a `$ref` cannot carry a description or
 * `nullable`; it wraps such refs in a one-element `allOf`, which linters rightly flag and
 * which says "nullable" in a way 3.1 no longer has. This pass states the same schemas in
 * OpenAPI 3.1 (JSON Schema): `$ref` with its siblings, `type: [T, 'null']`, and
 * `oneOf: [ref, null]` for a nullable object.
 */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (!isNode(value)) return;
    for (const child of Object.values(value)) visit(child);
    rewriteSchema(value);
  };
  visit(document.paths);
  visit(document.components);
  return { ...document, openapi: '3.1.0' };
}

function rewriteSchema(s: Node): void {
  const single = Array.isArray(s.allOf) && s.allOf.length === 1 && isNode(s.allOf[0]) ? s.allOf[0] : undefined;
  if ('nullable' in s && typeof s.nullable === 'boolean') {
    const nullable = s.nullable;
    delete s.nullable;
    if (!nullable) return;
    if (single || typeof s.$ref === 'string') {
      const target = single ?? { $ref: s.$ref };
      delete s.allOf;
      delete s.$ref;
      // Nest adds `type: object` beside the allOf; the referenced schema says what it is.
      delete s.type;
      s.oneOf = [target, { type: 'null' }];
    } else if (typeof s.type === 'string') {
      s.type = [s.type, 'null'];
      if (Array.isArray(s.enum)) s.enum = [...(s.enum as unknown[]), null];
    }
    return;
  }
  if (single && Object.keys(single).length === 1 && typeof single.$ref === 'string') {
    delete s.allOf;
    s.$ref = single.$ref;
  }
}
