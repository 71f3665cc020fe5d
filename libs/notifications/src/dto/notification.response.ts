import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { NotificationSettingsView } from '../notification-settings.service.js';
import type { NotificationView } from '../notifications.service.js';

// The answers of the notification routes; each class implements its view.

/** 通知: an in-app notification. */
export class NotificationResponse implements NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'proposal.returned' }) kind!: string;
  @ApiProperty() title!: string;
  @ApiProperty() body!: string;
  @ApiProperty({ type: String, nullable: true }) link!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readAt!: string | null;
}

export class NotificationSettingsResponse implements NotificationSettingsView {
  @ApiProperty() emailEnabled!: boolean;
  @ApiProperty() inAppEnabled!: boolean;
  @ApiProperty() webhookEnabled!: boolean;
  @ApiProperty({ type: String, nullable: true }) webhookUrl!: string | null;
  @ApiProperty() hasWebhookSecret!: boolean;
  @ApiPropertyOptional({ description: 'only in the answer that created it: store it now' }) webhookSecret?: string;
}

export class CalendarFeedResponse {
  @ApiProperty({ description: 'the secret feed address to subscribe to' }) url!: string;
}
