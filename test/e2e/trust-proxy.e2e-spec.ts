import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/**
 * TRUST_PROXY decides whose address a request has: behind the city's reverse proxy, the client
 * named in X-Forwarded-For; otherwise the connection's, whatever the header claims (a client
 * must not pick the address the sign-in limiter counts against, or the one the log records).
 */
describe.each([
  { trust: 'true', limited: false, recorded: '203.0.113.' },
  { trust: 'false', limited: true, recorded: '127.0.0.1' },
])('TRUST_PROXY=$trust', ({ trust, limited, recorded }) => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(
      testConfig(db.url, {
        TRUST_PROXY: trust,
        LOGIN_MAX_ATTEMPTS_PER_ADDRESS: '3',
        LOGIN_MAX_ATTEMPTS_PER_USERNAME: '100',
      }),
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it(`${limited ? 'ignores' : 'uses'} X-Forwarded-For for the sign-in limit per address and the security log`, async () => {
    const statuses: number[] = [];
    for (let i = 1; i <= 5; i++) {
      const res = await http(`${api.url}/api/v1/auth/token`, {
        method: 'POST',
        json: { username: 'kenko.editor', password: 'wrong-password' },
        headers: { 'x-forwarded-for': `203.0.113.${i}` },
      });
      statuses.push(res.status);
    }
    // Three failures per address are allowed; from one address the fourth is refused.
    expect(statuses).toEqual(limited ? [401, 401, 401, 429, 429] : [401, 401, 401, 401, 401]);
    const addresses = (
      await db.query(`SELECT DISTINCT source_address FROM security_event WHERE source_address IS NOT NULL`)
    ).map((r) => String(r.source_address));
    expect(addresses.length).toBeGreaterThan(0);
    for (const a of addresses) expect(a.startsWith(recorded) || a === `::ffff:${recorded}`).toBe(true);
  });
});
