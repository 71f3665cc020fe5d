import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DeliveriesService, type Message, type Recipient } from '#libs/notifications';
import { withTransaction } from '#libs/platform';
import { startWorker, testConfig, waitFor } from '../support/apps.js';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { smtpReceiver } from '../support/receivers.js';

const MESSAGE: Message = {
  kind: 'test.delivery',
  subject: '【テスト】配信',
  body: '本文',
  link: 'https://kaikaku.city.example/',
};

/**
 * Deliveries on the worker, with real SMTP and HTTP receivers: the channels a person turned off
 * get nothing; a failing webhook is retried with its error recorded until it answers; one that
 * can no longer be made is closed with the reason instead of retried.
 */
describe('deliveries', () => {
  let db: TestDatabase;
  let worker: INestApplicationContext;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let hook: Server;
  let hookUrl: string;
  /** The webhook answers 500 until the test says otherwise. */
  const receiver = { healthy: false, calls: 0 };

  const userId = async (username: string) =>
    (await db.query(`SELECT id FROM app_user WHERE username = $1`, [username]))[0].id as string;
  const recipient = async (username: string): Promise<Recipient> => ({
    id: await userId(username),
    username,
    displayName: username,
    email: `${username}@city.example`,
  });
  const deliveriesOf = (key: string) =>
    db.query(
      `SELECT u.username, d.channel, d.sent_at IS NOT NULL AS sent, d.attempts, d.last_error FROM delivery d JOIN app_user u ON u.id = d.recipient_user_id WHERE d.key LIKE $1 || ':%' ORDER BY 1, 2`,
      [key],
    );
  const record = (
    key: string,
    recipients: Recipient[],
    also?: (m: import('typeorm').EntityManager) => Promise<unknown>,
  ) =>
    withTransaction(worker.get(DataSource), async (m) => {
      const n = await worker.get(DeliveriesService).record(m, key, recipients, MESSAGE);
      await also?.(m);
      return n;
    });

  beforeAll(async () => {
    db = await createTestDatabase({ demo: true });
    smtp = await smtpReceiver();
    hook = createServer((req, res) => {
      receiver.calls++;
      req.resume();
      req.on('end', () => res.writeHead(receiver.healthy ? 200 : 500).end());
    });
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve));
    hookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    await db.query(
      `UPDATE app_user SET email = username || '@city.example' WHERE username IN ('kenko.editor', 'kenko.approver', 'chuo.editor', 'chuo.approver')`,
    );
    worker = await startWorker(testConfig(db.url, { SMTP_URL: smtp.url, OUTBOX_POLL_INTERVAL_MS: '100' }));
  });
  afterAll(async () => {
    await worker?.close();
    await smtp?.close();
    await new Promise((resolve) => hook?.close(resolve));
    await db?.drop();
  });

  it('records nothing on the channels a person turned off', async () => {
    const settings = (username: string, email: boolean, inApp: boolean) =>
      db.query(
        `INSERT INTO notification_settings (user_id, email_enabled, in_app_enabled) SELECT id, $2, $3 FROM app_user WHERE username = $1
         ON CONFLICT (user_id) DO UPDATE SET email_enabled = $2, in_app_enabled = $3`,
        [username, email, inApp],
      );
    await settings('kenko.editor', false, true);
    await settings('kenko.approver', false, false);
    const recipients = await Promise.all(['kenko.editor', 'kenko.approver', 'chuo.editor'].map(recipient));
    expect(await record('test:channels', recipients)).toBe(3);
    expect((await deliveriesOf('test:channels')).map((d) => `${d.username}/${d.channel}`)).toEqual([
      'chuo.editor/email',
      'chuo.editor/in_app',
      'kenko.editor/in_app',
    ]);
    await waitFor(() => smtp.mails.some((m) => m.to.includes('chuo.editor@city.example')), 'the one mail');
    expect(smtp.mails.filter((m) => m.to.some((to) => to.startsWith('kenko.')))).toEqual([]);
  });

  it('retries a failing webhook, recording each error, and sends it once it answers', async () => {
    await db.query(
      `INSERT INTO notification_settings (user_id, webhook_enabled, webhook_url, webhook_secret) SELECT id, true, $2, 'whsec_test' FROM app_user WHERE username = $1
       ON CONFLICT (user_id) DO UPDATE SET webhook_enabled = true, webhook_url = $2, webhook_secret = 'whsec_test'`,
      ['chuo.approver', hookUrl],
    );
    await record('test:retry', [await recipient('chuo.approver')]);
    // Failed twice, with the answer kept as the delivery's last error, and not sent.
    const failing = await waitFor(
      async () => (await deliveriesOf('test:retry')).find((d) => d.channel === 'webhook' && d.attempts >= 2) ?? null,
      'two failed attempts',
    );
    expect(failing).toMatchObject({ sent: false, last_error: 'webhook answered 500' });
    receiver.healthy = true;
    const sent = await waitFor(
      async () => (await deliveriesOf('test:retry')).find((d) => d.channel === 'webhook' && d.sent) ?? null,
      'the retry that succeeds',
      60_000,
    );
    expect(sent.last_error).toBeNull();
    expect(sent.attempts).toBeGreaterThanOrEqual(3);
    expect(receiver.calls).toBe(sent.attempts);
  });

  it('closes a delivery that can no longer be made, with the reason, instead of retrying it', async () => {
    const before = receiver.calls;
    // The webhook is removed after the message was recorded, before its job runs.
    await record('test:give-up', [await recipient('chuo.approver')], (m) =>
      m.query(
        `UPDATE notification_settings SET webhook_url = NULL WHERE user_id = (SELECT id FROM app_user WHERE username = 'chuo.approver')`,
      ),
    );
    const closed = await waitFor(
      async () => (await deliveriesOf('test:give-up')).find((d) => d.channel === 'webhook' && d.sent) ?? null,
      'the delivery closed',
    );
    expect(closed).toMatchObject({ attempts: 0, last_error: 'the recipient has no webhook any more' });
    expect(receiver.calls).toBe(before);
  });
});
