import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { INestApplicationContext } from '@nestjs/common';
import { Redis } from 'ioredis';
import { MunicipalCalendar, todayInTokyo } from '#libs/calendar';
import { startApi, startWorker, testConfig, waitFor, type RunningApi } from '../support/apps.js';
import { act, demoClients, ok } from '../support/cycle.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { privateRedis, type PrivateRedis } from '../support/private-services.js';
import { spawnApp, type SpawnedApp } from '../support/processes.js';
import { webhookReceiver } from '../support/receivers.js';

const dueIn3 = () => new MunicipalCalendar().addWorkingDays(todayInTokyo(), 3);

async function openInquiryFor(user: ReturnType<typeof demoClients>, units: string[], title: string): Promise<string> {
  const secretariat = await user('secretariat');
  const plan = ok(await secretariat.get('/plans')).body.find((p: { code: string }) => p.code === 'kaikaku-2027');
  const inquiry = ok(
    await secretariat.post('/inquiries', { planId: plan.id, title, dueDate: dueIn3(), targetUnits: units }),
    201,
  ).body;
  ok(await act(secretariat, 'inquiries', inquiry.id, 'open'));
  return inquiry.id;
}

/** Per (step, recipient, channel): how many deliveries, how many in-app notifications. */
async function told(db: TestDatabase, step: string) {
  return db.query(
    `SELECT u.username, dl.channel, count(DISTINCT dl.id)::int AS deliveries, count(n.id)::int AS notifications, bool_and(dl.sent_at IS NOT NULL) AS sent
       FROM delivery dl JOIN app_user u ON u.id = dl.recipient_user_id LEFT JOIN notification n ON n.delivery_id = dl.id
      WHERE dl.key LIKE '%:' || $1 || ':%' GROUP BY 1, 2 ORDER BY 1, 2`,
    [step],
  );
}

describe('a worker killed with kill -9 in the middle of a delivery', () => {
  let db: TestDatabase;
  let api: RunningApi;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let secret: string | undefined;
  let first: SpawnedApp | null = null;
  let second: SpawnedApp | null = null;
  let user: ReturnType<typeof demoClients>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    hook = await webhookReceiver(() => secret);
    // Reminders are planned by the API (when the inquiry opens), so it runs on the same compressed days.
    api = await startApi(testConfig(db.url, { REMINDER_DAY_SECONDS: '3' }));
    user = demoClients(api.url);
    secret = ok(
      await (
        await user('chuo.approver')
      ).call('PUT', '/me/notification-settings', { webhookEnabled: true, webhookUrl: hook.url }),
    ).body.webhookSecret;
  });
  afterAll(async () => {
    for (const w of [first, second]) if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
    await api?.close();
    await hook?.close();
    await db?.drop();
  });

  it('delivers that reminder exactly once after the worker is started again', async () => {
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      QUEUE_PREFIX: `{${db.name}}`,
      WORKER_HEALTH_PORT: '0',
      LOG_LEVEL: 'warn',
      WORKER_LOCK_DURATION_MS: '2000',
      OUTBOX_POLL_INTERVAL_MS: '100',
      REMINDER_DAY_SECONDS: '3',
      REMINDER_RECONCILE_SECONDS: '2',
    };
    first = spawnApp('worker', env);
    // The receiver holds its answer: the worker is cut off mid-delivery, and killed right then.
    const killed = new Promise<void>((resolve) => {
      hook.control.onHeld = () => {
        first!.child.kill('SIGKILL');
        resolve();
      };
    });
    hook.control.hold = true;
    await openInquiryFor(user, ['chuo'], '照会（強制終了）');
    await killed;
    const exit = await first.exited;
    expect(exit.signal).toBe('SIGKILL');
    hook.control.hold = false;

    second = spawnApp('worker', env);
    await waitFor(
      async () => (await told(db, 'before:2')).every((r) => r.sent) && (await told(db, 'before:2')).length === 3,
      'the interrupted delivery to finish',
      60_000,
      200,
    );

    // One delivery per recipient and channel; in-app exactly one notification each.
    expect(await told(db, 'before:2')).toEqual([
      { username: 'chuo.approver', channel: 'in_app', deliveries: 1, notifications: 1, sent: true },
      { username: 'chuo.approver', channel: 'webhook', deliveries: 1, notifications: 0, sent: true },
      { username: 'chuo.editor', channel: 'in_app', deliveries: 1, notifications: 1, sent: true },
    ]);
    // The webhook was attempted again after the kill — under the same delivery id, one delivery.
    // (Only this step's: on a slow machine the compressed days run on and the next step's
    // reminder may already have gone out under its own delivery.)
    const [webhook] = await db.query<{ id: string }>(
      `SELECT id FROM delivery WHERE channel = 'webhook' AND key LIKE '%:before:2:%'`,
    );
    const forReminder = hook.hooks.filter(
      (h) => h.body.subject.includes('照会（強制終了）') && h.body.kind === 'deadline.reminder',
    );
    expect(forReminder[0].delivery).toBe(webhook.id);
    const attempts = forReminder.filter((h) => h.delivery === webhook.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(attempts.every((h) => h.signatureValid)).toBe(true);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 120_000);
});

