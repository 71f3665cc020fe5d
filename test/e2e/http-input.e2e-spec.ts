import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startApi, testConfig, http, type RunningApi } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { ThingsModule, thingsCalls } from '../support/things.module.js';

describe('HTTP input handling (global filter, pipe and body parser)', () => {
  let db: TestDatabase;
  let api: RunningApi;
  const rows = async () => Number((await db.query(`SELECT count(*)::int AS n FROM system_probe`))[0].n);

  beforeAll(async () => {
    db = await createTestDatabase();
    api = await startApi(testConfig(db.url, { BODY_LIMIT_BYTES: '2048' }), [ThingsModule]);
  });
  afterAll(async () => {
    await api?.close();
    await db?.drop();
  });

  /** Writes bytes on a fresh socket and answers everything the server sent back. */
  const rawRequest = (bytes: string) =>
    new Promise<string>((resolve, reject) => {
      const { port } = new URL(api.url);
      const socket = connect(Number(port), '127.0.0.1', () => socket.write(bytes));
      let out = '';
      socket.on('data', (d: Buffer) => (out += d.toString()));
      socket.on('end', () => resolve(out));
      socket.on('error', reject);
    });

  const post = (body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) =>
    http(`${api.url}/api/v1/test-things`, { method: 'POST', body, headers });

  it('accepts a valid body and reaches the handler (the control case)', async () => {
    const before = thingsCalls.count;
    const res = await post(JSON.stringify({ title: 'ok', items: [{ name: 'a' }] }));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ title: 'ok', items: 1 });
    expect(thingsCalls.count).toBe(before + 1);
  });

  it('answers malformed JSON with 400 MALFORMED_JSON as problem+json, before any handler or write', async () => {
    const [calls, count] = [thingsCalls.count, await rows()];
    const res = await post('{"title": "x", items: [');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      code: 'MALFORMED_JSON',
      status: 400,
      type: expect.stringContaining('malformed-json'),
    });
    expect(res.body.traceId).toBe(res.headers.get('x-request-id'));
    expect(thingsCalls.count).toBe(calls);
    expect(await rows()).toBe(count);
  });

  it('answers a body over the limit with 413 PAYLOAD_TOO_LARGE, before any handler or write', async () => {
    const [calls, count] = [thingsCalls.count, await rows()];
    const res = await post(JSON.stringify({ title: 'x'.repeat(5000), items: [] }));
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
    expect(thingsCalls.count).toBe(calls);
    expect(await rows()).toBe(count);
  });

  it('answers an unknown field with 400 VALIDATION_FAILED naming it, before any handler or write', async () => {
    const [calls, count] = [thingsCalls.count, await rows()];
    const res = await post(JSON.stringify({ title: 'x', items: [], roles: ['admin'] }));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
    expect(res.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'roles' })]));
    expect(thingsCalls.count).toBe(calls);
    expect(await rows()).toBe(count);
  });

  it('names nested fields by their path', async () => {
    const res = await post(JSON.stringify({ title: 'x', items: [{ name: 'ok' }, { name: 7, extra: true }] }));
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['items[1].name', 'items[1].extra']));
  });

  it('refuses wrong types and missing fields with every field named', async () => {
    const res = await post(JSON.stringify({ holdMs: 'soon' }));
    expect(res.status).toBe(400);
    const fields = res.body.errors.map((e: { field: string }) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['title', 'holdMs', 'items']));
  });

  it('answers a JSON body that is not an object with 400', async () => {
    const res = await post('[1,2,3]');
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('VALIDATION_FAILED');
  });

  it('answers a deeply nested body with 400 BODY_TOO_DEEP naming the limit, before any parse, handler or write', async () => {
    const [calls, count] = [thingsCalls.count, await rows()];
    // 1,000 levels in 2 kB: under this file's size limit, far over the depth limit.
    const res = await post('['.repeat(1000) + ']'.repeat(1000));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'BODY_TOO_DEEP', maxDepth: 32 });
    const inObject = await post(
      JSON.stringify({ title: 'x', items: [] }).replace('[]', '{"a":'.repeat(40) + '1' + '}'.repeat(40)),
    );
    expect(inObject.body.code).toBe('BODY_TOO_DEEP');
    expect(thingsCalls.count).toBe(calls);
    expect(await rows()).toBe(count);
  });

  it('does not count brackets inside strings as nesting', async () => {
    const res = await post(JSON.stringify({ title: '['.repeat(90) + '\\"{', items: [{ name: '{'.repeat(50) }] }));
    expect(res.status).toBe(201);
  });

  it('answers a too long path segment with 414 URI_TOO_LONG as problem+json', async () => {
    const res = await http(`${api.url}/api/v1/test-things/${'x'.repeat(5000)}`);
    expect(res.status).toBe(414);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('URI_TOO_LONG');
  });

  it('answers oversized headers with 431 HEADERS_TOO_LARGE as problem+json', async () => {
    const res = await rawRequest(`GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'y'.repeat(20_000)}\r\n\r\n`);
    expect(res).toMatch(/^HTTP\/1.1 431 /);
    expect(res).toMatch(/content-type: application\/problem\+json/i);
    expect(res).toContain('"code":"HEADERS_TOO_LARGE"');
  });

  it('answers a request line that is not HTTP with 400 MALFORMED_REQUEST as problem+json', async () => {
    const res = await rawRequest('GET /health HTTP/1.1\r\nHost x\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1.1 400 /);
    expect(res).toContain('"code":"MALFORMED_REQUEST"');
  });

  it('answers an unsupported content type with 415', async () => {
    const res = await post('<title>x</title>', { 'content-type': 'application/xml' });
    expect(res.status).toBe(415);
    expect(res.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await http(`${api.url}/api/v1/no-such-thing`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.code).toBe('NOT_FOUND');
  });

  it('keeps a sane x-request-id from the caller and replaces an unsafe one', async () => {
    const kept = await http(`${api.url}/health`, { headers: { 'x-request-id': 'abc-123' } });
    expect(kept.headers.get('x-request-id')).toBe('abc-123');
    const replaced = await http(`${api.url}/health`, { headers: { 'x-request-id': 'bad id <script>' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
