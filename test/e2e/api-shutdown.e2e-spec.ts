import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { http, waitFor } from '../support/apps.js';
import { signIn } from '../support/auth.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { freePort } from '../support/private-services.js';
import { spawnApp, type SpawnedApp } from '../support/processes.js';

/**
 * SIGTERM to the API process while keep-alive clients have requests in flight: a rolling
 * deploy must lose none. Every request already sent is answered (no ECONNRESET), every
 * answer during the drain tells its client to close, and nothing is Fastify's plain JSON.
 */
const IN_FLIGHT = 150;

interface Outcome {
  status?: number;
  contentType?: string;
  connection?: string;
  error?: string;
}

describe('the API drains on SIGTERM', () => {
  let db: TestDatabase;
  let api: SpawnedApp;
  let port: number;
  let authorization: string;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    port = await freePort();
    api = spawnApp('api', {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      PORT: String(port),
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: '5',
      SHUTDOWN_DRAIN_DELAY_MS: '1500',
      OPENAPI_UI: 'false',
    });
    await waitFor(
      async () => (await http(`http://127.0.0.1:${port}/health`)).status === 200,
      'the API to listen',
      30_000,
      100,
    );
    authorization = await signIn(`http://127.0.0.1:${port}`, 'viewer');
  });
  afterAll(async () => {
    if (api.child.exitCode === null) api.child.kill('SIGKILL');
    await db?.drop();
  });

  const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
  /** One GET on the shared keep-alive agent; `sent` resolves once its bytes are written. */
  const ping = () => {
    let markSent!: () => void;
    const sent = new Promise<void>((resolve) => (markSent = resolve));
    const answered = new Promise<Outcome>((resolve) => {
      const req = request(
        { host: '127.0.0.1', port, path: '/api/v1/system/ping', agent, headers: { authorization } },
        (res) => {
          res.resume();
          res.on('end', () =>
            resolve({
              status: res.statusCode,
              contentType: String(res.headers['content-type']),
              connection: res.headers.connection,
            }),
          );
          res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
        },
      );
      req.on('finish', markSent);
      req.on('error', (e: NodeJS.ErrnoException) => {
        markSent();
        resolve({ error: e.code ?? e.message });
      });
      req.end();
    });
    return { sent, answered };
  };

  it(`answers every request of ${IN_FLIGHT} keep-alive clients sending back to back, then exits 0`, async () => {
    // Open the keep-alive sockets first, so that the requests below travel on them.
    const warm = await Promise.all(Array.from({ length: IN_FLIGHT }, () => ping().answered));
    expect(warm.every((o) => o.status === 200)).toBe(true);

    // Each client sends its next request as soon as the last is answered, until the load
    // balancer, probing readiness, stops routing here (a refused connection carried no
    // request: nothing was lost).
    const outcomes: Outcome[] = [];
    let routed = true;
    const client = async () => {
      while (routed) {
        const outcome = await ping().answered;
        if (outcome.error === 'ECONNREFUSED') return;
        outcomes.push(outcome);
        if (outcome.error) return;
      }
    };
    const clients = Array.from({ length: IN_FLIGHT }, client);
    await waitFor(() => outcomes.length >= IN_FLIGHT * 2, 'the clients to be busy');
    api.child.kill('SIGTERM');
    // A balancer's probe on a new connection sees it leaving.
    const ready = await waitFor(
      async () => {
        const res = await http(`http://127.0.0.1:${port}/health/ready`);
        return res.status === 503 ? res : null;
      },
      'readiness to say 503',
      10_000,
      20,
    );
    routed = false;
    await Promise.all(clients);
    const exit = await api.exited;
    agent.destroy();

    const resets = outcomes.filter((o) => o.error);
    const plain = outcomes.filter(
      (o) => o.status !== undefined && o.status !== 200 && !/^application\/problem\+json/.test(o.contentType ?? ''),
    );
    expect({
      resets: resets.length,
      plainJson: plain.length,
      errors: [...new Set(resets.map((o) => o.error))],
    }).toEqual({ resets: 0, plainJson: 0, errors: [] });
    // Answered during the drain: each told its client not to reuse the socket.
    expect(outcomes.filter((o) => o.connection === 'close').length).toBeGreaterThan(0);
    expect(ready.status).toBe(503);
    expect(ready.body.error).toHaveProperty('shutdown');
    expect(exit.code).toBe(0);
  }, 120_000);
});