describe('Redis emptied (FLUSHALL) while reminders are pending', () => {
  let db: TestDatabase;
  let redis: PrivateRedis;
  let api: RunningApi;
  let worker: INestApplicationContext;
  let user: ReturnType<typeof demoClients>;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    redis = await privateRedis();
    const config = testConfig(db.url, {
      REDIS_URL: redis.url,
      REMINDER_DAY_SECONDS: '2',
      REMINDER_RECONCILE_SECONDS: '1',
      OUTBOX_POLL_INTERVAL_MS: '100',
    });
    api = await startApi(config);
    worker = await startWorker(config);
    user = demoClients(api.url);
  });
  afterAll(async () => {
    await worker?.close();
    await api?.close();
    await redis?.cleanup();
    await db?.drop();
  });

  it('delivers every reminder after reconciliation, none twice', async () => {
    await openInquiryFor(user, ['kenko', 'chuo'], '照会（FLUSHALL）');
    // Every reminder job reached Redis…
    await waitFor(
      async () =>
        (await db.query(`SELECT 1 FROM outbox WHERE job_name = 'reminder.fire' AND sent_at IS NULL`)).length === 0,
      'the reminders to be in Redis',
    );
    // …and Redis loses everything.
    const client = new Redis(redis.url);
    // (No key count after it: the running worker writes its own keys again at once, more of
    // them the slower the machine. What is checked is that every reminder is still told, once.)
    expect(await client.flushall()).toBe('OK');
    client.disconnect();

    // Every step up to the first escalation is still told, from PostgreSQL.
    await waitFor(
      async () => {
        const [{ n }] = await db.query(
          `SELECT count(*)::int AS n FROM reminder WHERE step IN ('before:2', 'due', 'escalate:1') AND status = 'sent'`,
        );
        return n === 6;
      },
      'every reminder up to the first escalation to fire',
      60_000,
      200,
    );
    await waitFor(
      async () => (await db.query(`SELECT 1 FROM delivery WHERE sent_at IS NULL`)).length === 0,
      'every delivery to go out',
      30_000,
      200,
    );
    for (const step of ['before:2', 'due', 'escalate:1']) {
      const rows = await told(db, step);
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((r) => r.deliveries === 1 && r.sent && (r.channel !== 'in_app' || r.notifications === 1))).toBe(
        true,
      );
    }
    const [{ dup }] = await db.query(
      `SELECT count(*) - count(DISTINCT (user_id, delivery_id)) AS dup FROM notification`,
    );
    expect(Number(dup)).toBe(0);
  }, 120_000);
});

describe('two workers running', () => {
  let db: TestDatabase;
  let workers: SpawnedApp[] = [];

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    // Two real processes, each its own worker identity (host:pid), as two machines would be.
    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      QUEUE_PREFIX: `{${db.name}}`,
      WORKER_HEALTH_PORT: '0',
      LOG_LEVEL: 'warn',
      REMINDER_RECONCILE_SECONDS: '1',
    };
    workers = [spawnApp('worker', env), spawnApp('worker', env)];
  });
  afterAll(async () => {
    for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGTERM');
    await Promise.all(workers.map((w) => w.exited));
    await db?.drop();
  });

  it('run each scheduled job once per slot', async () => {
    await waitFor(
      async () => (await db.query(`SELECT DISTINCT slot FROM scheduled_run`)).length >= 5,
      'five reconciliation slots',
      45_000,
      200,
    );
    const perSlot = await db.query(`SELECT slot, count(*)::int AS runs FROM scheduled_run GROUP BY slot ORDER BY slot`);
    expect(perSlot.length).toBeGreaterThanOrEqual(5);
    expect(perSlot.every((s) => s.runs === 1)).toBe(true);
    // Both processes were up the whole time, and every run was one of theirs.
    expect(workers.map((w) => w.child.exitCode)).toEqual([null, null]);
    const pids = new Set(workers.map((w) => String(w.child.pid)));
    const ran = await db.query<{ worker: string }>(`SELECT DISTINCT worker FROM scheduled_run`);
    expect(ran.length).toBeGreaterThan(0);
    expect(ran.every((r) => pids.has(r.worker.split(':').pop() ?? ''))).toBe(true);
  }, 90_000);
});
