import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ThingsModule } from '../support/things.module.js';

/**
 * Ten times more slow requests than one instance admits: the excess is refused at once
 * with 503 OVERLOADED and Retry-After (not queued for the pool), the pool's own excess is
 * a 503 after the short acquire timeout, and readiness and liveness stay 200 (busy is not
 * down): nothing else, and every refusal problem+json.
 */
describe('overload is a fast, honest 503', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const LIMIT = 6;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(
      testConfig(db.url, {
        DATABASE_POOL_SIZE: '2',
        HTTP_MAX_CONCURRENCY: String(LIMIT),
        DATABASE_ACQUIRE_TIMEOUT_MS: '300',
      }),
      [ThingsModule],
    );
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('sheds the excess, keeps the probes up, and answers only 200 or 503 problem+json', async () => {
    let firstRefusal!: () => void;
    const refused = new Promise<void>((resolve) => (firstRefusal = resolve));
    const slow = Array.from({ length: LIMIT * 10 }, () =>
      http(`${api.url}/api/v1/test-things/slow/1500`).then((a) => {
        if (a.body?.code === 'OVERLOADED') firstRefusal();
        return a;
      }),
    );
    // The instance is full (a refusal came back) and its admitted requests hold the pool:
    await refused;
    const ready = await http(`${api.url}/health/ready`);
    const live = await http(`${api.url}/health`);
    const answers = await Promise.all(slow);

    expect(ready.status).toBe(200);
    expect(ready.body.info.postgres).toMatchObject({ status: 'up', busy: true });
    expect(live.status).toBe(200);
    const byCode: Record<string, number> = {};
    for (const a of answers) {
      const key = a.status === 200 ? '200' : `${a.status} ${a.body?.code}`;
      byCode[key] = (byCode[key] ?? 0) + 1;
      if (a.status !== 200) {
        expect(a.headers.get('content-type')).toMatch(/^application\/problem\+json/);
        expect(a.headers.get('retry-after')).toMatch(/^\d+$/);
      }
    }
    expect(Object.keys(byCode).sort()).toEqual(expect.arrayContaining(['200', '503 OVERLOADED']));
    expect(Object.keys(byCode).every((k) => ['200', '503 OVERLOADED', '503 SERVICE_UNAVAILABLE'].includes(k))).toBe(
      true,
    );
    // Slots freed by the pool's acquire timeout admit a few more; most are refused at once.
    expect(byCode['503 OVERLOADED']).toBeGreaterThanOrEqual((LIMIT * 10) / 2);
  });
});
