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
import {
  act,
  daysFromNow,
  demoClients,
  FULL_CONTENT,
  ok,
  openInquiry,
  proposalIn,
  type Client,
} from '../support/cycle.js';
import { OpenApiConformance } from '../support/openapi-conformance.js';

const ROOT = resolve(import.meta.dirname, '../..');
const METHODS = ['get', 'put', 'post', 'patch', 'delete'];
const PROBLEM_REF = '#/components/schemas/ProblemResponse';

/** The parts of the served OpenAPI document these tests read. */
interface OpenApiParameter {
  in: string;
  name: string;
}
interface OpenApiResponse {
  content?: Record<string, { schema?: { $ref?: string } }>;
}
interface OpenApiOperation {
  operationId: string;
  parameters?: OpenApiParameter[];
  requestBody?: unknown;
  responses: Record<string, OpenApiResponse>;
  'x-access'?: { kind: string };
  'x-no-client-error'?: boolean;
}
interface OpenApiSchemaObject {
  required?: string[];
  properties?: Record<string, unknown>;
  enum?: string[];
}
interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation | undefined>>;
  servers?: unknown;
  components: { schemas: Record<string, OpenApiSchemaObject> };
}

interface Operation {
  method: string;
  path: string;
  op: OpenApiOperation;
}

