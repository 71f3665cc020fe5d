import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import { prepareAuditEntry } from '#libs/platform';
import { REFORM_PROPOSAL, SMALL_PROPOSAL_AMOUNT, WORKFLOW_ROLES, type ConditionDefinition } from '#libs/workflow';
import type { AccessPolicy } from '../../apps/api/src/access/access.decorator.js';
import { declaredRoutes, type DeclaredRoute } from '../../apps/api/src/access/route-policies.js';
import { API_CONTROLLERS } from '../../apps/api/src/api.module.js';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { act, daysFromNow, demoClients, FULL_CONTENT, ok, openInquiry, proposalIn } from '../support/cycle.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';
import { multipart } from '../support/multipart.js';

/**
 * The access matrix: every declared route, called as every kind of caller, on an object of
 * the caller's own unit and on one of another unit. The expected status of each call is
 * derived from the route's declared policy (public / signed in / roles, then the object
 * rule: own, unit, or the proposal visibility rule) — not typed per call. A sample only
 * says how to build a valid request and, where the access layers let a caller through to
 * a domain rule (which workflow role may approve), what that rule answers. A route without
 * a sample fails the test.
 */
interface Grant {
  role: string;
  unitCode: string;
  cityWide: boolean;
}

interface Caller {
  name: string;
  username: string | null;
  auth: string | null;
  grants: Grant[];
  /** Own grants and, while a 代決 period runs, the absent person's workflow grants (what workflow steps and visibility go by). */
  acting: Grant[];
  homeUnitCode: string | null;
}

type Variant = 'own-unit' | 'other-unit';

/** What the proposal visibility rule needs to know of the proposal a call acts on. */
interface ProposalFacts {
  unit: string;
  leftBureau: boolean;
  state: string;
}

interface Built {
  path: string;
  body?: unknown;
  /** A body sent as is (a file upload), with its content type. */
  raw?: { body: string; type: string };
  headers?: Record<string, string>;
  proposal?: ProposalFacts;
}

interface Sample {
  /** Status of a successful call. */
  success: number;
  build(caller: Caller, variant: Variant): Promise<Built>;
  /** The domain's answer once the access layers let the caller through (default: success). */
  domain?(caller: Caller, variant: Variant): number;
}

/** `deputy` holds nothing of its own and stands in (代決) for kenko.approver during the whole run. */
const CALLERS = [
  'anonymous',
  'admin',
  'secretariat',
  'kenko.editor',
  'kenko.approver',
  'committee',
  'hq',
  'viewer',
  'deputy',
];
const DEPUTY_OF = 'kenko.approver';
const OWNERS = ['bureau_editor', 'bureau_approver'];
const REVIEWERS = ['secretariat', 'committee_reviewer', 'hq_member', 'admin'];
const ALL_ROLES_OF_UNITS = ['bureau_editor', 'bureau_approver'];

const holdsIn = (grants: Grant[], roles: readonly string[], unit?: string) =>
  grants.some((g) => roles.includes(g.role) && (unit === undefined || g.cityWide || g.unitCode === unit));
const holds = (c: Caller, roles: readonly string[], unit?: string) => holdsIn(c.grants, roles, unit);
/** Held in one's own right or as a deputy for someone absent (workflow roles only). */
const actsAs = (c: Caller, roles: readonly string[], unit?: string) => holdsIn(c.acting, roles, unit);

/** libs/review proposal-visibility.ts, restated as the documented rule. */
function canSeeProposal(c: Caller, p: ProposalFacts): boolean {
  return (
    actsAs(c, OWNERS, p.unit) ||
    (p.leftBureau && actsAs(c, REVIEWERS, p.unit)) ||
    (p.state === 'reported' && holds(c, [...OWNERS, ...REVIEWERS, 'viewer'], p.unit))
  );
}

/** Whether the reform-proposal definition lets the caller take `action` from `state` on `unit` (the engine's data). */
function workflowAllows(
  c: Caller,
  action: string,
  state: string,
  unit: string,
  record: { expectedAmount?: number } = {},
): boolean {
  return REFORM_PROPOSAL.transitions.some(
    (t) =>
      t.action === action &&
      t.from.includes(state) &&
      (actsAs(c, t.roles, unit) ||
        (t.delegations ?? []).some((d) => actsAs(c, d.roles, unit) && d.when.every((w) => conditionHolds(w, record)))),
  );
}

/** A 専決 condition on the record, restated for the fields this matrix sets (the amount). */
function conditionHolds(w: ConditionDefinition, record: { expectedAmount?: number }): boolean {
  const value = w.field === 'expectedAmount' ? record.expectedAmount : undefined;
  if (value === undefined || typeof w.value !== 'number') return false;
  switch (w.operator) {
    case 'lt':
      return value < w.value;
    case 'lte':
      return value <= w.value;
    case 'gt':
      return value > w.value;
    case 'gte':
      return value >= w.value;
    case 'eq':
      return value === w.value;
    case 'ne':
      return value !== w.value;
    case 'in':
      return false;
  }
}

/**
 * Who may call what, typed by hand from the contract (shared API.md and DOMAIN.md), apart from
 * the @Access metadata the guard enforces: a wrongly declared policy cannot become its own
 * expectation here. A caller left out of a row is one the contract says nothing definite about.
 */
const ALL_SIGNED_IN = ['admin', 'secretariat', 'kenko.editor', 'kenko.approver', 'committee', 'hq', 'viewer'];
const onlyFor = (allowed: string[], success: number, others: string[] = ALL_SIGNED_IN) =>
  Object.fromEntries([['anonymous', 401], ...others.map((c) => [c, allowed.includes(c) ? success : 403])]) as Record<
    string,
    number
  >;
const CONTRACT: Record<string, Record<string, number>> = {
  'GET /health': Object.fromEntries(['anonymous', ...ALL_SIGNED_IN].map((c) => [c, 200])),
  // Loopback, no METRICS_TOKEN configured: the machine's operators, whoever they sign in as.
  'GET /metrics': Object.fromEntries(['anonymous', ...ALL_SIGNED_IN].map((c) => [c, 200])),
  'POST /auth/token': { anonymous: 200 },
  // The citizens' API: anyone, signed in or not.
  'GET /public/plans': Object.fromEntries(['anonymous', ...ALL_SIGNED_IN].map((c) => [c, 200])),
  'GET /me': onlyFor(ALL_SIGNED_IN, 200),
  'GET /org-units': onlyFor(ALL_SIGNED_IN, 200),
  'POST /org-units': onlyFor(['admin'], 201),
  'GET /users': onlyFor(['admin'], 200),
  'POST /users': onlyFor(['admin'], 201),
  'GET /security-events': onlyFor(['admin'], 200),
  'GET /plans': onlyFor(ALL_SIGNED_IN, 200),
  'POST /plans': onlyFor(
    ['secretariat'],
    201,
    ALL_SIGNED_IN.filter((c) => c !== 'admin'),
  ),
  'POST /inquiries': onlyFor(
    ['secretariat'],
    201,
    ALL_SIGNED_IN.filter((c) => c !== 'admin'),
  ),
  'POST /meetings': onlyFor(
    ['secretariat'],
    201,
    ALL_SIGNED_IN.filter((c) => c !== 'admin'),
  ),
  'GET /workflows': onlyFor(ALL_SIGNED_IN, 200),
  'GET /audit/verify': onlyFor(['admin'], 200),
  'POST /audit/checkpoints': onlyFor(['admin'], 201),
  'GET /audit/checkpoints': onlyFor(['admin'], 200),
  'GET /notifications': onlyFor(ALL_SIGNED_IN, 200),
  'GET /calendar.ics': { anonymous: 200 },
  // 代決: everyone names their own deputy; administrators anyone's.
  'GET /me/deputies': onlyFor(ALL_SIGNED_IN, 200),
  'GET /me/deputy-decisions': onlyFor(ALL_SIGNED_IN, 200),
  'GET /deputies': onlyFor(['admin'], 200),
};

