import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Type } from '@nestjs/common';
import type { AccessPolicy } from '../../apps/api/src/access/access.decorator.js';
import { declaredRoutes, type DeclaredRoute } from '../../apps/api/src/access/route-policies.js';
import { API_CONTROLLERS } from '../../apps/api/src/api.module.js';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

/**
 * The access matrix: every declared route, called as every kind of caller, on an object of
 * the caller's own unit and on one of another unit. The expected status of each call is
 * derived from the route's declared policy, not typed by hand; the test only supplies how
 * to build a valid request for each route. A route without a sample fails the test.
 */
interface Caller {
  name: string;
  username: string | null;
  auth: string | null;
  roles: string[];
  /** Roles held on the city itself. */
  cityWideRoles: string[];
  homeUnitCode: string | null;
  homeUnitId: string | null;
}

type Variant = 'own-unit' | 'other-unit';

interface Built {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

interface Sample {
  /** Status of a successful call. */
  success: number;
  build(caller: Caller, variant: Variant): Promise<Built>;
}

const CALLERS = ['anonymous', 'admin', 'secretariat', 'kenko.editor', 'kenko.approver', 'committee', 'hq', 'viewer'];
const OTHER_UNIT = 'chuo';

describe('access matrix', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let adminAuth: string;
  const callers: Caller[] = [];
  let counter = 0;

  const unitId = async (code: string) => (await db.query(`SELECT id FROM org_unit WHERE code = $1`, [code]))[0].id as string;
  const userId = async (username: string) => (await db.query(`SELECT id FROM app_user WHERE username = $1`, [username]))[0].id as string;
  /** A user belonging to the unit, preferably not the caller (who may be its only member). */
  const userOfUnit = async (code: string, not: string | null) =>
    (
      await db.query(
        `SELECT u.id FROM app_user u JOIN org_unit o ON o.id = u.org_unit_id WHERE o.code = $1 ORDER BY (u.username = $2) NULLS FIRST, u.username LIMIT 1`,
        [code, not],
      )
    )[0].id as string;
  const etag = async (path: string) => (await as(api.url, adminAuth).get(path)).headers.get('etag')!;
  const otherUnitFor = (c: Caller) => (c.homeUnitCode === OTHER_UNIT ? 'kenko' : OTHER_UNIT);
  let foreignToken: string;

  const SAMPLES: Record<string, Sample> = {
    'GET /health': { success: 200, build: async () => ({ path: '/health' }) },
    'GET /health/ready': { success: 200, build: async () => ({ path: '/health/ready' }) },
    'POST /auth/token': { success: 200, build: async () => ({ path: '/auth/token', body: { username: 'viewer', password: DEMO_PASSWORD } }) },
    'GET /me': { success: 200, build: async () => ({ path: '/me' }) },
    'PATCH /me': { success: 200, build: async () => ({ path: '/me', body: { displayName: 'Matrix' } }) },
    'POST /me/password': { success: 204, build: async () => ({ path: '/me/password', body: { currentPassword: DEMO_PASSWORD, newPassword: DEMO_PASSWORD } }) },
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
      build: async (c, v) => ({ path: `/org-units/${await unitId(v === 'own-unit' ? (c.homeUnitCode ?? 'kenko') : otherUnitFor(c))}` }),
    },
    'POST /org-units': {
      success: 201,
      build: async (c, v) => ({
        path: '/org-units',
        body: { code: `${v === 'own-unit' ? 'kenko' : OTHER_UNIT}.m${++counter}`, nameJa: '試験課', nameEn: 'Test Division', kind: 'division', parent: v === 'own-unit' ? 'kenko' : OTHER_UNIT },
      }),
    },
    'PATCH /org-units/:id': {
      success: 200,
      build: async (c, v) => {
        const id = await unitId(v === 'own-unit' ? (c.homeUnitCode ?? 'kenko') : otherUnitFor(c));
        return { path: `/org-units/${id}`, body: { nameEn: (await as(api.url, adminAuth).get(`/org-units/${id}`)).body.nameEn }, headers: { 'if-match': await etag(`/org-units/${id}`) } };
      },
    },
    'GET /users': { success: 200, build: async () => ({ path: '/users' }) },
    'GET /users/:id': {
      success: 200,
      build: async (c, v) => ({ path: `/users/${await userOfUnit(v === 'own-unit' ? (c.homeUnitCode ?? 'kenko') : otherUnitFor(c), c.username)}` }),
    },
    'POST /users': {
      success: 201,
      build: async (c, v) => ({
        path: '/users',
        body: { username: `matrix.${++counter}`, displayName: 'M', orgUnit: v === 'own-unit' ? (c.homeUnitCode ?? 'kenko') : otherUnitFor(c), grants: [] },
      }),
    },
    'PATCH /users/:id': {
      success: 200,
      build: async (c, v) => {
        const id = await userOfUnit(v === 'own-unit' ? (c.homeUnitCode ?? 'kenko') : otherUnitFor(c), c.username);
        return { path: `/users/${id}`, body: { displayName: 'Matrix' }, headers: { 'if-match': await etag(`/users/${id}`) } };
      },
    },
    'GET /security-events': { success: 200, build: async () => ({ path: '/security-events' }) },
  };

