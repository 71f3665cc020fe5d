import { createHmac } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '#libs/platform';
import type { Message } from '../templates.js';

/** The signature header of a webhook body: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "t.body">`. */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * JSON POSTs for chat tools, signed with HMAC-SHA256 over the timestamp and the body (so a
 * receiver can reject forgeries and replays). Anything but a 2xx answer is a failure the
 * job retries with backoff; the delivery id lets the receiver drop a repeat.
 */
@Injectable()
export class WebhookChannel {
  constructor(private readonly config: AppConfig) {}

  async send(deliveryId: string, url: string, secret: string, message: Message): Promise<void> {
    const body = JSON.stringify({
      id: deliveryId,
      kind: message.kind,
      subject: message.subject,
      text: message.body,
      link: message.link,
    });
    const timestamp = Math.floor(Date.now() / 1000);
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json; charset=utf-8',
        'user-agent': 'Kaikaku-Webhook/1',
        'x-kaikaku-delivery': deliveryId,
        'x-kaikaku-signature': signWebhook(secret, timestamp, body),
      },
      body,
      signal: AbortSignal.timeout(this.config.WEBHOOK_TIMEOUT_MS),
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (!res.ok) throw new Error(`webhook answered ${res.status}`);
  }
}
