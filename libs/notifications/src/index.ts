export * from './channels/email.channel.js';
export * from './channels/webhook.channel.js';
export * from './deliveries.service.js';
export * from './notification-settings.service.js';
export * from './notifications.module.js';
export * from './notifications.service.js';
export * from './recipients.js';
export * from './templates.js';
