import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { as } from '../support/auth.js';
import { ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { LDAP_SUFFIX, startSlapd, type TestSlapd } from '../support/slapd.js';

/**
 * The city's directory over TLS: slapd with a certificate from a throw-away CA (made with
 * openssl by the set-up), refusing simple binds without TLS. Sign-in works over ldaps:// and
 * over StartTLS when the application trusts that CA (LDAP_TLS_CA_FILE); a certificate it cannot
 * trust, and a directory that insists on TLS spoken to without it, are a 503, never a refusal
 * of the person.
 */
const PEOPLE = `ou=people,${LDAP_SUFFIX}`;
const SERVICE = `cn=kaikaku,ou=services,${LDAP_SUFFIX}`;

describe('directory sign-in over LDAP with TLS', () => {
  let ldap: TestSlapd;
  let db: TestDatabase;
  const apis: RunningApi[] = [];

  beforeAll(async () => {
    ldap = await startSlapd({ tls: true });
    await ldap.admin(async (c) => {
      await c.add(SERVICE, {
        objectClass: ['organizationalRole', 'simpleSecurityObject'],
        cn: 'kaikaku',
        userPassword: 'service-secret',
      });
      await c.add(`uid=yamada,${PEOPLE}`, {
        objectClass: 'inetOrgPerson',
        uid: 'yamada',
        cn: '山田 太郎',
        sn: '山田',
        displayName: '山田 太郎',
        departmentNumber: 'zaisei',
        userPassword: 'yamada-password',
      });
    });
    db = await createTestDatabase({ demo: true });
  }, 120_000);

  afterAll(async () => {
    for (const api of apis) await api.close();
    await db?.drop();
    await ldap?.stop();
  });

  async function apiWith(settings: Record<string, string>): Promise<RunningApi> {
    const api = await startApi(
      testConfig(db.url, {
        LDAP_BIND_DN: SERVICE,
        LDAP_BIND_PASSWORD: 'service-secret',
        LDAP_USER_BASE: PEOPLE,
        ...settings,
      }),
    );
    apis.push(api);
    return api;
  }
  const token = (api: RunningApi, password = 'yamada-password') =>
    http(`${api.url}/api/v1/auth/token`, { method: 'POST', json: { username: 'yamada', password } });

  it('signs in over ldaps:// with the city’s CA', async () => {
    const api = await apiWith({ LDAP_URL: ldap.ldapsUrl!, LDAP_TLS_CA_FILE: ldap.caFile! });
    const me = ok(await as(api.url, `Bearer ${ok(await token(api)).body.access_token}`).get('/me')).body;
    expect(me).toMatchObject({ username: 'yamada', displayName: '山田 太郎', orgUnit: { code: 'zaisei' } });
    expect((await token(api, 'wrong')).status).toBe(401);
  });

  it('signs in over StartTLS on ldap:// with the city’s CA', async () => {
    const api = await apiWith({ LDAP_URL: ldap.url, LDAP_STARTTLS: 'true', LDAP_TLS_CA_FILE: ldap.caFile! });
    expect(ok(await token(api)).body.token_type).toBe('Bearer');
    expect((await token(api, 'wrong')).status).toBe(401);
  });

  it('answers 503 for a certificate it cannot trust and for plain LDAP to a directory that insists on TLS', async () => {
    // The system's CAs do not know the city's CA.
    const untrusted = await apiWith({ LDAP_URL: ldap.ldapsUrl! });
    const refused = await token(untrusted);
    expect([refused.status, refused.body.code]).toEqual([503, 'SERVICE_UNAVAILABLE']);
    const untrustedStartTls = await apiWith({ LDAP_URL: ldap.url, LDAP_STARTTLS: 'true' });
    expect((await token(untrustedStartTls)).status).toBe(503);
    // Without TLS the service account's bind is refused by the directory (confidentiality required).
    const plain = await apiWith({ LDAP_URL: ldap.url });
    expect((await token(plain)).status).toBe(503);
  });
});
