import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Controller, Get, Module } from '@nestjs/common';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { signIn } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';

/** Calls that reached the handler of the route without a policy (none may). */
const reached = { count: 0 };

@Controller('test-careless')
class CarelessController {
  // No @Access: a route someone forgot to declare.
  @Get()
  open() {
    reached.count++;
    return { secret: 'should never be served' };
  }
}

@Module({ controllers: [CarelessController] })
class CarelessModule {}

/** The global guard refuses a route that declares no access policy, whoever calls it (deny by default). */
describe('the access guard', () => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    api = await startApi(testConfig(db.url), [CarelessModule]);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('refuses a route without @Access to anonymous callers and to an admin alike, before its handler runs', async () => {
    const admin = await signIn(api.url, 'admin');
    for (const headers of [{}, { authorization: admin }] as Array<Record<string, string>>) {
      const res = await http(`${api.url}/api/v1/test-careless`, { headers });
      expect([res.status, res.body.code, res.body.detail]).toEqual([
        403,
        'FORBIDDEN',
        'This route declares no access policy',
      ]);
      expect(res.text).not.toContain('should never be served');
    }
    expect(reached.count).toBe(0);
  });
});