function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const op = item[method];
      return op ? [{ method, path, op }] : [];
    }),
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
  let document: OpenApiDocument;
  let operations: Operation[];

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(testConfig(db.url));
    const res = await http(`${api.url}/docs-json`);
    expect(res.status).toBe(200);
    document = res.body as OpenApiDocument;
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
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cli, 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json'],
        {
          cwd: dir,
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
          maxBuffer: 64 * 1024 * 1024,
        },
      ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
      const report = JSON.parse(stdout) as {
        totals: { errors: number; warnings: number };
        problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }>;
      };
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
      const successes = Object.entries(op.responses).filter(([status]) => /^2/.test(status));
      return (
        successes.length === 0 ||
        successes.some(([status, r]) => status !== '204' && !Object.values(r.content ?? {}).some((c) => c.schema))
      );
    });
    expect(undescribed.map(({ method, path }) => `${method.toUpperCase()} ${path}`)).toEqual([]);
  });

  it('refers every error answer to the one problem+json schema, whose code lists the stable codes', () => {
    const problem = document.components.schemas.ProblemResponse;
    expect(problem.required).toEqual(expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']));
    expect(Object.keys(problem.properties ?? {})).toEqual(expect.arrayContaining(['errors', 'traceId']));
    expect(document.components.schemas.ErrorCode.enum).toEqual(Object.keys(ERROR_STATUS));
    const wrong: string[] = [];
    for (const { method, path, op } of operations) {
      for (const [status, r] of Object.entries(op.responses)) {
        if (!/^[45]/.test(status) || path.startsWith('/health')) continue;
        const content = Object.keys(r.content ?? {});
        if (
          content.join() !== 'application/problem+json' ||
          r.content?.['application/problem+json']?.schema?.$ref !== PROBLEM_REF
        )
          wrong.push(`${method} ${path} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('documents the errors a route’s inputs imply: 400 on validated input, 409/412/428 with If-Match, 422 with Idempotency-Key, 429 on sign-in', () => {
    const missing: string[] = [];
    const header = (op: OpenApiOperation, name: string) =>
      (op.parameters ?? []).some((p) => p.in === 'header' && p.name === name);
    for (const { method, path, op } of operations) {
      const need: string[] = [];
      if (op.requestBody || (op.parameters ?? []).some((p) => p.in !== 'header')) need.push('400');
      if (header(op, 'If-Match')) need.push('409', '412', '428');
      if (header(op, 'Idempotency-Key')) need.push('422');
      if (op['x-access']?.kind !== 'public') need.push('401');
      if ((op.parameters ?? []).some((p) => p.in === 'path')) need.push('404');
      for (const status of need) if (!op.responses[status]) missing.push(`${method} ${path} ${status}`);
    }
    expect(missing).toEqual([]);
    expect(document.paths['/api/v1/auth/token'].post?.responses['429']).toBeDefined();
    expect(document.paths['/api/v1/proposals/{id}/transitions'].post?.responses).toEqual(
      expect.objectContaining({
        '200': expect.anything(),
        '409': expect.anything(),
        '412': expect.anything(),
        '422': expect.anything(),
        '428': expect.anything(),
      }),
    );
  });

  it('has readable, unique operationIds, servers and the access extension', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !/^[a-z][A-Za-z]*_[a-z][A-Za-z]*$/.test(id))).toEqual([]);
    expect(ids).toEqual(expect.arrayContaining(['proposals_transition', 'proposals_list', 'auth_token']));
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
    expect(operations.filter(({ op }) => !op['x-access'])).toEqual([]);
    // The lint's 4XX exemption cannot hide a route that has input or needs sign-in.
    const exempt = operations.filter(({ op }) => op['x-no-client-error']);
    expect(exempt.map(({ path }) => path)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
    expect(
      exempt.filter(
        ({ op }) => op['x-access']?.kind !== 'public' || op.requestBody || (op.parameters ?? []).length > 0,
      ),
    ).toEqual([]);
  });

  it('generates the committed client types (apps/web/src/api/schema.d.ts)', async () => {
    const generated = await schemaTypesOf(document);
    const committed = await readFile(join(ROOT, SCHEMA_TYPES_PATH), 'utf8').catch(() => '');
    if (generated !== committed) {
      throw new Error(
        `${SCHEMA_TYPES_PATH} differs from what the server's OpenAPI document generates: run npm run openapi:types and commit the result`,
      );
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
    const emptySuccess = lines.flatMap((line, i) =>
      /^\s+content\?: never;/.test(line) && /^2/.test(statusOf(i)) && statusOf(i) !== '204'
        ? [`${statusOf(i)} at line ${i + 1}`]
        : [],
    );
    expect(emptySuccess).toEqual([]);
    expect(generated).toMatch(/proposals_transition: \{/);
    expect(generated).toMatch(/"application\/problem\+json": components\["schemas"\]\["ProblemResponse"\]/);
  });
});

/**
 * The document against the server's real answers: a decision cycle and the tracking reads,
 * each answer checked against the schema of its operation and status (undocumented members
 * count as a mismatch), so the generated types say what the pages will actually receive.
 */
describe('the real answers match the OpenAPI document', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let conformance: OpenApiConformance;
  let user: (username: string) => Promise<Client>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url));
    conformance = new OpenApiConformance((await http(`${api.url}/docs-json`)).body);
    const clients = demoClients(api.url);
    // Every answer of these clients is checked.
    user = async (username) => {
      const client = await clients(username);
      const call = async (method: string, path: string, json?: unknown, headers?: Record<string, string>) => {
        const res = await client.call(method, path, json, headers);
        conformance.check(method, `/api/v1${path}`, res);
        return res;
      };
      return {
        call,
        get: (path: string, headers?: Record<string, string>) => call('GET', path, undefined, headers),
        post: (path: string, json?: unknown, headers?: Record<string, string>) => call('POST', path, json, headers),
        patch: (path: string, json?: unknown, headers?: Record<string, string>) => call('PATCH', path, json, headers),
        delete: (path: string, headers?: Record<string, string>) => call('DELETE', path, undefined, headers),
      };
    };
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('through a decision cycle, the tracking reads and the error answers', async () => {
    const anonymous = async (method: string, path: string, json?: unknown) => {
      const res = await http(`${api.url}${path}`, { method, json });
      conformance.check(method, path, res);
      return res;
    };
    ok(await anonymous('GET', '/health'));
    ok(await anonymous('GET', '/health/ready'));
    ok(await anonymous('POST', '/api/v1/auth/token', { username: 'secretariat', password: 'kaikaku-demo' }));
    expect((await anonymous('POST', '/api/v1/auth/token', { username: 'secretariat' })).status).toBe(400);
    expect((await anonymous('GET', '/api/v1/proposals')).status).toBe(401);
    // The browser session: sign in (cookie), refresh with the cookie, sign out.
    const session = ok(
      await anonymous('POST', '/api/v1/auth/session', { username: 'viewer', password: 'kaikaku-demo' }),
    );
    const cookie = (session.headers.get('set-cookie') ?? '').split(';')[0];
    const withCookie = async (method: string, path: string) => {
      const res = await http(`${api.url}${path}`, { method, headers: { cookie } });
      conformance.check(method, path, res);
      return res;
    };
    const refreshed = ok(await withCookie('POST', '/api/v1/auth/session/refresh'));
    expect((await withCookie('POST', '/api/v1/auth/session/refresh')).status).toBe(401);
    expect(refreshed.body.access_token).toEqual(expect.any(String));
    ok(await withCookie('DELETE', '/api/v1/auth/session'), 204);

    const secretariat = await user('secretariat');
    const admin = await user('admin');
    const editor = await user('kenko.editor');
    ok(await secretariat.get('/system/ping'));
    ok(await editor.get('/me'));
    ok(await editor.patch('/me', { displayName: '健康 編集者' }));
    const token = ok(await editor.post('/me/api-tokens', { name: 'integration' }), 201).body;
    ok(await editor.get('/me/api-tokens'));
    ok(await editor.delete(`/me/api-tokens/${token.id}`), 204);
    ok(await editor.get('/me/notification-settings'));
    ok(await editor.call('PUT', '/me/notification-settings', { inAppEnabled: true }));
    const feed = ok(await editor.post('/me/calendar-feed', {})).body;
    const ics = await http(`${api.url}${new URL(feed.url).pathname}${new URL(feed.url).search}`);
    conformance.check('GET', new URL(feed.url).pathname, ics);
    expect(ics.status).toBe(200);

    const units = ok(await admin.get('/org-units?pageSize=100')).body;
    ok(await admin.get(`/org-units/${units.items[0].id}`));
    const users = ok(await admin.get('/users')).body;
    ok(await admin.get(`/users/${users.items[0].id}`));
    ok(await admin.get('/security-events'));
    ok(await admin.get('/audit/verify'));
    const checkpoint = ok(await admin.post('/audit/checkpoints', {}), 201).body;
    ok(await admin.get('/audit/checkpoints'));
    ok(await admin.get(`/audit/checkpoints/${checkpoint.id}`));

    const plans = ok(await secretariat.get('/plans')).body;
    const plan = plans.find((p: { code: string }) => p.code === 'kaikaku-2027');
    ok(await secretariat.get(`/plans/${plan.id}`));
    ok(await secretariat.get(`/plans/${plan.id}/policies`));
    ok(await secretariat.get('/workflows'));
    ok(await secretariat.get('/workflows/reform-proposal'));

    const { inquiryId } = await openInquiry(user);
    ok(await secretariat.get('/inquiries'));
    ok(await secretariat.get(`/inquiries/${inquiryId}`));
    ok(await (await user('kita.approver')).post(`/inquiries/${inquiryId}/nil-return`, { comment: '該当なし' }));
    ok(await secretariat.get(`/inquiries/${inquiryId}/responses`));

    const proposal = ok(await editor.post('/proposals', { inquiryId, title: '窓口改革', ...FULL_CONTENT }), 201).body;
    ok(await editor.patch(`/proposals/${proposal.id}`, { summary: '改訂' }, { 'if-match': `"${proposal.version}"` }));
    expect(
      (await editor.patch(`/proposals/${proposal.id}`, { summary: 'x' }, { 'if-match': `"${proposal.version}"` }))
        .status,
    ).toBe(412);
    expect((await editor.patch(`/proposals/${proposal.id}`, { summary: 'x' })).status).toBe(428);
    expect((await editor.patch(`/proposals/${proposal.id}`, { summary: 1 }, { 'if-match': '"9"' })).status).toBe(400);
    ok(await editor.get(`/proposals/${proposal.id}/actions`));
    ok(await act(editor, 'proposals', proposal.id, 'submit'));
    ok(await act(await user('kenko.approver'), 'proposals', proposal.id, 'approve'));
    expect((await act(editor, 'proposals', proposal.id, 'submit')).status).toBe(409);
    ok(await act(secretariat, 'proposals', proposal.id, 'return', { comment: '効果額の根拠を' }));
    ok(await editor.get('/notifications'));
    const adopted = await proposalIn(user, inquiryId, 'kenko', 'adopted');
    const council = ok(
      await secretariat.post('/meetings', {
        planId: plan.id,
        kind: 'council',
        title: '定例会',
        heldOn: daysFromNow(7),
      }),
      201,
    ).body;
    ok(await secretariat.post(`/meetings/${council.id}/agenda`, { proposalIds: [adopted] }));
    ok(await secretariat.get('/meetings'));
    ok(await secretariat.get(`/meetings/${council.id}`));
    const reported = ok(await act(secretariat, 'proposals', adopted, 'report', { meetingId: council.id })).body;
    ok(
      await secretariat.post(
        `/proposals/${adopted}/corrections`,
        { changes: { summary: '訂正' }, reason: '誤記' },
        { 'if-match': `"${reported.version}"` },
      ),
    );
    ok(await secretariat.get(`/proposals?inquiryId=${inquiryId}`));
    ok(await secretariat.get(`/proposals/${adopted}`));
    ok(await secretariat.get(`/proposals/${adopted}/history`));
    ok(await secretariat.get(`/proposals/${adopted}/revisions`));
    ok(await secretariat.get('/initiatives'));
    ok(await secretariat.get(`/initiatives/${reported.initiativeId}`));
    ok(await editor.get('/deadlines'));
    const notifications = ok(await editor.get('/notifications')).body;
    if (notifications.items.length > 0) ok(await editor.post(`/notifications/${notifications.items[0].id}/read`));

    // Tracking: the previous plan (第3ステージ) of the demo data.
    const stage3 = plans.find((p: { code: string }) => p.code === 'kaikaku-stage3');
    ok(await secretariat.get(`/plans/${stage3.id}/status-scale`));
    const initiatives = ok(await secretariat.get(`/initiatives?planId=${stage3.id}`)).body;
    ok(await secretariat.get(`/initiatives/${initiatives.items[0].id}/progress-reports`));
    const indicators = ok(await secretariat.get(`/indicators?planId=${stage3.id}`)).body;
    ok(await secretariat.get(`/indicators/${indicators.items[0].id}`));
    ok(await secretariat.get(`/indicators/${indicators.items[0].id}/measurements`));
    ok(await secretariat.get(`/rollups/progress?planId=${stage3.id}&fiscalYear=2022&by=policy`));
    const snapshot = ok(
      await secretariat.post('/rollups/snapshots', { planId: stage3.id, fiscalYear: 2022, title: '基準' }),
      201,
    ).body;
    ok(await secretariat.get(`/rollups/snapshots?planId=${stage3.id}`));
    ok(await secretariat.get(`/rollups/snapshots/${snapshot.id}`));
    ok(await secretariat.get(`/rollups/snapshots/compare?from=${snapshot.id}&to=${snapshot.id}`));
    for (const format of ['json', 'csv', 'xlsx'])
      ok(await secretariat.get(`/reports/council?planId=${stage3.id}&fiscalYear=2022&format=${format}`));
    expect((await editor.get('/users')).status).toBe(403);
    expect((await editor.get(`/proposals/${'0'.repeat(8)}-0000-4000-8000-${'0'.repeat(12)}`)).status).toBe(404);

    expect(conformance.violations).toEqual([]);
    expect(conformance.covered.size).toBeGreaterThanOrEqual(55);
  });

  it('(the check itself) finds a missing, a mistyped and an undocumented member, and an undocumented status', () => {
    const probe = new OpenApiConformance(conformance['document']);
    const answer = (status: number, body: unknown) => ({
      status,
      headers: new Headers({ 'content-type': 'application/json' }),
      body,
      text: JSON.stringify(body),
    });
    probe.check('GET', '/api/v1/system/ping', answer(200, { ok: true }));
    expect(probe.violations).toEqual([]);
    probe.check('GET', '/api/v1/system/ping', answer(200, { ok: true, extra: 1 }));
    probe.check('GET', '/api/v1/system/ping', answer(200, {}));
    probe.check(
      'GET',
      '/api/v1/me/api-tokens',
      answer(200, [
        { id: 'x', name: 1, prefix: 'p', createdAt: 'c', expiresAt: null, lastUsedAt: null, revokedAt: null },
      ]),
    );
    probe.check('GET', '/api/v1/system/ping', answer(418, {}));
    expect(probe.violations).toHaveLength(4);
  });
});
