import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ERROR_STATUS } from '#libs/platform';
import { SCHEMA_TYPES_PATH, schemaTypesOf } from '../../scripts/lib/openapi-types.mjs';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

const ROOT = resolve(import.meta.dirname, '../..');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const PROBLEM_REF = '#/components/schemas/ProblemResponse';

interface Operation {
  method: string;
  path: string;
  op: Record<string, any>;
}

function operationsOf(document: any): Operation[] {
  return Object.entries(document.paths as Record<string, Record<string, any>>).flatMap(([path, item]) =>
    METHODS.filter((m) => item[m]).map((method) => ({ method, path, op: item[method] })),
  );
}

/**
 * The OpenAPI document the server serves is the contract of the web app: every answer is
 * described, errors are one problem+json schema, redocly finds nothing to complain about,
 * and the committed client types are what the document generates.
 */
describe('the OpenAPI document at /docs-json', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let document: any;
  let operations: Operation[];

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(testConfig(db.url));
    const res = await http(`${api.url}/docs-json`);
    expect(res.status).toBe(200);
    document = res.body;
    operations = operationsOf(document);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('passes redocly lint (recommended ruleset, redocly.yaml) with 0 errors and 0 warnings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kaikaku-openapi-'));
    try {
      const file = join(dir, 'openapi.json');
      await writeFile(file, JSON.stringify(document, null, 2));
      const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
      // lint exits non-zero on errors; its JSON report is on stdout either way.
      const { stdout } = await promisify(execFile)(process.execPath, [cli, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'], {
        cwd: dir,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
        maxBuffer: 64 * 1024 * 1024,
      }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
      const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
      expect(problems).toEqual([]);
      expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('describes every operation’s success answer with a schema (204 alone has no body)', () => {
    expect(operations.length).toBeGreaterThanOrEqual(79);
    const undescribed = operations.filter(({ op }) => {
      const successes = Object.entries(op.responses as Record<string, any>).filter(([status]) => /^2/.test(status));
      return successes.length === 0 || successes.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((c: any) => c.schema));
    });
    expect(undescribed.map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual([]);
  });

  it('refers every error answer to the one problem+json schema, whose code lists the stable codes', () => {
    const problem = document.components.schemas.ProblemResponse;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    expect(Object.keys(problem.properties)).toEqual(expect.arrayContaining(['errors', 'traceId']));
    expect(document.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_STATUS));
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      for (const [status, r] of Object.entries(op.responses as Record<string, any>)) {
        if (!/^[45]/.test(status) || path.startsWith('/health')) continue;
        const content = Object.keys(r.content ?? {});
        if (content.join() !== 'application/problem+json' || r.content['application/problem+json'].schema.$ref !== PROBLEM_REF) wrong.push(`${method} ${path} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents the errors a route’s inputs imply: 400 on validated input, 409/412/428 with If-Match, 422 with Idempotency-Key, 429 on sign-in', () => {
    const missing: string[] = [];
    const header = (op: any, name: string) => (op.parameters ?? []).some((p: any) => p.in === 'header' && p.name === name);
    for (const { method, path, op } of operations) {
      const need: string[] = [];
      if (op.requestBody || (op.parameters ?? []).some((p: any) => p.in !== 'header')) need.push('400');
      if (header(op, 'If-Match')) need.push('409', '412', '428');
      if (header(op, 'Idempotency-Key')) need.push('422');
      if (op['x-access']?.kind !== 'public') need.push('401');
      for (const status of need) if (!op.responses[status]) missing.push(`${method} ${path} ${status}`);
    }
    expect(missing).toEqual([]);
    expect(document.paths['/api/v1/auth/token'].post.responses['429']).toBeDefined();
    expect(document.paths['/api/v1/proposals/{id}/transitions'].post.responses).toEqual(
      expect.objectContaining({ '200': expect.anything(), '409': expect.anything(), '412': expect.anything(), '422': expect.anything(), '428': expect.anything() }),
    );
  });

  it('has readable, unique operationIds, servers and the access extension', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]*_[a-z][A-Za-z]*$/.test(id))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['proposals_transition', 'proposals_list', 'auth_token']));
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(operations.filter(({ op }) => !op['x-access'])).toEqual([]);
  });

  it('generates the committed client types (apps/web/src/api/schema.d.ts)', async () => {
    const generated = await schemaTypesOf(document);
    const committed = await readFile(join(ROOT, SCHEMA_TYPES_PATH), 'utf8').catch(() => '');
    if (generated !== committed) {
      throw new Error(`${SCHEMA_TYPES_PATH} differs from what the server's OpenAPI document generates: run npm run openapi:types and commit the result`);
    }
    // A success answer without a body type would leave the pages without types.
    const lines = generated.split('\n');
    const statusOf = (i: number) => {
      for (let j = i; j >= 0; j--) {
        const m = /^\s+"?(\d{3}|\dXX|default)"?: \{/.exec(lines[j]);
        if (m) return m[1];
      }
      return '?';
    };
    const emptySuccess = lines.flatMap((line, i) => (/^\s+content\?: never;/.test(line) && /^2/.test(statusOf(i)) && statusOf(i) !== '204' ? [`${statusOf(i)} at line ${i + 1}`] : []));
    expect(emptySuccess).toEqual([]);
    expect(generated).toMatch(/proposals_transition: \{/);
    expect(generated).toMatch(/"application\/problem\+json": components\["schemas"\]\["ProblemResponse"\]/);
  });
});
