import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsUrl, MaxLength, ValidateIf } from 'class-validator';
import { DataSource } from 'typeorm';
import { AppConfig, ValidationFailedError, withTransaction } from '#libs/platform';

export class UpdateNotificationSettingsDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() emailEnabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() inAppEnabled?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() webhookEnabled?: boolean;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'https URL of a chat tool’s incoming webhook; required while webhookEnabled is true',
  })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  webhookUrl?: string | null;

  @ApiPropertyOptional({ description: 'true: make a new signing secret (shown once in the answer)' })
  @IsOptional()
  @IsBoolean()
  rotateWebhookSecret?: boolean;
}

export interface NotificationSettingsView {
  emailEnabled: boolean;
  inAppEnabled: boolean;
  webhookEnabled: boolean;
  webhookUrl: string | null;
  hasWebhookSecret: boolean;
  /** Only in the answer that created it. */
  webhookSecret?: string;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/** Which channels a person receives messages on, their webhook, and their calendar feed. */
@Injectable()
export class NotificationSettingsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async get(userId: string): Promise<NotificationSettingsView> {
    const [row] = await this.dataSource.query<
      Array<{
        email_enabled: boolean;
        in_app_enabled: boolean;
        webhook_enabled: boolean;
        webhook_url: string | null;
        webhook_secret: string | null;
      }>
    >(`SELECT * FROM notification_settings WHERE user_id = $1`, [userId]);
    return {
      emailEnabled: row?.email_enabled ?? true,
      inAppEnabled: row?.in_app_enabled ?? true,
      webhookEnabled: row?.webhook_enabled ?? false,
      webhookUrl: row?.webhook_url ?? null,
      hasWebhookSecret: Boolean(row?.webhook_secret),
    };
  }

  async update(userId: string, dto: UpdateNotificationSettingsDto): Promise<NotificationSettingsView> {
    return withTransaction(this.dataSource, async (m) => {
      const current = await this.get(userId);
      const [row] = await m.query<Array<{ webhook_secret: string | null }>>(
        `SELECT webhook_secret FROM notification_settings WHERE user_id = $1`,
        [userId],
      );
      const url = dto.webhookUrl === undefined ? current.webhookUrl : dto.webhookUrl;
      // Asking for webhook messages without an address would be stored as "off" and surprise the person later.
      if (dto.webhookEnabled && !url)
        throw new ValidationFailedError([{ field: 'webhookUrl', message: 'is required while webhookEnabled is true' }]);
      const newSecret =
        (url && !row?.webhook_secret) || dto.rotateWebhookSecret
          ? `whsec_${randomBytes(24).toString('base64url')}`
          : null;
      await m.query(
        `INSERT INTO notification_settings (user_id, email_enabled, in_app_enabled, webhook_enabled, webhook_url, webhook_secret, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, now())
         ON CONFLICT (user_id) DO UPDATE SET email_enabled = $2, in_app_enabled = $3, webhook_enabled = $4, webhook_url = $5,
           webhook_secret = coalesce($6, notification_settings.webhook_secret), updated_at = now()`,
        [
          userId,
          dto.emailEnabled ?? current.emailEnabled,
          dto.inAppEnabled ?? current.inAppEnabled,
          (dto.webhookEnabled ?? current.webhookEnabled) && Boolean(url),
          url,
          newSecret,
        ],
      );
      return { ...(await this.get(userId)), ...(newSecret ? { webhookSecret: newSecret } : {}) };
    });
  }

  /** A new secret calendar feed URL for the user (the previous one stops working). */
  async newCalendarFeed(userId: string): Promise<{ url: string }> {
    const token = `kcal_${randomBytes(24).toString('base64url')}`;
    await this.dataSource.query(
      `INSERT INTO notification_settings (user_id, calendar_token_hash) VALUES ($1, $2)
       ON CONFLICT (user_id) DO UPDATE SET calendar_token_hash = $2, updated_at = now()`,
      [userId, hashToken(token)],
    );
    return { url: `${this.config.PUBLIC_BASE_URL}/api/v1/calendar.ics?token=${token}` };
  }

  /** The user a calendar feed token belongs to, if the token is current and the user active. */
  async userOfCalendarToken(token: string): Promise<string | null> {
    if (!/^kcal_[A-Za-z0-9_-]{20,64}$/.test(token)) return null;
    const [row] = await this.dataSource.query<Array<{ user_id: string }>>(
      `SELECT s.user_id FROM notification_settings s JOIN app_user u ON u.id = s.user_id WHERE s.calendar_token_hash = $1 AND u.active`,
      [hashToken(token)],
    );
    return row?.user_id ?? null;
  }
}
