import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Attribute, Change } from 'ldapts';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as, signIn } from '../support/auth.js';
import { ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LDAP_SUFFIX, startSlapd, type TestSlapd } from '../support/slapd.js';

/**
 * Sign-in through the city's directory: a real OpenLDAP (Debian's slapd) on a loopback port.
 * The service account finds the person, a bind as them checks the password, their groups give
 * their roles; a person disabled in the directory is refused and their sessions end.
 */
const PEOPLE = `ou=people,${LDAP_SUFFIX}`;
const GROUPS = `ou=groups,${LDAP_SUFFIX}`;
const SERVICE = `cn=kaikaku,ou=services,${LDAP_SUFFIX}`;
const EDITORS = `cn=kaikaku-editors,${GROUPS}`;
const SECRETARIAT = `cn=kaikaku-secretariat,${GROUPS}`;

describe('directory sign-in over LDAP', () => {
  let ldap: TestSlapd;
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    ldap = await startSlapd();
    await ldap.admin(async (c) => {
      await c.add(SERVICE, {
        objectClass: ['organizationalRole', 'simpleSecurityObject'],
        cn: 'kaikaku',
        userPassword: 'service-secret',
      });
      const person = (uid: string, name: string, number: string, unit: string) =>
        c.add(`uid=${uid},${PEOPLE}`, {
          objectClass: 'inetOrgPerson',
          uid,
          cn: name,
          sn: name.split(' ')[0],
          displayName: name,
          mail: `${uid}@city.example`,
          employeeNumber: number,
          departmentNumber: unit,
          userPassword: `${uid}-password`,
        });
      await person('tanaka', '田中 花子', 'K1001', 'kenko');
      await person('suzuki', '鈴木 一郎', 'K1002', '総務局');
      await c.add(EDITORS, { objectClass: 'groupOfNames', cn: 'kaikaku-editors', member: [`uid=tanaka,${PEOPLE}`] });
      await c.add(SECRETARIAT, {
        objectClass: 'groupOfNames',
        cn: 'kaikaku-secretariat',
        member: [`uid=suzuki,${PEOPLE}`],
      });
    });
    db = await createTestDatabase({ demo: true });
    api = await startApi(
      testConfig(db.url, {
        LDAP_URL: ldap.url,
        LDAP_BIND_DN: SERVICE,
        LDAP_BIND_PASSWORD: 'service-secret',
        LDAP_USER_BASE: PEOPLE,
        LDAP_GROUP_BASE: GROUPS,
        LDAP_DISABLED_FILTER: '(employeeType=disabled)',
        DIRECTORY_ROLE_MAP: JSON.stringify({
          [EDITORS]: 'bureau_editor@{unit}',
          [SECRETARIAT]: ['secretariat@kumamoto'],
        }),
      }),
    );
  }, 120_000);

  afterAll(async () => {
    await api?.close();
    await db?.drop();
    await ldap?.stop();
  });

  const token = (username: string, password: string) =>
    http(`${api.url}/api/v1/auth/token`, { method: 'POST', json: { username, password } });
  const events = async (kind: string, username: string) =>
    ok(await as(api.url, await signIn(api.url, 'admin')).get(`/security-events?kind=${kind}&username=${username}`)).body
      .items as Array<{ details: Record<string, unknown> }>;
  const grantsOf = (me: { grants: Array<{ role: string; orgUnit: { code: string } }> }) =>
    me.grants.map((g) => `${g.role}@${g.orgUnit.code}`);

  it('creates the person at their first sign-in, with unit and roles from the directory', async () => {
    expect(await db.query(`SELECT 1 FROM app_user WHERE username = 'tanaka'`)).toHaveLength(0);
    const res = ok(await token('tanaka', 'tanaka-password'));
    const me = ok(await as(api.url, `Bearer ${res.body.access_token}`).get('/me')).body;
    expect(me).toMatchObject({
      username: 'tanaka',
      displayName: '田中 花子',
      email: 'tanaka@city.example',
      orgUnit: { code: 'kenko' },
    });
    expect(grantsOf(me)).toEqual(['bureau_editor@kenko']);
    const [row] = await db.query(
      `SELECT directory, directory_subject, employee_number, password_hash FROM app_user WHERE username = 'tanaka'`,
    );
    expect(row).toEqual({
      directory: 'ldap',
      directory_subject: `uid=tanaka,${PEOPLE}`,
      employee_number: 'K1001',
      password_hash: null,
    });
    expect((await events('user.created', 'tanaka'))[0].details).toMatchObject({ via: 'ldap', unit: 'kenko' });
    expect((await events('signin.succeeded', 'tanaka'))[0].details).toMatchObject({ via: 'ldap' });

    // A unit given by name, a group giving a city-wide role.
    const suzuki = ok(await token('suzuki', 'suzuki-password')).body.access_token;
    const suzukiMe = ok(await as(api.url, `Bearer ${suzuki}`).get('/me')).body;
    expect(suzukiMe.orgUnit.code).toBe('somu');
    expect(grantsOf(suzukiMe)).toEqual(['secretariat@kumamoto']);
  });

  it('refuses a wrong or empty password and an unknown name, and says why in the security log; local accounts are untouched', async () => {
    expect((await token('tanaka', 'wrong')).status).toBe(401);
    expect((await token('tanaka', '')).status).toBe(401);
    expect((await token('nobody', 'x')).status).toBe(401);
    // A filter written into the name finds nobody.
    expect((await token('*', 'tanaka-password')).status).toBe(401);
    const reasons = (await events('signin.failed', 'tanaka')).map((e) => e.details.reason);
    expect(reasons).toEqual(['wrong_password', 'wrong_password']);
    expect((await events('signin.failed', 'nobody'))[0].details.reason).toBe('unknown_user');
    expect((await token('admin', 'kaikaku-demo')).status).toBe(200);
  });

  it('follows the directory’s groups at each sign-in', async () => {
    // (A groupOfNames keeps one member at least: the new one comes first.)
    await ldap.admin(async (c) => {
      await c.modify(EDITORS, [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [`uid=suzuki,${PEOPLE}`] }),
        }),
      ]);
      await c.modify(EDITORS, [
        new Change({
          operation: 'delete',
          modification: new Attribute({ type: 'member', values: [`uid=tanaka,${PEOPLE}`] }),
        }),
      ]);
    });
    await ldap.admin((c) =>
      c.modify(SECRETARIAT, [
        new Change({
          operation: 'add',
          modification: new Attribute({ type: 'member', values: [`uid=tanaka,${PEOPLE}`] }),
        }),
      ]),
    );
    const me = ok(
      await as(api.url, `Bearer ${ok(await token('tanaka', 'tanaka-password')).body.access_token}`).get('/me'),
    ).body;
    expect(grantsOf(me)).toEqual(['secretariat@kumamoto']);
    expect((await events('grants.changed', 'tanaka'))[0].details).toMatchObject({
      before: ['bureau_editor@kenko'],
      after: ['secretariat@kumamoto'],
      via: 'ldap',
    });
  });

  it('refuses a person disabled in the directory at their next sign-in and ends their browser sessions', async () => {
    const session = await http(`${api.url}/api/v1/auth/session`, {
      method: 'POST',
      json: { username: 'tanaka', password: 'tanaka-password' },
    });
    expect(session.status).toBe(200);
    const cookie = /kaikaku_refresh=([^;]+)/.exec(session.headers.getSetCookie().join('\n'))![1];
    const refresh = () =>
      http(`${api.url}/api/v1/auth/session/refresh`, {
        method: 'POST',
        headers: { cookie: `kaikaku_refresh=${cookie}` },
      });
    const access = as(api.url, `Bearer ${session.body.access_token}`);
    expect((await access.get('/me')).status).toBe(200);

    await ldap.admin((c) =>
      c.modify(`uid=tanaka,${PEOPLE}`, [
        new Change({ operation: 'add', modification: new Attribute({ type: 'employeeType', values: ['disabled'] }) }),
      ]),
    );
    expect((await token('tanaka', 'tanaka-password')).status).toBe(401);
    const disabled = await events('user.disabled', 'tanaka');
    expect(disabled[0].details).toMatchObject({ by: 'ldap', sessionsRevoked: 1 });
    expect((await events('signin.failed', 'tanaka'))[0].details.reason).toBe('directory_disabled');
    expect((await refresh()).status).toBe(401);
    expect((await access.get('/me')).status).toBe(401);
    const [{ active }] = await db.query(`SELECT active FROM app_user WHERE username = 'tanaka'`);
    expect(active).toBe(false);
  });
});
