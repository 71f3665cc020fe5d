import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, startApi, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { privatePostgres, privateRedis, type PrivatePostgres, type PrivateRedis } from '../support/private-services.js';

const ready = (api: RunningApi) => http(`${api.url}/health/ready`);

describe('health', () => {
  let db: TestDatabase;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(testConfig(db.url));
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  it('answers liveness without authentication', async () => {
    const res = await http(`${api.url}/health`);
    expect(res.status).toBe(200);
    expect(res.body.status).toBe('ok');
  });

  it('answers readiness 200 naming postgres and redis as up', async () => {
    const res = await ready(api);
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });
});

describe('readiness follows Redis going away and coming back', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await privateRedis();
    api = await startApi(testConfig(db.url, { REDIS_URL: redis.url }));
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('503 naming redis while it is down, 200 again once it is back, without restarting the API', async () => {
    expect((await ready(api)).status).toBe(200);
    await redis.stop();
    const down = await waitFor(async () => {
      const r = await ready(api);
      return r.status === 503 ? r : null;
    }, 'readiness to fail');
    expect(down.body.error).toHaveProperty('redis');
    expect(down.body.error.redis.status).toBe('down');
    expect(down.body.info).toMatchObject({ postgres: { status: 'up' } });

    await redis.start();
    const up = await waitFor(async () => {
      const r = await ready(api);
      return r.status === 200 ? r : null;
    }, 'readiness to recover');
    expect(up.body.info.redis.status).toBe('up');
  });
});

describe('readiness follows PostgreSQL going away and coming back', () => {
  let pg: PrivatePostgres;
  let api: RunningApi;

  beforeAll(async () => {
    pg = await privatePostgres();
    api = await startApi(testConfig(pg.url));
  });
  afterAll(async () => {
    await api?.close();
    await pg?.cleanup();
  });

  it('503 naming postgres while it is down, 200 again once it is back, without restarting the API', async () => {
    expect((await ready(api)).status).toBe(200);
    await pg.stop();
    const down = await waitFor(async () => {
      const r = await ready(api);
      return r.status === 503 ? r : null;
    }, 'readiness to fail');
    expect(down.body.error).toHaveProperty('postgres');
    expect(down.body.error.postgres.status).toBe('down');
    expect(down.body.info).toMatchObject({ redis: { status: 'up' } });

    await pg.start();
    const up = await waitFor(async () => {
      const r = await ready(api);
      return r.status === 200 ? r : null;
    }, 'readiness to recover');
    expect(up.body.info.postgres.status).toBe('up');
  });
});

describe('readiness refuses a Redis that may evict queue keys', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let api: RunningApi;

  beforeAll(async () => {
    db = await createTestDatabase();
    redis = await privateRedis();
    api = await startApi(testConfig(db.url, { REDIS_URL: redis.url }));
  });
  afterAll(async () => {
    await api?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('answers 503 and says noeviction is required', async () => {
    const { Redis } = await import('ioredis');
    const client = new Redis(redis.url);
    await client.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const res = await ready(api);
    await client.config('SET', 'maxmemory-policy', 'noeviction');
    client.disconnect();
    expect(res.status).toBe(503);
    expect(res.body.error.redis.message).toMatch(/noeviction/);
  });
});
