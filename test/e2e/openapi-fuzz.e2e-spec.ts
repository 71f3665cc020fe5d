import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { signIn } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * Every operation the API publishes in /docs-json gets a bounded set of bad requests, made
 * from its own description: wrong types and out-of-range values in path, query and body,
 * huge strings, deeply nested and malformed bodies, long path segments, odd headers. None
 * may be a 5xx, and every refusal is problem+json with a stable code.
 */

type Schema = {
  type?: string;
  $ref?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  enum?: unknown[];
  allOf?: Schema[];
};
type Operation = {
  parameters?: Array<{ name: string; in: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
};
interface BadRequest {
  what: string;
  method: string;
  path: string;
  query?: string;
  body?: string;
  headers?: Record<string, string>;
}

/** Values no parameter accepts (ids, codes, dates, numbers, enums alike). */
const BAD_SEGMENTS = ['not-an-id', '-1', '1e309', '%E3%81', 'x'.repeat(5000), '..%2F..%2Fetc%2Fpasswd'];

/** A value of the wrong type for `schema`. */
function wrongValue(schema: Schema | undefined): unknown {
  switch (schema?.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'NaN';
    case 'boolean':
      return 'yes';
    case 'array':
      return { not: 'an array' };
    default:
      return ['not', 'an', 'object'];
  }
}

function resolve(
  doc: { components?: { schemas?: Record<string, Schema> } },
  schema: Schema | undefined,
): Schema | undefined {
  if (schema?.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop()!]);
  if (schema?.allOf?.length === 1) return resolve(doc, schema.allOf[0]);
  return schema;
}

function badRequests(
  doc: { components?: { schemas?: Record<string, Schema> } },
  path: string,
  method: string,
  op: Operation,
): BadRequest[] {
  const pathParams = (op.parameters ?? []).filter((p) => p.in === 'path');
  const queryParams = (op.parameters ?? []).filter((p) => p.in === 'query');
  const fill = (value: string) => path.replace(/\{[^}]+\}/g, value);
  const requests: BadRequest[] = [];
  const base = { method: method.toUpperCase() };
  if (pathParams.length > 0) {
    for (const segment of BAD_SEGMENTS)
      requests.push({ ...base, what: `path ${segment.slice(0, 20)}`, path: fill(segment) });
  }
  const target = fill('1');
  if (queryParams.length > 0) {
    const wrong = queryParams
      .map((p) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(wrongValue(resolve(doc, p.schema))))}`)
      .join('&');
    const huge = queryParams.map((p) => `${encodeURIComponent(p.name)}=${'q'.repeat(3000)}`).join('&');
    requests.push(
      { ...base, what: 'query wrong types', path: target, query: wrong },
      { ...base, what: 'query huge', path: target, query: huge },
    );
  }
  const jsonSchema = resolve(doc, op.requestBody?.content?.['application/json']?.schema);
  if (op.requestBody) {
    const json = { 'content-type': 'application/json' };
    const props = Object.entries(jsonSchema?.properties ?? {});
    const wrongTypes = Object.fromEntries(props.map(([name, s]) => [name, wrongValue(resolve(doc, s))]));
    const hugeStrings = Object.fromEntries(props.map(([name]) => [name, 'z'.repeat(200_000)]));
    requests.push(
      { ...base, what: 'body wrong types', path: target, body: JSON.stringify(wrongTypes), headers: json },
      { ...base, what: 'body huge strings', path: target, body: JSON.stringify(hugeStrings), headers: json },
      { ...base, what: 'body nested 2000', path: target, body: '['.repeat(2000) + ']'.repeat(2000), headers: json },
      {
        ...base,
        what: 'body nested objects',
        path: target,
        body: '{"a":'.repeat(1000) + '1' + '}'.repeat(1000),
        headers: json,
      },
      { ...base, what: 'body malformed', path: target, body: '{"a": [1, 2', headers: json },
      { ...base, what: 'body not an object', path: target, body: '"just a string"', headers: json },
      {
        ...base,
        what: 'body over the size limit',
        path: target,
        body: JSON.stringify({ x: 'o'.repeat(1_100_000) }),
        headers: json,
      },
    );
  }
  requests.push(
    {
      ...base,
      what: 'bad headers',
      path: target,
      headers: { 'if-match': 'W/"garbage', 'idempotency-key': 'k'.repeat(5000), accept: 'text/x-nothing' },
    },
    {
      ...base,
      what: 'bad content-type',
      path: target,
      body: 'a=1',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    },
  );
  return requests;
}

describe('OpenAPI-driven fuzz: bad requests to every published operation', () => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('answers none with a 5xx and every refusal as problem+json with a code', async () => {
    const doc = (await http(`${api.url}/docs-json`)).body;
    const authorization = await signIn(api.url, 'admin');
    const requests: BadRequest[] = [];
    for (const [path, item] of Object.entries<Record<string, Operation>>(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
        // Signing out would end the session the rest of the run uses.
        if (/logout|sign-?out|revoke/.test(path)) continue;
        requests.push(...badRequests(doc, path, method, op));
      }
    }
    expect(Object.keys(doc.paths).length).toBeGreaterThan(20);

    const failures: string[] = [];
    let refusals = 0;
    const send = async (r: BadRequest) => {
      const url = `${api.url}${r.path}${r.query ? `?${r.query}` : ''}`;
      const res = await fetch(url, {
        method: r.method,
        headers: { authorization, ...(r.headers ?? {}) },
        body: r.method === 'GET' || r.method === 'DELETE' ? undefined : r.body,
      });
      const text = await res.text();
      const label = `${r.method} ${r.path.slice(0, 80)} [${r.what}] → ${res.status}`;
      if (res.status >= 500) failures.push(`${label}: ${text.slice(0, 200)}`);
      if (res.status >= 400) {
        refusals++;
        const problem = /^application\/problem\+json/.test(res.headers.get('content-type') ?? '');
        const code = problem ? (JSON.parse(text) as { code?: unknown }).code : undefined;
        if (!problem || typeof code !== 'string')
          failures.push(
            `${label}: not problem+json with a code (${res.headers.get('content-type')}) ${text.slice(0, 120)}`,
          );
      }
    };
    // A few at a time: the point is the answers, not load.
    for (let i = 0; i < requests.length; i += 8) await Promise.all(requests.slice(i, i + 8).map(send));

    expect(failures).toEqual([]);
    expect(requests.length).toBeGreaterThan(200);
    expect(refusals).toBeGreaterThan(requests.length * 0.9);
  }, 240_000);
});
