import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { waitFor } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { spawnApp, type SpawnedApp } from '../support/processes.js';

const REMINDERS = 1200;
const BATCH = 500;
/** The worker's default REMINDER_SLOT_MS: one job fires every reminder due in a slot this long. */
const SLOT_MS = 250;
/** A reminder of the slot ending at $1. */
const IN_SLOT = `fire_at > $1::timestamptz - interval '${SLOT_MS} milliseconds' AND fire_at <= $1`;

/**
 * Reminders due in one slot — here spread over 250 instants of it, as reminders planned at
 * different moments are — fire as one job at the slot's end, in batches of one transaction
 * each, none before its own time. They reach the queue only by reconciliation from
 * PostgreSQL (as after Redis lost its data): no job was added when they were written. A worker
 * killed with kill -9 in the middle of the second batch leaves the first batch sent and the
 * second untouched; the next worker sends exactly the rest, each reminder once, one delivery
 * per recipient and channel.
 */
describe('reminders fired in batches per slot', () => {
  let db: TestDatabase;
  let blocker: pg.Client;
  let first: SpawnedApp | null = null;
  let second: SpawnedApp | null = null;
  let third: SpawnedApp | null = null;

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    blocker = new pg.Client({ connectionString: db.url });
    await blocker.connect();
  });
  afterAll(async () => {
    for (const w of [first, second, third]) if (w && w.child.exitCode === null) w.child.kill('SIGKILL');
    await blocker?.end().catch(() => undefined);
    await db?.drop();
  });

  it('sends every reminder of the slot exactly once, none early, across a kill -9 mid-batch', async () => {
    const [{ plan }] = await db.query<{ plan: string }>(`SELECT id AS plan FROM plan WHERE code = 'kaikaku-2027'`);
    const [{ unit }] = await db.query<{ unit: string }>(`SELECT id AS unit FROM org_unit WHERE code = 'kenko'`);
    // The end of a slot a few seconds ahead; the reminders are at it and at the 249 ms before it.
    const fireAt = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
    await db.query(
      `WITH d AS (
         INSERT INTO deadline (key, kind, plan_id, subject_type, subject_id, owner_unit_id, title, nominal_date, due_date)
         SELECT 'batch:' || i, 'inquiry_reply', $1, 'inquiry', gen_random_uuid(), $2, '一斉通知 ' || i, current_date + 5, current_date + 5
           FROM generate_series(1, $3::int) i RETURNING id
       ) INSERT INTO reminder (deadline_id, step, audience, fire_at)
         SELECT id, 'before:2', 'owners', $4::timestamptz - (row_number() OVER () % ${SLOT_MS}) * interval '1 millisecond' FROM d`,
      [plan, unit, REMINDERS, fireAt],
    );
    // The 700th reminder in firing order (fire time, then id) sits in the second batch; an
    // uncommitted delivery under its key holds that batch mid-way (the worker's insert waits on the unique key).
    const ordered = await db.query<{ id: string; deadline_id: string }>(
      `SELECT id, deadline_id FROM reminder WHERE ${IN_SLOT} ORDER BY fire_at, id`,
      [fireAt],
    );
    const held = ordered[BATCH + 199];
    const [{ editor }] = await db.query<{ editor: string }>(
      `SELECT id AS editor FROM app_user WHERE username = 'kenko.editor'`,
    );
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO delivery (key, recipient_user_id, channel, kind, message, sent_at, attempts) VALUES ($1, $2, 'in_app', 'deadline.reminder', '{}', now(), 1)`,
      [`deadline:${held.deadline_id}:v1:before:2:${editor}:in_app`, editor],
    );

    const env = {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      QUEUE_PREFIX: `{${db.name}}`,
      WORKER_HEALTH_PORT: '0',
      LOG_LEVEL: 'warn',
      WORKER_LOCK_DURATION_MS: '2000',
      OUTBOX_POLL_INTERVAL_MS: '100',
      REMINDER_RECONCILE_SECONDS: '2',
    };
    const sent = async () =>
      (
        await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reminder WHERE ${IN_SLOT} AND status = 'sent'`, [
          fireAt,
        ])
      )[0].n;
    first = spawnApp('worker', env);
    // The first batch commits; the second waits on the held key.
    await waitFor(
      async () => {
        const waiting = await db.query(`SELECT 1 FROM pg_locks WHERE NOT granted`);
        return waiting.length > 0 && (await sent()) >= BATCH ? true : null;
      },
      'the first batch sent and the second held',
      60_000,
      100,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await sent()} sent; worker said: ${first!.output().slice(-3000)}`);
    });
    first.child.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    // A batch is one transaction: the killed one (the second 500 in firing order) left nothing
    // behind. (Reconciliation may have started a second job for the instant meanwhile: it
    // skipped the locked batch and took what was left after it.)
    const secondBatch = ordered.slice(BATCH, 2 * BATCH).map((r) => r.id);
    const [{ n: sentOfSecond }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reminder WHERE id = ANY($1::uuid[]) AND status = 'sent'`,
      [secondBatch],
    );
    expect(sentOfSecond).toBe(0);
    expect(await sent()).toBeLessThan(REMINDERS);
    await blocker.query('ROLLBACK');

    second = spawnApp('worker', env);
    await waitFor(
      async () => ((await sent()) === REMINDERS ? true : null),
      'every reminder of the slot sent',
      90_000,
      200,
    );

    // Each reminder told each recipient once per channel, and each in-app delivery is one notification.
    const perReminder = await db.query<{ deliveries: number; notifications: number }>(
      `SELECT count(DISTINCT dl.id)::int AS deliveries, count(n.id)::int AS notifications
         FROM reminder r JOIN delivery dl ON dl.key LIKE 'deadline:' || r.deadline_id || ':v1:before:2:%'
         LEFT JOIN notification n ON n.delivery_id = dl.id
        WHERE r.id IN (SELECT id FROM reminder WHERE ${IN_SLOT}) GROUP BY r.id`,
      [fireAt],
    );
    expect(perReminder).toHaveLength(REMINDERS);
    const shapes = new Set(perReminder.map((r) => `${r.deliveries}/${r.notifications}`));
    expect(shapes.size).toBe(1);
    expect(perReminder[0].deliveries).toBeGreaterThanOrEqual(2);
    // None was fired before its own time (sent_at is its batch's transaction time), and the slot's
    // 250 instants took a transaction per batch, not one per instant.
    const [{ early, transactions }] = await db.query<{ early: number; transactions: number }>(
      `SELECT count(*) FILTER (WHERE sent_at < fire_at)::int AS early, count(DISTINCT sent_at)::int AS transactions FROM reminder WHERE ${IN_SLOT}`,
      [fireAt],
    );
    expect(early).toBe(0);
    expect(transactions).toBeLessThanOrEqual(Math.ceil(REMINDERS / BATCH) + 1);
    const [{ doubled }] = await db.query<{ doubled: number }>(
      `SELECT count(*)::int AS doubled FROM (SELECT delivery_id FROM notification GROUP BY 1 HAVING count(*) > 1) x`,
    );
    expect(doubled).toBe(0);
    second.child.kill('SIGTERM');
    await second.exited;
  }, 180_000);
  it('fires a reminder added to the slot behind the batches already read, in the same job', async () => {
    const [{ plan }] = await db.query<{ plan: string }>(`SELECT id AS plan FROM plan WHERE code = 'kaikaku-2027'`);
    const [{ unit }] = await db.query<{ unit: string }>(`SELECT id AS unit FROM org_unit WHERE code = 'kenko'`);
    const [{ editor }] = await db.query<{ editor: string }>(
      `SELECT id AS editor FROM app_user WHERE username = 'kenko.editor'`,
    );
    const fireAt = new Date(Math.ceil((Date.now() + 4000) / 1000) * 1000);
    const planned = 700;
    await db.query(
      `WITH d AS (
         INSERT INTO deadline (key, kind, plan_id, subject_type, subject_id, owner_unit_id, title, nominal_date, due_date)
         SELECT 'late:' || i, 'inquiry_reply', $1, 'inquiry', gen_random_uuid(), $2, '追加通知 ' || i, current_date + 5, current_date + 5
           FROM generate_series(1, $3::int) i RETURNING id
       ) INSERT INTO reminder (deadline_id, step, audience, fire_at)
         SELECT id, 'before:2', 'owners', $4::timestamptz - (row_number() OVER () % 200) * interval '1 millisecond' FROM d`,
      [plan, unit, planned, fireAt],
    );
    // The last reminder in firing order is held (its batch, the second, waits on its key), so
    // the job has read the whole slot and waits for that batch when the late one is added.
    const [held] = await db.query<{ deadline_id: string }>(
      `SELECT deadline_id FROM reminder WHERE ${IN_SLOT} ORDER BY fire_at DESC, id DESC LIMIT 1`,
      [fireAt],
    );
    await blocker.query('BEGIN');
    await blocker.query(
      `INSERT INTO delivery (key, recipient_user_id, channel, kind, message, sent_at, attempts) VALUES ($1, $2, 'in_app', 'deadline.reminder', '{}', now(), 1)`,
      [`deadline:${held.deadline_id}:v1:before:2:${editor}:in_app`, editor],
    );
    const sent = async () =>
      (
        await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM reminder WHERE ${IN_SLOT} AND status = 'sent'`, [
          fireAt,
        ])
      )[0].n;
    third = spawnApp('worker', {
      DATABASE_URL: db.url,
      REDIS_URL: process.env.TEST_REDIS_URL ?? '',
      QUEUE_PREFIX: `{${db.name}-late}`,
      WORKER_HEALTH_PORT: '0',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_INTERVAL_MS: '100',
      // Only the start-up pass adds the slot's job: no later pass may find the late reminder.
      REMINDER_RECONCILE_SECONDS: '86400',
    });
    await waitFor(
      async () => {
        const waiting = await db.query(`SELECT 1 FROM pg_locks WHERE NOT granted`);
        return waiting.length > 0 && (await sent()) === BATCH ? true : null;
      },
      'the first batch sent and the second held',
      60_000,
      100,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await sent()} sent; worker said: ${third!.output().slice(-3000)}`);
    });
    // First in firing order: earlier than every reminder read, at the slot's first instant.
    const late = '00000000-0000-4000-8000-000000000001';
    const [{ deadline }] = await db.query<{ deadline: string }>(
      `INSERT INTO deadline (key, kind, plan_id, subject_type, subject_id, owner_unit_id, title, nominal_date, due_date)
       VALUES ('late:added', 'inquiry_reply', $1, 'inquiry', gen_random_uuid(), $2, '後から追加', current_date + 5, current_date + 5)
       RETURNING id AS deadline`,
      [plan, unit],
    );
    await db.query(
      `INSERT INTO reminder (id, deadline_id, step, audience, fire_at) VALUES ($1, $2, 'before:2', 'owners', $3::timestamptz - interval '${SLOT_MS - 1} milliseconds')`,
      [late, deadline, fireAt],
    );
    await blocker.query('ROLLBACK');

    await waitFor(
      async () => ((await sent()) === planned + 1 ? true : null),
      'the late reminder sent with the rest of its slot',
      60_000,
      100,
    ).catch(async (error: Error) => {
      throw new Error(`${error.message}; ${await sent()} sent; worker said: ${third!.output().slice(-3000)}`);
    });
    const told = await db.query<{ channel: string; notified: number }>(
      `SELECT dl.channel, count(n.id)::int AS notified FROM delivery dl LEFT JOIN notification n ON n.delivery_id = dl.id
        WHERE dl.key LIKE 'deadline:' || $1 || ':v1:before:2:%' GROUP BY dl.id, dl.channel`,
      [deadline],
    );
    // Told like every other reminder of the slot: the same deliveries, each in-app one notified once.
    const [{ deliveries }] = await db.query<{ deliveries: number }>(
      `SELECT count(*)::int AS deliveries FROM delivery WHERE key LIKE 'deadline:' || $1 || ':v1:before:2:%'`,
      [held.deadline_id],
    );
    expect(told).toHaveLength(deliveries);
    expect(deliveries).toBeGreaterThanOrEqual(2);
    expect(told.filter((t) => t.channel === 'in_app' && t.notified !== 1)).toEqual([]);
    third.child.kill('SIGTERM');
    await third.exited;
  }, 120_000);
});
