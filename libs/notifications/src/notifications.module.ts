import { Module } from '@nestjs/common';
import { EmailChannel } from './channels/email.channel.js';
import { WebhookChannel } from './channels/webhook.channel.js';
import { DeliveriesService } from './deliveries.service.js';
import { DeliveryHandler } from './delivery.handler.js';
import { NotificationSettingsService } from './notification-settings.service.js';
import { NotificationsService } from './notifications.service.js';
import { WorkflowEffectsHandler } from './workflow-effects.handler.js';

/** Telling people: deliveries on e-mail, webhooks and in-app, and each person's settings. */
@Module({
  providers: [EmailChannel, WebhookChannel, DeliveriesService, NotificationsService, NotificationSettingsService],
  exports: [DeliveriesService, NotificationsService, NotificationSettingsService],
})
export class NotificationsModule {}

/** The worker's part: sending deliveries and running workflow effects. */
@Module({
  imports: [NotificationsModule],
  providers: [DeliveryHandler, WorkflowEffectsHandler],
})
export class NotificationsJobsModule {}
