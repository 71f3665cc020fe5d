import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import { AppConfig } from '#libs/platform';
import type { Message } from '../templates.js';

/**
 * E-mail over SMTP (nodemailer). The Message-ID is derived from the delivery, so a message
 * re-sent after a crash between sending and recording carries the same id and mail clients
 * and servers can tell it is the same message.
 */
@Injectable()
export class EmailChannel implements OnApplicationShutdown {
  private transport: Transporter | null = null;

  constructor(private readonly config: AppConfig) {}

  get enabled(): boolean {
    return this.config.SMTP_URL !== '';
  }

  async send(deliveryId: string, to: string, message: Message): Promise<void> {
    this.transport ??= nodemailer.createTransport(this.config.SMTP_URL, { from: this.config.MAIL_FROM });
    const host = new URL(this.config.PUBLIC_BASE_URL).hostname;
    await this.transport.sendMail({
      to,
      subject: message.subject,
      text: message.body,
      messageId: `<${deliveryId}@${host}>`,
      headers: { 'X-Kaikaku-Delivery': deliveryId },
    });
  }

  onApplicationShutdown(): void {
    this.transport?.close();
  }
}
