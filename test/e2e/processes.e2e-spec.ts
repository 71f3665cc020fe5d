import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Validator } from '@seriousme/openapi-schema-validator';
import { http, waitFor } from '../support/apps.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/private-services.js';
import { spawnApp, type SpawnedApp } from '../support/processes.js';

/** The compiled apps as real processes: what `npm start` and the containers run. */
describe('the API as a process', () => {
  let db: TestDatabase;
  let api: SpawnedApp;
  let base: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    api = spawnApp('api', {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      PORT: String(port),
      LOG_LEVEL: 'info',
    });
    await waitFor(async () => (await http(`${base}/health`)).status === 200, 'the API to listen', 30_000, 100);
  });
  afterAll(async () => {
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
    await db?.drop();
  });

  it('serves a valid OpenAPI 3 document at /docs-json with bearer auth declared', async () => {
    const res = await http(`${base}/docs-json`);
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    const result = await new Validator().validate(res.body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(res.body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(Object.keys(res.body.paths)).toEqual(expect.arrayContaining(['/health', '/health/ready']));
  });

  it('serves Swagger UI at /docs', async () => {
    const res = await http(`${base}/docs`);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/swagger-ui/i);
  });

  it('serves the queue dashboard to administrators only (HTTP Basic or Bearer)', async () => {
    const basic = (u: string) => `Basic ${Buffer.from(`${u}:${DEMO_PASSWORD}`).toString('base64')}`;
    const anonymous = await http(`${base}/admin/queues`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect((await http(`${base}/admin/queues`, { headers: { authorization: basic('viewer') } })).status).toBe(403);
    const page = await http(`${base}/admin/queues`, { headers: { authorization: basic('admin') } });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);
    const token = (
      await http(`${base}/api/v1/auth/token`, { method: 'POST', json: { username: 'admin', password: DEMO_PASSWORD } })
    ).body.access_token;
    const queues = await http(`${base}/admin/queues/api/queues`, { headers: { authorization: `Bearer ${token}` } });
    expect(queues.status).toBe(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name)).toEqual(
      expect.arrayContaining(['system', 'reminders', 'notifications', 'events']),
    );
  });

  it('writes structured JSON logs carrying the request id', async () => {
    await http(`${base}/api/v1/nothing-here`, { headers: { 'x-request-id': 'trace-me-42' } });
    await waitFor(() => api.output().includes('trace-me-42'), 'the request to be logged', 10_000);
    const line = api
      .output()
      .split('\n')
      .find((l) => l.includes('trace-me-42'))!;
    const entry = JSON.parse(line);
    expect(entry).toMatchObject({ service: 'api', requestId: 'trace-me-42' });
  });

  it('stops on SIGTERM with exit code 0', async () => {
    api.child.kill('SIGTERM');
    const exit = await api.exited;
    expect(exit.code).toBe(0);
    expect(api.output()).toMatch(/"msg":"stopped"/);
  });
});

describe('configuration is checked at boot', () => {
  it('refuses to start on a wrong value and names the variable', async () => {
    const api = spawnApp('api', { PORT: 'eighty', DATABASE_URL: 'mysql://nope' });
    const exit = await api.exited;
    expect(exit.code).toBe(1);
    expect(api.output()).toMatch(/PORT="eighty"/);
    expect(api.output()).toMatch(/DATABASE_URL="mysql:\/\/nope": must be a postgres:\/\/ URL/);
  });

  it('the worker refuses too', async () => {
    const worker = spawnApp('worker', { QUEUE_PREFIX: 'no-hash-tag' });
    const exit = await worker.exited;
    expect(exit.code).toBe(1);
    expect(worker.output()).toMatch(/QUEUE_PREFIX="no-hash-tag"/);
  });
});