describe('access matrix', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let user: ReturnType<typeof demoClients>;
  let adminAuth: string;
  const callers: Caller[] = [];
  let counter = 0;
  let foreignToken: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const fx: Record<string, any> = {};

  const unitId = async (code: string) =>
    (await db.query(`SELECT id FROM org_unit WHERE code = $1`, [code]))[0].id as string;
  /** A user belonging to the unit, preferably not the caller (who may be its only member). */
  const userOfUnit = async (code: string, not: string | null) =>
    (
      await db.query(
        `SELECT u.id FROM app_user u JOIN org_unit o ON o.id = u.org_unit_id WHERE o.code = $1 ORDER BY (u.username = $2) NULLS FIRST, u.username LIMIT 1`,
        [code, not],
      )
    )[0].id as string;
  const etag = async (path: string) => (await as(api.url, adminAuth).get(path)).headers.get('etag')!;
  const etagAs = async (client: string, path: string) => ok(await (await user(client)).get(path)).headers.get('etag')!;
  const otherUnitFor = (c: Caller) => (c.homeUnitCode === 'chuo' ? 'kenko' : 'chuo');
  const homeUnit = (c: Caller) => c.homeUnitCode ?? 'kenko';
  const isSecretariat = (c: Caller) => holds(c, ['secretariat']);
  const freshDraftInquiry = async () =>
    ok(
      await (
        await user('secretariat')
      ).post('/inquiries', { planId: fx.plan, title: `照会 ${++counter}`, dueDate: daysFromNow(14) }),
      201,
    ).body.id as string;

  /** A fresh browser session's refresh cookie (`name=value`). */
  const sessionCookie = async () => {
    const res = await http(`${api.url}/api/v1/auth/session`, {
      method: 'POST',
      json: { username: 'viewer', password: DEMO_PASSWORD },
    });
    return res.headers.getSetCookie()[0].split(';')[0];
  };

  const SAMPLES: Record<string, Sample> = {
    // ── platform and identity ──
    'GET /health': { success: 200, build: async () => ({ path: '/health' }) },
    'GET /health/ready': { success: 200, build: async () => ({ path: '/health/ready' }) },
    'GET /metrics': { success: 200, build: async () => ({ path: '/metrics' }) },
    'POST /auth/token': {
      success: 200,
      build: async () => ({ path: '/auth/token', body: { username: 'viewer', password: DEMO_PASSWORD } }),
    },
    'POST /auth/session': {
      success: 200,
      build: async () => ({ path: '/auth/session', body: { username: 'viewer', password: DEMO_PASSWORD } }),
    },
    // The browser session's routes take the refresh cookie, whoever else the caller is.
    'POST /auth/session/refresh': {
      success: 200,
      build: async () => ({ path: '/auth/session/refresh', headers: { cookie: await sessionCookie() } }),
    },
    'DELETE /auth/session': {
      success: 204,
      build: async () => ({ path: '/auth/session', headers: { cookie: await sessionCookie() } }),
    },
    'GET /auth/methods': { success: 200, build: async () => ({ path: '/auth/methods' }) },
    // No OpenID provider is configured in this file (test/e2e/directory-oidc signs in through one).
    'GET /auth/oidc': { success: 404, build: async () => ({ path: '/auth/oidc' }) },
    'GET /auth/oidc/callback': { success: 404, build: async () => ({ path: '/auth/oidc/callback?code=x&state=y' }) },
    'GET /me': { success: 200, build: async () => ({ path: '/me' }) },
    'GET /system/ping': { success: 200, build: async () => ({ path: '/system/ping' }) },
    'PATCH /me': { success: 200, build: async () => ({ path: '/me', body: { displayName: 'Matrix' } }) },
    'POST /me/password': {
      success: 204,
      build: async () => ({
        path: '/me/password',
        body: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD },
      }),
    },
    'GET /me/api-tokens': { success: 200, build: async () => ({ path: '/me/api-tokens' }) },
    'POST /me/api-tokens': { success: 201, build: async () => ({ path: '/me/api-tokens', body: { name: 'matrix' } }) },
    'DELETE /me/api-tokens/:id': {
      success: 204,
      build: async (c, v) => {
        if (v === 'other-unit' || !c.auth) return { path: `/me/api-tokens/${foreignToken}` };
        const mine = await as(api.url, c.auth).post('/me/api-tokens', { name: 'to revoke' });
        return { path: `/me/api-tokens/${mine.body.id}` };
      },
    },
    'GET /org-units': { success: 200, build: async () => ({ path: '/org-units' }) },
    'GET /org-units/:id': {
      success: 200,
      build: async (c, v) => ({ path: `/org-units/${await unitId(v === 'own-unit' ? homeUnit(c) : otherUnitFor(c))}` }),
    },
    'POST /org-units': {
      success: 201,
      build: async (_c, v) => {
        const parent = v === 'own-unit' ? 'kenko' : 'chuo';
        return {
          path: '/org-units',
          body: {
            code: `${parent}.m${++counter}`,
            nameJa: '試験課',
            nameEn: 'Test Division',
            kind: 'division',
            parent,
          },
        };
      },
    },
    'PATCH /org-units/:id': {
      success: 200,
      build: async (c, v) => {
        const id = await unitId(v === 'own-unit' ? homeUnit(c) : otherUnitFor(c));
        return {
          path: `/org-units/${id}`,
          body: { active: true },
          headers: { 'if-match': await etag(`/org-units/${id}`) },
        };
      },
    },
    'GET /users': { success: 200, build: async () => ({ path: '/users' }) },
    'GET /users/:id': {
      success: 200,
      build: async (c, v) => ({
        path: `/users/${await userOfUnit(v === 'own-unit' ? homeUnit(c) : otherUnitFor(c), c.username)}`,
      }),
    },
    'POST /users': {
      success: 201,
      build: async (c, v) => ({
        path: '/users',
        body: {
          username: `matrix.${++counter}`,
          displayName: 'M',
          orgUnit: v === 'own-unit' ? homeUnit(c) : otherUnitFor(c),
          grants: [],
        },
      }),
    },
    'PATCH /users/:id': {
      success: 200,
      build: async (c, v) => {
        const id = await userOfUnit(v === 'own-unit' ? homeUnit(c) : otherUnitFor(c), c.username);
        return {
          path: `/users/${id}`,
          body: { displayName: 'Matrix' },
          headers: { 'if-match': await etag(`/users/${id}`) },
        };
      },
    },
    'GET /security-events': { success: 200, build: async () => ({ path: '/security-events' }) },

    // ── plans and workflows ──
    'GET /plans': { success: 200, build: async () => ({ path: '/plans' }) },
    'GET /plans/:id': { success: 200, build: async () => ({ path: `/plans/${fx.plan}` }) },
    'POST /plans': {
      success: 201,
      build: async () => ({
        path: '/plans',
        body: { code: `matrix-${++counter}`, name: 'M', firstFiscalYear: 2024, lastFiscalYear: 2027 },
      }),
    },
    'PATCH /plans/:id': {
      success: 200,
      build: async () => ({
        path: `/plans/${fx.plan}`,
        body: { vision: '市民満足度の高い市役所・職員満足度の高い市役所' },
        headers: { 'if-match': await etag(`/plans/${fx.plan}`) },
      }),
    },
    'GET /plans/:id/policies': { success: 200, build: async () => ({ path: `/plans/${fx.plan}/policies` }) },
    'POST /plans/:id/policies': {
      success: 201,
      build: async () => ({
        path: `/plans/${fx.plan}/policies`,
        body: { number: 10 + (++counter % 80), title: '試験方針' },
      }),
    },
    'GET /workflows': { success: 200, build: async () => ({ path: '/workflows' }) },
    'GET /workflows/:name': { success: 200, build: async () => ({ path: '/workflows/reform-proposal' }) },
    'POST /workflows': {
      success: 201,
      build: async () => ({ path: '/workflows', body: { subject: 'progress-report', definition: fx.workflowJson } }),
    },

    // ── inquiries ──
    'GET /inquiries': { success: 200, build: async () => ({ path: '/inquiries' }) },
    'GET /inquiries/:id': { success: 200, build: async () => ({ path: `/inquiries/${fx.inquiry}` }) },
    'POST /inquiries': {
      success: 201,
      build: async () => ({ path: '/inquiries', body: { planId: fx.plan, title: '照会', dueDate: daysFromNow(9) } }),
    },
    'PATCH /inquiries/:id': {
      success: 200,
      build: async (c) => {
        const id = isSecretariat(c) ? await freshDraftInquiry() : fx.inquiry;
        return {
          path: `/inquiries/${id}`,
          body: { description: '説明' },
          headers: { 'if-match': await etag(`/inquiries/${id}`) },
        };
      },
    },
    'POST /inquiries/:id/transitions': {
      success: 200,
      build: async (c) => {
        const id = isSecretariat(c) ? await freshDraftInquiry() : fx.inquiry;
        return {
          path: `/inquiries/${id}/transitions`,
          body: { action: 'open' },
          headers: { 'if-match': await etag(`/inquiries/${id}`) },
        };
      },
    },
    'GET /inquiries/:id/responses': {
      success: 200,
      build: async () => ({ path: `/inquiries/${fx.inquiry}/responses` }),
    },
    'POST /inquiries/:id/nil-return': {
      success: 200,
      build: async (c, v) => ({
        path: `/inquiries/${fx.quietInquiry}/nil-return`,
        body: { orgUnit: v === 'own-unit' ? homeUnit(c) : otherUnitFor(c) },
      }),
      // Only the unit's own approver declares 該当なし.
      domain: (c, v) => (v === 'own-unit' && holds(c, ['bureau_approver'], homeUnit(c)) ? 200 : 403),
    },

    // ── proposals ──
    'GET /proposals': { success: 200, build: async () => ({ path: '/proposals' }) },
    ...Object.fromEntries(
      ['', '/actions', '/history', '/revisions', '/attachments', '/comments'].map((suffix) => [
        `GET /proposals/:id${suffix}`,
        {
          success: 200,
          build: async (_c: Caller, v: Variant) =>
            v === 'own-unit'
              ? {
                  path: `/proposals/${fx.kenkoSubmitted}${suffix}`,
                  proposal: { unit: 'kenko', leftBureau: true, state: 'submitted' },
                }
              : {
                  path: `/proposals/${fx.chuoDraft}${suffix}`,
                  proposal: { unit: 'chuo', leftBureau: false, state: 'draft' },
                },
        } satisfies Sample,
      ]),
    ),
    'POST /proposals': {
      success: 201,
      build: async (c, v) => ({
        path: '/proposals',
        body: {
          inquiryId: fx.inquiry,
          title: `行列 ${++counter}`,
          owningUnit: v === 'own-unit' ? homeUnit(c) : otherUnitFor(c),
        },
      }),
      // Editors draft for their own units only.
      domain: (c, v) => (v === 'own-unit' ? 201 : 403),
    },
    'PATCH /proposals/:id': {
      success: 200,
      build: async (c, v) => {
        const passes = holds(c, ['bureau_editor', 'secretariat']);
        const id = !passes
          ? fx.kenkoSubmitted
          : v === 'own-unit'
            ? await proposalIn(user, fx.inquiry, 'kenko', 'draft')
            : await proposalIn(user, fx.inquiry, 'chuo', 'submitted');
        const facts =
          !passes || v === 'other-unit'
            ? { unit: v === 'own-unit' ? 'kenko' : 'chuo', leftBureau: true, state: 'submitted' }
            : { unit: 'kenko', leftBureau: false, state: 'draft' };
        return {
          path: `/proposals/${id}`,
          body: { summary: '改訂' },
          headers: {
            'if-match': await etagAs(passes && v === 'own-unit' ? 'kenko.editor' : 'secretariat', `/proposals/${id}`),
          },
          proposal: facts,
        };
      },
      // A draft is edited by its bureau, a submitted proposal by the secretariat.
      domain: (c, v) =>
        v === 'own-unit'
          ? holds(c, ['bureau_editor'], 'kenko')
            ? 200
            : 409
          : holds(c, ['secretariat'], 'chuo')
            ? 200
            : 409,
    },
    'POST /proposals/:id/transitions': {
      success: 200,
      build: async (c, v) => {
        const unit = v === 'own-unit' ? 'kenko' : 'chuo';
        const id = await proposalIn(user, fx.inquiry, unit, 'submitted');
        return {
          path: `/proposals/${id}/transitions`,
          body: { action: 'approve' },
          headers: { 'if-match': await etagAs('secretariat', `/proposals/${id}`) },
          proposal: { unit, leftBureau: true, state: 'submitted' },
        };
      },
      // The workflow (data) says who may approve a submitted proposal.
      domain: (c, v) => (workflowAllows(c, 'approve', 'submitted', v === 'own-unit' ? 'kenko' : 'chuo') ? 200 : 403),
    },
    'POST /proposals/:id/corrections': {
      success: 200,
      build: async (c, v) => {
        if (!isSecretariat(c) || v === 'other-unit') {
          return {
            path: `/proposals/${fx.chuoDraft}/corrections`,
            body: { changes: { summary: 'x' }, reason: 'r' },
            headers: { 'if-match': '"1"' },
            proposal: { unit: 'chuo', leftBureau: false, state: 'draft' },
          };
        }
        const id = await proposalIn(user, fx.inquiry, 'kenko', 'adopted');
        return {
          path: `/proposals/${id}/corrections`,
          body: { changes: { summary: '訂正' }, reason: '誤記' },
          headers: { 'if-match': await etagAs('secretariat', `/proposals/${id}`) },
          proposal: { unit: 'kenko', leftBureau: true, state: 'adopted' },
        };
      },
    },

    // ── meetings, initiatives, audit ──
    'GET /meetings': { success: 200, build: async () => ({ path: '/meetings' }) },
    'GET /meetings/:id': { success: 200, build: async () => ({ path: `/meetings/${fx.meeting}` }) },
    'POST /meetings': {
      success: 201,
      build: async () => ({
        path: '/meetings',
        body: { planId: fx.plan, kind: 'committee', title: '委員会', heldOn: daysFromNow(5) },
      }),
    },
    'POST /meetings/:id/agenda': {
      success: 200,
      build: async (c) => {
        if (!isSecretariat(c))
          return { path: `/meetings/${fx.meeting}/agenda`, body: { proposalIds: [fx.kenkoSubmitted] } };
        const id = await proposalIn(user, fx.inquiry, 'kenko', 'committee_review');
        return { path: `/meetings/${fx.meeting}/agenda`, body: { proposalIds: [id] } };
      },
    },
    'GET /initiatives': { success: 200, build: async () => ({ path: '/initiatives' }) },
    'GET /initiatives/:id': { success: 200, build: async () => ({ path: `/initiatives/${fx.initiative}` }) },
    'GET /audit/verify': { success: 200, build: async () => ({ path: '/audit/verify' }) },
    'POST /audit/checkpoints': { success: 201, build: async () => ({ path: '/audit/checkpoints', body: {} }) },
    'GET /audit/checkpoints': { success: 200, build: async () => ({ path: '/audit/checkpoints' }) },
    'GET /audit/checkpoints/:id': {
      success: 200,
      build: async () => ({ path: `/audit/checkpoints/${fx.checkpoint}` }),
    },

    // ── deadlines and notifications ──
    'GET /deadlines': { success: 200, build: async () => ({ path: '/deadlines' }) },
    'GET /calendar.ics': { success: 200, build: async () => ({ path: `/calendar.ics?token=${fx.calendarToken}` }) },
    'GET /notifications': { success: 200, build: async () => ({ path: '/notifications' }) },
    'POST /notifications/:id/read': {
      success: 200,
      build: async (c, v) => {
        const owner = v === 'own-unit' && c.username ? c.username : 'chuo.approver';
        const [{ id }] = await db.query(
          `INSERT INTO notification (user_id, kind, title, body) SELECT id, 'test', 't', 'b' FROM app_user WHERE username = $1 RETURNING id`,
          [owner],
        );
        return { path: `/notifications/${id}/read` };
      },
    },
    'GET /me/notification-settings': { success: 200, build: async () => ({ path: '/me/notification-settings' }) },

    // ── 代決: every naming takes a day of its own, far ahead, so that none overlaps another ──
    'GET /me/deputies': { success: 200, build: async () => ({ path: '/me/deputies' }) },
    'POST /me/deputies': { success: 201, build: async (c) => ({ path: '/me/deputies', body: periodBody(c) }) },
    'DELETE /me/deputies/:id': {
      success: 200,
      build: async (c, v) => {
        if (v === 'other-unit' || !c.auth) return { path: `/me/deputies/${fx.foreignPeriod}` };
        return {
          path: `/me/deputies/${ok(await as(api.url, c.auth).post('/me/deputies', periodBody(c)), 201).body.id}`,
        };
      },
    },
    'GET /me/deputy-decisions': { success: 200, build: async () => ({ path: '/me/deputy-decisions' }) },
    'POST /me/deputy-decisions/:id/seen': {
      success: 204,
      build: async (c, v) => ({
        path: `/me/deputy-decisions/${await decisionFor(v === 'own-unit' && c.username ? c.username : 'chuo.approver')}/seen`,
      }),
    },
    'GET /deputies': { success: 200, build: async () => ({ path: '/deputies' }) },
    'POST /deputies': {
      success: 201,
      build: async () => ({ path: '/deputies', body: { absentUsername: 'chuo.editor', ...periodBody(null) } }),
    },
    'DELETE /deputies/:id': {
      success: 200,
      build: async () => ({
        path: `/deputies/${ok(await (await user('admin')).post('/deputies', { absentUsername: 'chuo.editor', ...periodBody(null) }), 201).body.id}`,
      }),
    },
    'PUT /me/notification-settings': {
      success: 200,
      build: async () => ({ path: '/me/notification-settings', body: { inAppEnabled: true } }),
    },
    'POST /me/calendar-feed': { success: 200, build: async () => ({ path: '/me/calendar-feed' }) },

    // ── tracking: status scales, progress reports, indicators, roll-ups, reports, imports ──
    'GET /plans/:id/status-scale': { success: 200, build: async () => ({ path: `/plans/${fx.stage3}/status-scale` }) },
    'PUT /plans/:id/status-scale': {
      success: 200,
      build: async () => ({ path: `/plans/${fx.stage3}/status-scale`, body: { entries: fx.stage3Scale } }),
    },
    'GET /initiatives/:id/progress-reports': {
      success: 200,
      build: async (_c, v) => ({
        path: `/initiatives/${v === 'own-unit' ? fx.kenkoInitiative : fx.chuoInitiative}/progress-reports`,
      }),
    },
    'POST /initiatives/:id/progress-reports': {
      success: 201,
      build: async (_c, v) => ({
        path: `/initiatives/${await freshInitiative(v === 'own-unit' ? 'kenko' : 'chuo')}/progress-reports`,
        body: { fiscalYear: 2023, status: '計画通り進捗' },
      }),
      // Initiatives are public; only the owning bureau's editors report on them.
      domain: (c, v) => (holds(c, ['bureau_editor'], v === 'own-unit' ? 'kenko' : 'chuo') ? 201 : 403),
    },
    'GET /progress-reports/:id': {
      success: 200,
      build: async (_c, v) => ({
        path: `/progress-reports/${v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport}`,
      }),
      // A report before confirmation is seen by its bureau and the secretariat only.
      domain: (c, v) => (seesUnconfirmedReport(c, v) ? 200 : 404),
    },
    'PATCH /progress-reports/:id': {
      success: 200,
      build: async (_c, v) => {
        const id = v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport;
        return {
          path: `/progress-reports/${id}`,
          body: { narrative: `改訂 ${++counter}` },
          headers: { 'if-match': await etag(`/progress-reports/${id}`) },
        };
      },
      domain: (c, v) =>
        !seesUnconfirmedReport(c, v)
          ? 404
          : holds(c, ['bureau_editor'], v === 'own-unit' ? 'kenko' : 'chuo')
            ? 200
            : 403,
    },
    'POST /progress-reports/:id/transitions': {
      success: 200,
      build: async (c, v) => {
        const unit = v === 'own-unit' ? 'kenko' : 'chuo';
        // The secretariat confirms a submitted report; others try to submit a draft.
        const id = await reportIn(unit, isSecretariat(c) ? 'submitted' : 'draft');
        return {
          path: `/progress-reports/${id}/transitions`,
          body: { action: isSecretariat(c) ? 'confirm' : 'submit' },
          headers: { 'if-match': await etag(`/progress-reports/${id}`) },
        };
      },
      domain: (c, v) =>
        !seesUnconfirmedReport(c, v)
          ? 404
          : holds(c, isSecretariat(c) ? ['secretariat'] : ['bureau_editor'], v === 'own-unit' ? 'kenko' : 'chuo')
            ? 200
            : 403,
    },
    'POST /progress-reports/bulk': {
      success: 200,
      build: async () => ({
        path: '/progress-reports/bulk',
        body: {
          planId: fx.stage3,
          fiscalYear: 2022,
          items: [{ initiativeCode: fx.kenkoInitiativeCode, status: '計画通り進捗' }],
        },
      }),
    },
    'GET /indicators': { success: 200, build: async () => ({ path: `/indicators?planId=${fx.stage3}` }) },
    'GET /indicators/:id': { success: 200, build: async () => ({ path: `/indicators/${fx.indicator}` }) },
    'POST /indicators': {
      success: 201,
      build: async () => ({
        path: '/indicators',
        body: {
          planId: fx.stage3,
          code: `m-${++counter}`,
          name: '行列指標',
          direction: 'higher_better',
          baselineYear: 2021,
          baselineValue: 1,
          targetYear: 2023,
          targetValue: 2,
        },
      }),
    },
    'PATCH /indicators/:id': {
      success: 200,
      build: async () => ({
        path: `/indicators/${fx.indicator}`,
        body: { unit: '%' },
        headers: { 'if-match': await etag(`/indicators/${fx.indicator}`) },
      }),
    },
    'GET /indicators/:id/measurements': {
      success: 200,
      build: async () => ({ path: `/indicators/${fx.indicator}/measurements` }),
    },
    'POST /indicators/:id/measurements': {
      success: 201,
      build: async () => ({ path: `/indicators/${fx.indicator}/measurements`, body: { fiscalYear: 2023, value: 50 } }),
    },
    'GET /rollups/progress': {
      success: 200,
      build: async () => ({ path: `/rollups/progress?planId=${fx.stage3}&fiscalYear=2022&by=orgUnit` }),
    },
    'POST /rollups/snapshots': {
      success: 201,
      build: async () => ({ path: '/rollups/snapshots', body: { planId: fx.stage3, fiscalYear: 2022, title: '行列' } }),
    },
    'GET /rollups/snapshots': { success: 200, build: async () => ({ path: `/rollups/snapshots?planId=${fx.stage3}` }) },
    'GET /rollups/snapshots/compare': {
      success: 200,
      build: async () => ({ path: `/rollups/snapshots/compare?from=${fx.snapshot}&to=${fx.snapshot}` }),
    },
    'GET /rollups/snapshots/:id': { success: 200, build: async () => ({ path: `/rollups/snapshots/${fx.snapshot}` }) },
    'GET /reports/council': {
      success: 200,
      build: async () => ({ path: `/reports/council?planId=${fx.stage3}&fiscalYear=2022&format=csv` }),
    },
    // ── working papers: attachments (multipart, a small CSV) and review comments ──
    'POST /proposals/:id/attachments': {
      success: 201,
      build: async (_c, v) =>
        v === 'own-unit'
          ? {
              path: `/proposals/${await proposalIn(user, fx.inquiry, 'kenko', 'draft')}/attachments`,
              raw: csvUpload(),
              proposal: { unit: 'kenko', leftBureau: false, state: 'draft' },
            }
          : {
              path: `/proposals/${fx.chuoDraft}/attachments`,
              raw: csvUpload(),
              proposal: { unit: 'chuo', leftBureau: false, state: 'draft' },
            },
    },
    'GET /progress-reports/:id/attachments': {
      success: 200,
      build: async (_c, v) => ({
        path: `/progress-reports/${v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport}/attachments`,
      }),
      domain: (c, v) => (seesUnconfirmedReport(c, v) ? 200 : 404),
    },
    'POST /progress-reports/:id/attachments': {
      success: 201,
      build: async (_c, v) => ({
        path: `/progress-reports/${v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport}/attachments`,
        raw: csvUpload(),
      }),
      // A draft report takes files from its bureau and from the secretariat.
      domain: (c, v) =>
        !seesUnconfirmedReport(c, v)
          ? 404
          : holds(c, ['bureau_editor', 'bureau_approver', 'secretariat'], v === 'own-unit' ? 'kenko' : 'chuo')
            ? 201
            : 403,
    },
    'GET /meetings/:id/attachments': {
      success: 200,
      build: async () => ({ path: `/meetings/${fx.meeting}/attachments` }),
    },
    'POST /meetings/:id/attachments': {
      success: 201,
      build: async () => ({ path: `/meetings/${fx.meeting}/attachments`, raw: csvUpload() }),
      domain: (c) => (isSecretariat(c) ? 201 : 403),
    },
    'GET /attachments/:id': {
      success: 200,
      build: async (_c, v) => ({ path: `/attachments/${v === 'own-unit' ? fx.kenkoAttachment : fx.chuoAttachment}` }),
      // Seen exactly as its record is.
      domain: (c, v) => (canSeeProposal(c, attachedTo(v)) ? 200 : 404),
    },
    'POST /attachments/:id/versions': {
      success: 201,
      // Always the series' current version (a superseded one answers 409).
      build: async (_c, v) => ({
        path: `/attachments/${await currentVersion(v === 'own-unit' ? fx.kenkoAttachment : fx.chuoAttachment)}/versions`,
        raw: csvUpload(),
      }),
      domain: (c, v) => mayChangeAttachment(c, v, 201),
    },
    'DELETE /attachments/:id': {
      success: 204,
      build: async (_c, v) => ({
        path: `/attachments/${v === 'own-unit' ? await attach('secretariat', `/proposals/${fx.kenkoSubmitted}/attachments`) : await attach('chuo.editor', `/proposals/${fx.chuoDraft}/attachments`)}`,
      }),
      domain: (c, v) => mayChangeAttachment(c, v, 204),
    },
    'POST /proposals/:id/comments': {
      success: 201,
      build: async (_c, v) =>
        v === 'own-unit'
          ? {
              path: `/proposals/${fx.kenkoSubmitted}/comments`,
              body: { body: '意見' },
              proposal: { unit: 'kenko', leftBureau: true, state: 'submitted' },
            }
          : {
              path: `/proposals/${fx.chuoDraft}/comments`,
              body: { body: '意見' },
              proposal: { unit: 'chuo', leftBureau: false, state: 'draft' },
            },
    },
    'GET /progress-reports/:id/comments': {
      success: 200,
      build: async (_c, v) => ({
        path: `/progress-reports/${v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport}/comments`,
      }),
      domain: (c, v) => (seesUnconfirmedReport(c, v) ? 200 : 404),
    },
    'POST /progress-reports/:id/comments': {
      success: 201,
      build: async (_c, v) => ({
        path: `/progress-reports/${v === 'own-unit' ? fx.kenkoDraftReport : fx.chuoDraftReport}/comments`,
        body: { body: '意見' },
      }),
      domain: (c, v) => (seesUnconfirmedReport(c, v) ? 201 : 404),
    },
    'PATCH /comments/:id': {
      success: 200,
      build: async (_c, v) => {
        const id = v === 'own-unit' ? fx.secretariatComment : fx.chuoComment;
        const [{ revision }] = await db.query(`SELECT revision FROM review_comment WHERE id = $1`, [id]);
        return {
          path: `/comments/${id}`,
          body: { body: `改訂 ${++counter}` },
          headers: { 'if-match': `"${revision}"` },
        };
      },
      // Seen as its record is; edited by its author only.
      domain: (c, v) =>
        !canSeeProposal(c, attachedTo(v))
          ? 404
          : c.username === (v === 'own-unit' ? 'secretariat' : 'chuo.editor')
            ? 200
            : 403,
    },

    // ── the public site's API (no sign-in) ──
    'GET /public/plans': { success: 200, build: async () => ({ path: '/public/plans' }) },
    'GET /public/plans/:plan': { success: 200, build: async () => ({ path: '/public/plans/kaikaku-stage3' }) },
    'GET /public/plans/:plan/rollups/:fiscalYear': {
      success: 200,
      build: async () => ({ path: '/public/plans/kaikaku-stage3/rollups/2022' }),
    },
    'GET /public/plans/:plan/years/:fiscalYear/initiatives': {
      success: 200,
      build: async () => ({ path: '/public/plans/kaikaku-stage3/years/2022/initiatives' }),
    },
    'GET /public/plans/:plan/initiatives/:code': {
      success: 200,
      build: async () => ({ path: '/public/plans/kaikaku-stage3/initiatives/1-01' }),
    },
    'GET /public/plans/:plan/indicators': {
      success: 200,
      build: async () => ({ path: '/public/plans/kaikaku-stage3/indicators' }),
    },
    'GET /public/plans/:plan/open-data/:fiscalYear': {
      success: 200,
      build: async () => ({ path: '/public/plans/kaikaku-stage3/open-data/2022?format=csv' }),
    },
    'POST /imports/:kind': {
      success: 200,
      build: async () => ({
        path: `/imports/measurements?planCode=kaikaku-stage3`,
        raw: { body: '指標コード,年度,値\r\nkpi-1,2023,50\r\n', type: 'text/csv' },
      }),
    },
    // ── 人事異動: each call moves a person of its own (one transfer a person a day) ──
    'GET /personnel-transfers': {
      success: 200,
      build: async () => ({ path: '/personnel-transfers?status=scheduled' }),
    },
    'POST /personnel-transfers': {
      success: 201,
      build: async (c, v) => ({
        path: '/personnel-transfers',
        body: {
          employeeNumber: await transferee(movedFrom(c, v)),
          fromUnit: movedFrom(c, v),
          toUnit: 'kankyo',
          role: '担当者',
          effectiveOn: daysFromNow(30),
        },
      }),
    },
    'POST /personnel-transfers/import': {
      success: 200,
      build: async (c, v) => {
        const from = movedFrom(c, v);
        const body = `職員番号,氏名,旧所属,新所属,役割,発令日\r\n${await transferee(from)},異動 太郎,${from},kankyo,担当者,${daysFromNow(30)}\r\n`;
        return { path: '/personnel-transfers/import', raw: { body, type: 'text/csv' } };
      },
    },
    // ── 機構改革: each call renames a unit on a day of its own ──
    'GET /reorganisations': { success: 200, build: async () => ({ path: '/reorganisations' }) },
    'POST /reorganisations': {
      success: 201,
      build: async (c, v) => ({
        path: '/reorganisations',
        body: {
          kind: 'rename',
          unit: movedFrom(c, v),
          nameJa: `改称 ${++counter}`,
          effectiveOn: daysFromNow(40 + counter),
        },
      }),
    },
  };

  /** A small CSV as a multipart upload (text, so the matrix's string body carries it unchanged). */
  const csvUpload = () => {
    const { body, type } = multipart([
      { name: 'file', fileName: `行列${++counter}.csv`, bytes: Buffer.from('年度,件数\r\n2023,1\r\n') },
    ]);
    return { body: body.toString('utf8'), type };
  };
  /** Uploads as `username` and answers the new attachment's id. */
  const attach = async (username: string, path: string) => {
    const { body, type } = csvUpload();
    const res = await http(`${api.url}/api/v1${path}`, {
      method: 'POST',
      body,
      headers: { authorization: await signIn(api.url, username), 'content-type': type },
    });
    return ok(res, 201).body.id as string;
  };
  const currentVersion = async (seriesId: string) =>
    (await db.query(`SELECT id FROM attachment WHERE series_id = $1 AND superseded_by IS NULL`, [seriesId]))[0]
      .id as string;
  /** The records the attachment and comment fixtures belong to: kenko's submitted proposal, chuo's draft. */
  const attachedTo = (v: Variant): ProposalFacts =>
    v === 'own-unit'
      ? { unit: 'kenko', leftBureau: true, state: 'submitted' }
      : { unit: 'chuo', leftBureau: false, state: 'draft' };
  /** Before 決裁 whoever may attach now changes a record's files: the secretariat once it left the bureau, the bureau while it drafts. */
  const mayChangeAttachment = (c: Caller, v: Variant, success: number) =>
    !canSeeProposal(c, attachedTo(v))
      ? 404
      : holds(c, v === 'own-unit' ? ['secretariat'] : OWNERS, v === 'own-unit' ? 'kenko' : 'chuo')
        ? success
        : 403;
  /** A one-day period of its own, 200+ days ahead; the deputy is never the caller. */
  const periodBody = (c: Caller | null) => {
    const day = daysFromNow(200 + ++counter);
    return { deputyUsername: c?.username === 'matrix.deputy' ? 'viewer' : 'matrix.deputy', from: day, to: day };
  };
  /** 後閲: a decision a deputy took for `username`, as the transition pipeline records one. */
  const decisionFor = async (username: string) => {
    const [absent] = await db.query(`SELECT id FROM app_user WHERE username = $1`, [username]);
    const entry = prepareAuditEntry({
      actorUserId: null,
      actorUsername: 'matrix.deputy',
      entityType: 'proposal',
      entityId: fx.kenkoSubmitted,
      action: 'approve',
      details: { onBehalfOf: { userId: absent.id, username, deputyAssignmentId: null } },
    });
    await db.query(
      `INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_username, entity_type, entity_id, action, from_state, to_state, details, content_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)`,
      entry.values,
    );
    return entry.id;
  };

  /** A transfer moves someone out of a bureau or ward (never out of the city itself). */
  const movedFrom = (c: Caller, v: Variant) => {
    const unit = v === 'own-unit' ? homeUnit(c) : otherUnitFor(c);
    return unit === 'kumamoto' ? 'somu' : unit;
  };
  /** A person of `unit` with an employee number of their own, ready to be transferred. */
  const transferee = async (unit: string) => {
    const number = `M${++counter}`;
    await db.query(
      `INSERT INTO app_user (username, display_name, org_unit_id, employee_number) SELECT $1, '異動 太郎', id, $2 FROM org_unit WHERE code = $3`,
      [`transfer.${number.toLowerCase()}`, number, unit],
    );
    return number;
  };

  /** progress-reports.service.ts canSeeUnconfirmed, restated: the unit's bureau roles, the secretariat, admins. */
  const seesUnconfirmedReport = (c: Caller, v: Variant) =>
    holds(c, ['admin'], v === 'own-unit' ? 'kenko' : 'chuo') ||
    actsAs(c, ['bureau_editor', 'bureau_approver', 'secretariat'], v === 'own-unit' ? 'kenko' : 'chuo');
  /** A new initiative of the previous plan owned by `unit` (initiatives come from the council or imports, not this API). */
  const freshInitiative = async (unit: string) =>
    (
      await db.query(
        `INSERT INTO initiative (plan_id, code, title, policy_id, owning_unit_id, source)
         SELECT $1, $2, '行列の取組', (SELECT id FROM plan_policy WHERE plan_id = $1 AND number = 1), id, 'import' FROM org_unit WHERE code = $3 RETURNING id`,
        [fx.stage3, `m-${++counter}`, unit],
      )
    )[0].id as string;
  /** A progress report of a fresh initiative of `unit`, driven through the API to `state`. */
  const reportIn = async (unit: string, state: 'draft' | 'submitted') => {
    const editor = await user(`${unit}.editor`);
    const report = ok(
      await editor.post(`/initiatives/${await freshInitiative(unit)}/progress-reports`, {
        fiscalYear: 2023,
        status: '計画通り進捗',
      }),
      201,
    ).body;
    if (state === 'submitted')
      ok(
        await editor.post(
          `/progress-reports/${report.id}/transitions`,
          { action: 'submit' },
          { 'if-match': `"${report.version}"` },
        ),
      );
    return report.id as string;
  };

  function expectedStatus(
    policy: AccessPolicy,
    sample: Sample,
    caller: Caller,
    variant: Variant,
    built: Built,
  ): number {
    if (policy.kind === 'public') return sample.success;
    // This file's API has no METRICS_TOKEN and is called on loopback: every caller is an
    // operator (test/e2e/metrics covers the token and a proxied caller).
    if (policy.kind === 'operators') return sample.success;
    if (!caller.auth) return 401;
    if (policy.kind === 'roles' && !(policy.deputies ? actsAs(caller, policy.roles) : holds(caller, policy.roles)))
      return 403;
    if (policy.object === 'own' && variant === 'other-unit') return 404;
    if (policy.object === 'unit' && variant === 'other-unit') {
      const relevant = policy.kind === 'roles' ? policy.roles : caller.grants.map((g) => g.role);
      if (!caller.grants.some((g) => g.cityWide && relevant.includes(g.role as never))) return 404;
    }
    if (policy.object === 'proposal' && !canSeeProposal(caller, built.proposal!)) return 404;
    return sample.domain ? sample.domain(caller, variant) : sample.success;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(
      testConfig(db.url, {
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '10000',
        LOGIN_MAX_ATTEMPTS_PER_USERNAME: '10000',
        PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
      }),
    );
    user = demoClients(api.url);
    adminAuth = await signIn(api.url, 'admin');
    const [{ root }] = await db.query(`SELECT id AS root FROM org_unit WHERE parent_id IS NULL`);
    // The deputy: a person of another bureau with no grants, standing in for kenko.approver from today.
    await db.query(
      `INSERT INTO app_user (username, display_name, password_hash, org_unit_id)
       SELECT 'matrix.deputy', '代決 太郎', password_hash, (SELECT id FROM org_unit WHERE code = 'kankyo') FROM app_user WHERE username = 'viewer'`,
    );
    ok(
      await (
        await user(DEPUTY_OF)
      ).post('/me/deputies', { deputyUsername: 'matrix.deputy', from: daysFromNow(0), to: daysFromNow(1) }),
      201,
    );
    fx.foreignPeriod = ok(
      await (
        await user('chuo.approver')
      ).post('/me/deputies', { deputyUsername: 'chuo.editor', from: daysFromNow(150), to: daysFromNow(150) }),
      201,
    ).body.id;
    const grantsOf = async (auth: string) => {
      // What each caller holds is read from the API itself, not restated here.
      const me = (await as(api.url, auth).get('/me')).body;
      const grants: Grant[] = me.grants.map((g: { role: string; orgUnit: { id: string; code: string } }) => ({
        role: g.role,
        unitCode: g.orgUnit.code,
        cityWide: g.orgUnit.id === root,
      }));
      return { grants, homeUnitCode: me.orgUnit.code as string };
    };
    for (const name of CALLERS) {
      if (name === 'anonymous') {
        callers.push({ name, username: null, auth: null, grants: [], acting: [], homeUnitCode: null });
        continue;
      }
      const username = name === 'deputy' ? 'matrix.deputy' : name;
      const auth = await signIn(api.url, username);
      const { grants, homeUnitCode } = await grantsOf(auth);
      // 代決: the deputy acts with the absent person's workflow grants besides their own.
      const stoodFor = name === 'deputy' ? (await grantsOf(await signIn(api.url, DEPUTY_OF))).grants : [];
      callers.push({ name, username, auth, grants, acting: [...grants, ...stoodFor], homeUnitCode });
    }
    foreignToken = (await (await user('chuo.approver')).post('/me/api-tokens', { name: 'not yours' })).body.id;

    // Objects for the review routes.
    ({ planId: fx.plan, inquiryId: fx.inquiry } = await openInquiry(user));
    ({ inquiryId: fx.quietInquiry } = await openInquiry(user));
    fx.kenkoSubmitted = await proposalIn(user, fx.inquiry, 'kenko', 'submitted');
    fx.chuoDraft = await proposalIn(user, fx.inquiry, 'chuo', 'draft');
    const secretariat = await user('secretariat');
    fx.meeting = ok(
      await secretariat.post('/meetings', {
        planId: fx.plan,
        kind: 'committee',
        title: '委員会',
        heldOn: daysFromNow(5),
      }),
      201,
    ).body.id;
    const reported = await proposalIn(user, fx.inquiry, 'kenko', 'adopted');
    const council = ok(
      await secretariat.post('/meetings', {
        planId: fx.plan,
        kind: 'council',
        title: '定例会',
        heldOn: daysFromNow(7),
      }),
      201,
    ).body.id;
    ok(await secretariat.post(`/meetings/${council}/agenda`, { proposalIds: [reported] }));
    fx.initiative = ok(await act(secretariat, 'proposals', reported, 'report')).body.initiativeId;
    fx.workflowJson = (await secretariat.get('/workflows/progress-report')).body.definition;
    // Objects for the tracking routes: the previous plan (第3ステージ) of the demo data.
    fx.stage3 = (await db.query(`SELECT id FROM plan WHERE code = 'kaikaku-stage3'`))[0].id;
    fx.stage3Scale = ok(await secretariat.get(`/plans/${fx.stage3}/status-scale`)).body;
    [fx.kenkoInitiative, fx.chuoInitiative] = [await freshInitiative('kenko'), await freshInitiative('chuo')];
    fx.kenkoInitiativeCode = (
      await db.query(`SELECT code FROM initiative WHERE id = $1`, [fx.kenkoInitiative])
    )[0].code;
    [fx.kenkoDraftReport, fx.chuoDraftReport] = [await reportIn('kenko', 'draft'), await reportIn('chuo', 'draft')];
    fx.indicator = (
      await db.query(`SELECT id FROM indicator WHERE plan_id = $1 AND code = 'kpi-1'`, [fx.stage3])
    )[0].id;
    fx.snapshot = ok(
      await secretariat.post('/rollups/snapshots', { planId: fx.stage3, fiscalYear: 2022, title: '行列の基準' }),
      201,
    ).body.id;
    fx.kenkoAttachment = await attach('secretariat', `/proposals/${fx.kenkoSubmitted}/attachments`);
    fx.chuoAttachment = await attach('chuo.editor', `/proposals/${fx.chuoDraft}/attachments`);
    fx.secretariatComment = ok(
      await secretariat.post(`/proposals/${fx.kenkoSubmitted}/comments`, { body: '行列の意見' }),
      201,
    ).body.id;
    fx.chuoComment = ok(
      await (await user('chuo.editor')).post(`/proposals/${fx.chuoDraft}/comments`, { body: '行列の意見' }),
      201,
    ).body.id;
    fx.checkpoint = ok(await (await user('admin')).post('/audit/checkpoints', {}), 201).body.id;
    fx.calendarToken = new URL(
      ok(await (await user('kenko.editor')).post('/me/calendar-feed', {})).body.url,
    ).searchParams.get('token')!;
  }, 120_000);
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('has a sample for every declared route, and a route for every sample', () => {
    const routes = declaredRoutes(API_CONTROLLERS as Type[]).map((r) => `${r.method} ${r.path}`);
    expect([...routes].sort()).toEqual(Object.keys(SAMPLES).sort());
  });

  it('gives every caller exactly the status the policies say, on every route and both units (0 leaks)', async () => {
    const routes: DeclaredRoute[] = declaredRoutes(API_CONTROLLERS as Type[]);
    const mismatches: string[] = [];
    let calls = 0;
    for (const route of routes) {
      const sample = SAMPLES[`${route.method} ${route.path}`];
      const variants: Variant[] =
        route.path.includes(':') || route.method === 'POST' ? ['own-unit', 'other-unit'] : ['own-unit'];
      for (const caller of callers) {
        for (const variant of variants) {
          const built = await sample.build(caller, variant);
          const prefix = /^\/(health|metrics)/.test(route.path) ? '' : '/api/v1';
          const res = await http(`${api.url}${prefix}${built.path}`, {
            method: route.method,
            ...(built.raw ? { body: built.raw.body } : { json: built.body }),
            headers: {
              ...(caller.auth ? { authorization: caller.auth } : {}),
              ...(built.raw ? { 'content-type': built.raw.type } : {}),
              ...(built.headers ?? {}),
            },
          });
          calls++;
          const expected = expectedStatus(route.policy!, sample, caller, variant, built);
          if (res.status !== expected) {
            mismatches.push(
              `${route.method} ${route.path} as ${caller.name} (${variant}): expected ${expected}, got ${res.status} ${res.text.slice(0, 200)}`,
            );
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    process.stderr.write(
      `access matrix: ${routes.length} routes, ${callers.length} callers, ${calls} calls, ${mismatches.length} mismatches\n`,
    );
    expect(calls).toBeGreaterThan(600);
  }, 300_000);

  it('answers as the contract says on a sample of routes, a table typed apart from @Access', async () => {
    const mismatches: string[] = [];
    let checked = 0;
    // The matrix above made kenko.editor a new feed address; take the current one.
    fx.calendarToken = new URL(
      ok(await (await user('kenko.editor')).post('/me/calendar-feed', {})).body.url,
    ).searchParams.get('token')!;
    for (const [route, expectations] of Object.entries(CONTRACT)) {
      const [method, path] = route.split(' ');
      const sample = SAMPLES[route];
      expect([route, sample !== undefined]).toEqual([route, true]);
      for (const [name, expected] of Object.entries(expectations)) {
        const caller = callers.find((c) => c.name === name)!;
        const built = await sample.build(caller, 'own-unit');
        const prefix = /^\/(health|metrics)/.test(path) ? '' : '/api/v1';
        const res = await http(`${api.url}${prefix}${built.path}`, {
          method,
          json: built.body,
          headers: { ...(caller.auth ? { authorization: caller.auth } : {}), ...(built.headers ?? {}) },
        });
        checked++;
        if (res.status !== expected)
          mismatches.push(`${route} as ${name}: the contract says ${expected}, got ${res.status}`);
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(100);
  });

  it('applies 専決 and 代決 on the HQ’s step as the definition says: every caller, a small and a large proposal', async () => {
    /** A kenko proposal of `amount` (千円) at 推進本部審議, driven there by its own people. */
    const atHq = async (amount: number) => {
      const editor = await user('kenko.editor');
      const { id } = ok(
        await editor.post('/proposals', {
          inquiryId: fx.inquiry,
          title: `専決 ${++counter}`,
          ...FULL_CONTENT,
          expectedAmount: amount,
        }),
        201,
      ).body;
      for (const who of ['kenko.editor', 'kenko.approver', 'secretariat', 'committee'])
        ok(await act(await user(who), 'proposals', id, who === 'kenko.editor' ? 'submit' : 'approve'));
      return id as string;
    };
    const mismatches: string[] = [];
    const marks: string[] = [];
    for (const caller of callers.filter((c) => c.auth)) {
      for (const amount of [SMALL_PROPOSAL_AMOUNT - 1, SMALL_PROPOSAL_AMOUNT]) {
        const id = await atHq(amount);
        const etagNow = await etagAs('secretariat', `/proposals/${id}`);
        const res = await http(`${api.url}/api/v1/proposals/${id}/transitions`, {
          method: 'POST',
          json: { action: 'approve' },
          headers: { authorization: caller.auth!, 'if-match': etagNow },
        });
        // The route's guard first (workflow roles, own or as a deputy), then visibility, then the definition.
        const expected = !actsAs(caller, WORKFLOW_ROLES)
          ? 403
          : !canSeeProposal(caller, { unit: 'kenko', leftBureau: true, state: 'hq_review' })
            ? 404
            : workflowAllows(caller, 'approve', 'hq_review', 'kenko', { expectedAmount: amount })
              ? 200
              : 403;
        if (res.status !== expected)
          mismatches.push(
            `approve at hq_review (amount ${amount}) as ${caller.name}: expected ${expected}, got ${res.status}`,
          );
        if (res.status === 200) {
          const history = ok(await (await user('secretariat')).get(`/proposals/${id}/history`)).body as Array<{
            marks: string[];
          }>;
          marks.push(`${caller.name} ${amount}: ${history[history.length - 1].marks.join('+') || '-'}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
    // Who decided in their own right, under the 専決 rule, and as a deputy exercising it (代決 and 専決 at once).
    const small = SMALL_PROPOSAL_AMOUNT - 1;
    expect(marks).toEqual([
      `kenko.approver ${small}: 専決`,
      `hq ${small}: -`,
      `hq ${SMALL_PROPOSAL_AMOUNT}: -`,
      `deputy ${small}: 代決+専決`,
    ]);
  }, 300_000);

  it('lists nothing of another unit that the caller may not open: every GET route, every caller', async () => {
    // Objects private to a unit or a person, each with the way to tell whether a caller may see it.
    const [{ id: chuoNotification }] = await db.query(
      `INSERT INTO notification (user_id, kind, title, body) SELECT id, 'test', '中央区だけの通知', 'b' FROM app_user WHERE username = 'chuo.approver' RETURNING id`,
    );
    const chuoDeadlines = (
      await db.query(`SELECT d.id FROM deadline d JOIN org_unit o ON o.id = d.owner_unit_id WHERE o.code = 'chuo'`)
    ).map((r) => r.id as string);
    expect(chuoDeadlines.length).toBeGreaterThan(0);
    const secrets: Array<{ id: string; what: string; hiddenFrom: (c: Caller) => Promise<boolean> }> = [
      {
        id: fx.chuoDraft,
        what: 'chuo’s draft proposal',
        hiddenFrom: async (c) => !canSeeProposal(c, { unit: 'chuo', leftBureau: false, state: 'draft' }),
      },
      {
        id: fx.chuoDraftReport,
        what: 'chuo’s draft progress report',
        hiddenFrom: async (c) => !holds(c, ['bureau_editor', 'bureau_approver', 'secretariat', 'admin'], 'chuo'),
      },
      // (Admins read the security events, which name the token.)
      {
        id: foreignToken,
        what: 'chuo.approver’s API token',
        hiddenFrom: async (c) => c.username !== 'chuo.approver' && !holds(c, ['admin']),
      },
      {
        id: chuoNotification,
        what: 'chuo.approver’s notification',
        hiddenFrom: async (c) => c.username !== 'chuo.approver',
      },
      ...chuoDeadlines.map((id) => ({
        id,
        what: 'a deadline of chuo',
        hiddenFrom: async (c: Caller) => !holds(c, ['secretariat', 'admin']) && !holds(c, ALL_ROLES_OF_UNITS, 'chuo'),
      })),
    ];
    const leaks: string[] = [];
    let lists = 0;
    for (const route of declaredRoutes(API_CONTROLLERS as Type[]).filter((r) => r.method === 'GET')) {
      const sample = SAMPLES[`${route.method} ${route.path}`];
      for (const caller of callers.filter((c) => c.auth)) {
        const built = await sample.build(caller, 'own-unit');
        const prefix = /^\/(health|metrics)/.test(route.path) ? '' : '/api/v1';
        const url = `${api.url}${prefix}${built.path}${built.path.includes('?') ? '&' : '?'}pageSize=100`;
        const res = await http(url, { headers: { authorization: caller.auth! } });
        if (res.status !== 200) continue;
        lists++;
        for (const secret of secrets) {
          if (res.text.includes(secret.id) && (await secret.hiddenFrom(caller)))
            leaks.push(`GET ${route.path} as ${caller.name} shows ${secret.what} (${secret.id})`);
        }
      }
    }
    expect(leaks).toEqual([]);
    expect(lists).toBeGreaterThan(150);
  });
});
