import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { OutboxService, prepared } from '#libs/platform';
import { EmailChannel } from './channels/email.channel.js';
import { WebhookChannel } from './channels/webhook.channel.js';
import type { Recipient } from './recipients.js';
import type { Message } from './templates.js';

export const CHANNELS = ['email', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

interface ChannelRow {
  user_id: string;
  email: string | null;
  email_enabled: boolean | null;
  in_app_enabled: boolean | null;
  webhook_enabled: boolean | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/**
 * Deliveries: one row per (what is told, recipient, channel), under a unique key. A job
 * that runs twice, a reminder fired twice, or a reconciliation adding the job again finds
 * the row and sends nothing more. An in-app row is born sent with its notification; an
 * e-mail or webhook row is sent by its own retried job.
 */
@Injectable()
export class DeliveriesService {
  private readonly logger = new Logger(DeliveriesService.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: OutboxService,
    private readonly email: EmailChannel,
    private readonly webhook: WebhookChannel,
  ) {}

  /**
   * Records the message for each recipient on each channel they use (inside the caller's
   * transaction), with the job that sends it. `key` names what is told, e.g.
   * `deadline:<id>:before:2`; answers how many deliveries are new.
   */
  async record(m: EntityManager, key: string, recipients: Recipient[], message: Message): Promise<number> {
    if (recipients.length === 0) return 0;
    const { rows } = await prepared<ChannelRow>(
      m,
      `SELECT u.id AS user_id, u.email, s.email_enabled, s.in_app_enabled, s.webhook_enabled, s.webhook_url, s.webhook_secret
         FROM app_user u LEFT JOIN notification_settings s ON s.user_id = u.id WHERE u.id = ANY($1::uuid[])`,
      [recipients.map((r) => r.id)],
    );
    const wanted: Array<{ user: string; channel: Channel }> = [];
    for (const r of rows) {
      if (r.in_app_enabled ?? true) wanted.push({ user: r.user_id, channel: 'in_app' });
      if ((r.email_enabled ?? true) && r.email && this.email.enabled) wanted.push({ user: r.user_id, channel: 'email' });
      if (r.webhook_enabled && r.webhook_url && r.webhook_secret) wanted.push({ user: r.user_id, channel: 'webhook' });
    }
    if (wanted.length === 0) return 0;
    // An in-app notification is a row in this same database, so it is written here, in the
    // caller's transaction, and its delivery born sent: exactly once with no job in between.
    // E-mail and webhooks leave the process and get a retried job each, through the outbox.
    const { rows: created } = await prepared<{ id: string; channel: Channel }>(
      m,
      `WITH d AS (
         INSERT INTO delivery (key, recipient_user_id, channel, kind, message, sent_at, attempts)
         SELECT $1 || ':' || w.user_id || ':' || w.channel, w.user_id, w.channel, $2, $3::jsonb,
                CASE WHEN w.channel = 'in_app' THEN now() END, CASE WHEN w.channel = 'in_app' THEN 1 ELSE 0 END
           FROM unnest($4::uuid[], $5::text[]) AS w(user_id, channel)
         ON CONFLICT (key) DO NOTHING
         RETURNING id, recipient_user_id, channel
       ), told AS (
         INSERT INTO notification (user_id, delivery_id, kind, title, body, link, created_at)
         SELECT recipient_user_id, id, $2, $6, $7, $8, clock_timestamp() FROM d WHERE channel = 'in_app'
       )
       SELECT id, channel FROM d`,
      [key, message.kind, JSON.stringify(message), wanted.map((w) => w.user), wanted.map((w) => w.channel), message.subject, message.body, message.link ?? null],
    );
    for (const { id, channel } of created) {
      if (channel !== 'in_app') await this.outbox.enqueue(m, 'delivery.send', { deliveryId: id }, { jobId: `dlv-${id}` });
    }
    return created.length;
  }

  /** Sends one delivery on its channel, once: a delivery recorded as sent is never sent again. */
  async send(deliveryId: string): Promise<void> {
    const [d] = await this.dataSource.query(
      `SELECT d.id, d.channel, d.message, d.sent_at, d.recipient_user_id, u.email, s.webhook_url, s.webhook_secret
         FROM delivery d JOIN app_user u ON u.id = d.recipient_user_id LEFT JOIN notification_settings s ON s.user_id = d.recipient_user_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!d || d.sent_at) return;
    const message = d.message as Message;
    try {
      switch (d.channel as Channel) {
        case 'in_app':
          // Born sent, with its notification, in the transaction that recorded it (record()).
          return;
        case 'email':
          if (!d.email) return this.give(d.id, 'the recipient has no e-mail address');
          await this.email.send(d.id, d.email, message);
          break;
        case 'webhook':
          if (!d.webhook_url || !d.webhook_secret) return this.give(d.id, 'the recipient has no webhook any more');
          await this.webhook.send(d.id, d.webhook_url, d.webhook_secret, message);
          break;
      }
      await this.dataSource.query(`UPDATE delivery SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1 AND sent_at IS NULL`, [d.id]);
    } catch (error) {
      await this.dataSource
        .query(`UPDATE delivery SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [d.id, String((error as Error).message ?? error).slice(0, 500)])
        .catch(() => undefined);
      throw error;
    }
  }

  /** A delivery that can no longer be made is closed, with the reason, instead of retried forever. */
  private async give(id: string, reason: string): Promise<void> {
    this.logger.warn({ deliveryId: id, reason }, 'delivery abandoned');
    await this.dataSource.query(`UPDATE delivery SET sent_at = now(), last_error = $2 WHERE id = $1 AND sent_at IS NULL`, [id, reason]);
  }
}
