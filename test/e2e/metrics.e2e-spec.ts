import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { HealthHttpServer, QueueName, QueueRegistry } from '#libs/platform';
import { http, startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { createTestDatabase, DEMO_PASSWORD, type TestDatabase } from '../support/database.js';

/** The value of one sample of the exposition text, or undefined when it is not there. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/(\w+)="([^"]*)"/g)].map((l) => [l[1], l[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[4]);
  }
  return undefined;
}

const problemCode = (res: { headers: Headers; body: { code?: string } }) => [
  res.headers.get('content-type')?.split(';')[0],
  res.body.code,
];

describe('metrics', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
  }, 60_000);
  afterAll(async () => {
    await db?.drop();
  });

  describe('API, no METRICS_TOKEN, behind a trusted proxy', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi(testConfig(db.url, { TRUST_PROXY: 'true' }));
    });
    afterAll(async () => {
      await api?.close();
    });

    it('counts requests by route pattern, and shows pool, outbox and sealing gauges', async () => {
      const missing = '3f0c1c56-8a0e-4a57-9d59-5b1d8d9f0a11';
      const token = (
        await http(`${api.url}/api/v1/auth/token`, {
          method: 'POST',
          json: { username: 'viewer', password: DEMO_PASSWORD },
        })
      ).body.access_token as string;
      expect(token).toBeTruthy();
      for (let i = 0; i < 3; i++) {
        expect(
          (
            await http(`${api.url}/api/v1/proposals/${missing}`, {
              headers: { authorization: `Bearer ${token}` },
            })
          ).status,
        ).toBe(404);
      }
      // An outbox row nobody relays (no worker here), a minute old.
      await db.query(
        `INSERT INTO outbox (queue, job_name, payload, created_at) VALUES ('system', 'system.probe', '{}', now() - interval '60 seconds')`,
      );

      const res = await http(`${api.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = res.text;
      expect(
        sample(text, 'kaikaku_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/api/v1/proposals/:id',
          status: '404',
        }),
      ).toBe(3);
      expect(
        sample(text, 'kaikaku_http_request_duration_seconds_count', {
          method: 'POST',
          route: '/api/v1/auth/token',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
      // The pattern, never the URL: no id makes its own series.
      expect(text).not.toContain(missing);

      const total = sample(text, 'kaikaku_db_pool_connections')!;
      const idle = sample(text, 'kaikaku_db_pool_idle_connections')!;
      expect(total).toBeGreaterThanOrEqual(1);
      expect(total).toBeLessThanOrEqual(5);
      expect(idle).toBeGreaterThanOrEqual(0);
      expect(idle).toBeLessThanOrEqual(total);
      expect(sample(text, 'kaikaku_db_pool_waiting_requests')).toBe(0);

      expect(sample(text, 'kaikaku_outbox_backlog')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'kaikaku_outbox_oldest_age_seconds')).toBeGreaterThanOrEqual(60);
      expect(sample(text, 'kaikaku_outbox_oldest_age_seconds')).toBeLessThan(3600);
      expect(sample(text, 'kaikaku_audit_unsealed_rows')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'kaikaku_audit_unsealed_oldest_age_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
      expect(sample(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    });

    it('counts the scrapes themselves under /metrics, outside /api/v1', async () => {
      await http(`${api.url}/metrics`);
      const text = (await http(`${api.url}/metrics`)).text;
      expect(
        sample(text, 'kaikaku_http_request_duration_seconds_count', {
          method: 'GET',
          route: '/metrics',
          status: '200',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect((await http(`${api.url}/api/v1/metrics`)).status).toBe(404);
    });

    it('refuses a caller that is not on loopback with 403 problem+json', async () => {
      const res = await http(`${api.url}/metrics`, {
        headers: { 'x-forwarded-for': '203.0.113.9' },
      });
      expect(res.status).toBe(403);
      expect(problemCode(res)).toEqual(['application/problem+json', 'FORBIDDEN']);
      expect(res.text).not.toContain('kaikaku_');
      // It is the address that decides: the same request from loopback through the proxy passes.
      expect(
        (
          await http(`${api.url}/metrics`, {
            headers: { 'x-forwarded-for': '127.0.0.1' },
          })
        ).status,
      ).toBe(200);
    });
  });

  describe('API with METRICS_TOKEN', () => {
    let api: RunningApi;
    beforeAll(async () => {
      api = await startApi(
        testConfig(db.url, {
          TRUST_PROXY: 'true',
          METRICS_TOKEN: 'scrape-me-0123456789',
        }),
      );
    });
    afterAll(async () => {
      await api?.close();
    });

    it('answers the bearer token from anywhere, and nothing else, not even loopback', async () => {
      const remote = { 'x-forwarded-for': '203.0.113.9' };
      const right = await http(`${api.url}/metrics`, {
        headers: { ...remote, authorization: 'Bearer scrape-me-0123456789' },
      });
      expect(right.status).toBe(200);
      expect(right.text).toContain('kaikaku_http_request_duration_seconds');
      const wrong: Array<Record<string, string>> = [
        { authorization: 'Bearer scrape-me-0123456788' },
        { authorization: 'Bearer scrape-me' },
        {},
        { ...remote, authorization: 'Bearer wrong' },
      ];
      for (const headers of wrong) {
        const res = await http(`${api.url}/metrics`, { headers });
        expect([JSON.stringify(headers), res.status]).toEqual([JSON.stringify(headers), 401]);
        expect(problemCode(res)).toEqual(['application/problem+json', 'UNAUTHENTICATED']);
      }
    });
  });

  describe('worker', () => {
    let worker: INestApplicationContext;
    let url: string;
    beforeAll(async () => {
      worker = await startWorker(testConfig(db.url, { METRICS_TOKEN: 'worker-scrape-token' }));
      url = `http://127.0.0.1:${await worker.get(HealthHttpServer).listen(0, '127.0.0.1')}`;
    }, 60_000);
    afterAll(async () => {
      await worker?.close();
    });
    const scrape = async () => {
      const res = await http(`${url}/metrics`, {
        headers: { authorization: 'Bearer worker-scrape-token' },
      });
      expect(res.status).toBe(200);
      return res.text;
    };

    it('shows queue depth per queue and state, and job lateness', async () => {
      // Work for the relay and a worker, and a job due in an hour (a delayed one).
      await db.query(`INSERT INTO outbox (queue, job_name, payload) VALUES ('system', 'system.probe', '{}')`);
      await worker
        .get(QueueRegistry)
        .get(QueueName.System)
        .add(
          'system.probe',
          { probeId: '00000000-0000-4000-8000-000000000000' },
          { delay: 3_600_000, jobId: 'metrics-delayed' },
        );
      const text = await waitFor(async () => {
        const t = await scrape();
        // The relay has sent the outbox rows on: a worker started one.
        return (sample(t, 'kaikaku_job_lateness_seconds_count', {
          queue: 'system',
        }) ?? 0) >= 1
          ? t
          : null;
      }, 'a job started by the worker');
      expect(
        sample(text, 'kaikaku_queue_jobs', {
          queue: 'system',
          state: 'delayed',
        }),
      ).toBeGreaterThanOrEqual(1);
      for (const queue of Object.values(QueueName)) {
        expect([queue, sample(text, 'kaikaku_queue_jobs', { queue, state: 'waiting' })! >= 0]).toEqual([queue, true]);
        expect([
          queue,
          sample(text, 'kaikaku_queue_oldest_waiting_lateness_seconds', {
            queue,
          })! >= 0,
        ]).toEqual([queue, true]);
      }
      expect(
        sample(text, 'kaikaku_job_lateness_seconds_bucket', {
          queue: 'system',
          le: '+Inf',
        }),
      ).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'kaikaku_reminder_overdue')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'kaikaku_reminder_lateness_seconds')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'kaikaku_outbox_backlog')).toBeGreaterThanOrEqual(0);
      expect(sample(text, 'kaikaku_db_pool_connections')).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    }, 60_000);

    it('refuses a wrong token with 401 problem+json', async () => {
      const res = await http(`${url}/metrics`, {
        headers: { authorization: 'Bearer not-the-token' },
      });
      expect(res.status).toBe(401);
      expect(problemCode(res)).toEqual(['application/problem+json', 'UNAUTHENTICATED']);
      expect((await http(`${url}/health`)).status).toBe(200);
    });
  });
});