  function expectedStatus(policy: AccessPolicy, sample: Sample, caller: Caller, variant: Variant): number {
    if (policy.kind === 'public') return sample.success;
    if (!caller.auth) return 401;
    if (policy.kind === 'roles' && !caller.roles.some((r) => policy.roles.includes(r as never))) return 403;
    if (policy.object === 'own' && variant === 'other-unit') return 404;
    if (policy.object === 'unit' && variant === 'other-unit') {
      const relevant = policy.kind === 'roles' ? policy.roles : caller.roles;
      if (!caller.cityWideRoles.some((r) => relevant.includes(r as never))) return 404;
    }
    return sample.success;
  }

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url, { LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '10000', LOGIN_MAX_ATTEMPTS_PER_USERNAME: '10000' }));
    adminAuth = await signIn(api.url, 'admin');
    for (const name of CALLERS) {
      if (name === 'anonymous') {
        callers.push({ name, username: null, auth: null, roles: [], cityWideRoles: [], homeUnitCode: null, homeUnitId: null });
        continue;
      }
      const auth = await signIn(api.url, name);
      // What each caller may do is read from the API itself, not restated here.
      const me = (await as(api.url, auth).get('/me')).body;
      const [{ root }] = await db.query(`SELECT id AS root FROM org_unit WHERE parent_id IS NULL`);
      callers.push({
        name,
        username: name,
        auth,
        roles: me.grants.map((g: { role: string }) => g.role),
        cityWideRoles: me.grants.filter((g: { orgUnit: { id: string } }) => g.orgUnit.id === root).map((g: { role: string }) => g.role),
        homeUnitCode: me.orgUnit.code,
        homeUnitId: me.orgUnit.id,
      });
    }
    const foreign = as(api.url, await signIn(api.url, `${OTHER_UNIT}.approver`));
    foreignToken = (await foreign.post('/me/api-tokens', { name: 'not yours' })).body.id;
    expect(await userId('admin')).toBeTruthy();
  });
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
      const variants: Variant[] = route.path.includes(':') || route.method === 'POST' ? ['own-unit', 'other-unit'] : ['own-unit'];
      for (const caller of callers) {
        for (const variant of variants) {
          const built = await sample.build(caller, variant);
          const prefix = route.path.startsWith('/health') ? '' : '/api/v1';
          const res = await http(`${api.url}${prefix}${built.path}`, {
            method: route.method,
            json: built.body,
            headers: { ...(caller.auth ? { authorization: caller.auth } : {}), ...(built.headers ?? {}) },
          });
          calls++;
          const expected = expectedStatus(route.policy!, sample, caller, variant);
          if (res.status !== expected) {
            mismatches.push(`${route.method} ${route.path} as ${caller.name} (${variant}): expected ${expected}, got ${res.status} ${res.text.slice(0, 160)}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(calls).toBeGreaterThan(150);
  }, 120_000);
});
