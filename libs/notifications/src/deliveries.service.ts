import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { JOB_CATALOGUE, OUTBOX_CHANNEL, OutboxService, prepared } from '#libs/platform';
import { EmailChannel } from './channels/email.channel.js';
import { WebhookChannel } from './channels/webhook.channel.js';
import type { Recipient, RoleHolder } from './recipients.js';
import type { Message } from './templates.js';

export const CHANNELS = ['email', 'webhook', 'in_app'] as const;
export type Channel = (typeof CHANNELS)[number];

type ChannelSettings = Pick<
  RoleHolder,
  'email' | 'email_enabled' | 'in_app_enabled' | 'webhook_enabled' | 'webhook_url' | 'webhook_secret'
>;

interface ChannelRow extends ChannelSettings {
  user_id: string;
  email: string | null;
  email_enabled: boolean | null;
  in_app_enabled: boolean | null;
  webhook_enabled: boolean | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/** One message to record for its recipients, if and only if its claim (see recordClaimed) succeeds. */
export interface ClaimedMessage {
  /** The id the claim statement answers when this message's claim succeeded. */
  claimId: string;
  key: string;
  recipients: RoleHolder[];
  message: Message;
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
    const wanted = rows.flatMap((r) => this.channelsOf(r).map((channel) => ({ user: r.user_id, channel })));
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
      [
        key,
        message.kind,
        JSON.stringify(message),
        wanted.map((w) => w.user),
        wanted.map((w) => w.channel),
        message.subject,
        message.body,
        message.link ?? null,
      ],
    );
    for (const { id, channel } of created) {
      if (channel !== 'in_app')
        await this.outbox.enqueue(m, 'delivery.send', { deliveryId: id }, { jobId: `dlv-${id}` });
    }
    return created.length;
  }

  /**
   * Records many messages in ONE statement that also makes their claim: `claim.sql` (a
   * data-modifying statement, e.g. the reminders it marks sent, answering their `id`; its
   * parameters are `claim.values`, numbered from $1) runs as the statement's first part, and
   * only the messages whose `claimId` it answers are recorded — deliveries, in-app
   * notifications and the outbox rows of the others, as record() makes them. One statement
   * is one transaction: the claim and its deliveries commit together or not at all, without
   * a BEGIN and COMMIT, and a concurrent claimer of the same rows finds them taken.
   */
  async recordClaimed(
    m: EntityManager,
    claim: { sql: string; values: unknown[] },
    messages: readonly ClaimedMessage[],
  ): Promise<{ claimed: number; deliveries: number }> {
    const claims: string[] = [];
    const keys: string[] = [];
    const users: string[] = [];
    const channels: Channel[] = [];
    const indexes: number[] = [];
    messages.forEach((item, i) => {
      for (const r of item.recipients) {
        for (const channel of this.channelsOf(r)) {
          claims.push(item.claimId);
          keys.push(`${item.key}:${r.id}:${channel}`);
          users.push(r.id);
          channels.push(channel);
          indexes.push(i + 1);
        }
      }
    });
    const n = claim.values.length;
    const $ = (k: number) => `$${n + k}`;
    const { rows } = await prepared<{ claimed: number; deliveries: number }>(
      m,
      `WITH claimed AS (${claim.sql}),
       wanted AS (
         SELECT w.* FROM unnest(${$(1)}::uuid[], ${$(2)}::text[], ${$(3)}::uuid[], ${$(4)}::text[], ${$(5)}::int[]) AS w(claim_id, key, user_id, channel, m)
          WHERE w.claim_id IN (SELECT id FROM claimed)
       ), recorded AS (
         INSERT INTO delivery (key, recipient_user_id, channel, kind, message, sent_at, attempts)
         SELECT w.key, w.user_id, w.channel, (${$(6)}::text[])[w.m], (${$(7)}::jsonb[])[w.m],
                CASE WHEN w.channel = 'in_app' THEN now() END, CASE WHEN w.channel = 'in_app' THEN 1 ELSE 0 END
           FROM wanted w
         ON CONFLICT (key) DO NOTHING
         RETURNING id, recipient_user_id, channel, kind, message
       ), told AS (
         INSERT INTO notification (user_id, delivery_id, kind, title, body, link, created_at)
         SELECT r.recipient_user_id, r.id, r.kind, r.message->>'subject', r.message->>'body', r.message->>'link', clock_timestamp() FROM recorded r WHERE r.channel = 'in_app'
       ), queued AS (
         INSERT INTO outbox (queue, job_name, payload, job_id)
         SELECT ${$(8)}, 'delivery.send', jsonb_build_object('deliveryId', r.id), 'dlv-' || r.id FROM recorded r WHERE r.channel <> 'in_app' RETURNING id
       )
       SELECT (SELECT count(*)::int FROM claimed) AS claimed, (SELECT count(*)::int FROM recorded) AS deliveries,
              CASE WHEN EXISTS (SELECT 1 FROM queued) THEN pg_notify(${$(9)}, '') END AS notified`,
      [
        ...claim.values,
        claims,
        keys,
        users,
        channels,
        indexes,
        messages.map((item) => item.message.kind),
        messages.map((item) => JSON.stringify(item.message)),
        JOB_CATALOGUE['delivery.send'].queue,
        OUTBOX_CHANNEL,
      ],
    );
    return { claimed: rows[0].claimed, deliveries: rows[0].deliveries };
  }

  /** The channels a recipient is told on: in-app unless switched off, e-mail when on and possible, a webhook when set up. */
  private channelsOf(r: ChannelSettings): Channel[] {
    const channels: Channel[] = [];
    if (r.in_app_enabled ?? true) channels.push('in_app');
    if ((r.email_enabled ?? true) && r.email && this.email.enabled) channels.push('email');
    if (r.webhook_enabled && r.webhook_url && r.webhook_secret) channels.push('webhook');
    return channels;
  }

  /** Sends one delivery on its channel, once: a delivery recorded as sent is never sent again. */
  async send(deliveryId: string): Promise<void> {
    const [d] = await this.dataSource.query<
      Array<{
        id: string;
        channel: Channel;
        message: Message;
        sent_at: Date | null;
        recipient_user_id: string;
        email: string | null;
        webhook_url: string | null;
        webhook_secret: string | null;
      }>
    >(
      `SELECT d.id, d.channel, d.message, d.sent_at, d.recipient_user_id, u.email, s.webhook_url, s.webhook_secret
         FROM delivery d JOIN app_user u ON u.id = d.recipient_user_id LEFT JOIN notification_settings s ON s.user_id = d.recipient_user_id
        WHERE d.id = $1`,
      [deliveryId],
    );
    if (!d || d.sent_at) return;
    const message = d.message;
    try {
      switch (d.channel) {
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
      await this.dataSource.query(
        `UPDATE delivery SET sent_at = now(), attempts = attempts + 1, last_error = NULL WHERE id = $1 AND sent_at IS NULL`,
        [d.id],
      );
    } catch (error) {
      await this.dataSource
        .query(`UPDATE delivery SET attempts = attempts + 1, last_error = $2 WHERE id = $1`, [
          d.id,
          String((error as Error).message ?? error).slice(0, 500),
        ])
        .catch(() => undefined);
      throw error;
    }
  }

  /** A delivery that can no longer be made is closed, with the reason, instead of retried forever. */
  private async give(id: string, reason: string): Promise<void> {
    this.logger.warn({ deliveryId: id, reason }, 'delivery abandoned');
    await this.dataSource.query(
      `UPDATE delivery SET sent_at = now(), last_error = $2 WHERE id = $1 AND sent_at IS NULL`,
      [id, reason],
    );
  }
}
