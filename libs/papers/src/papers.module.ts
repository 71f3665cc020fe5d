import { Module } from '@nestjs/common';
import { IdentityModule } from '#libs/identity';
import { NotificationsModule } from '#libs/notifications';
import { AppConfig } from '#libs/platform';
import { ReviewModule } from '#libs/review';
import { TrackingModule } from '#libs/tracking';
import { ATTACHMENT_STORAGE, storageFor } from './attachment-storage.js';
import { AttachmentsService } from './attachments.service.js';
import { CommentsService } from './comments.service.js';
import { MentionsHandler } from './mentions.handler.js';
import { RecordAccess } from './record-access.js';

/** Working papers beside the records: attachments and review comments. */
@Module({
  imports: [ReviewModule, TrackingModule, IdentityModule],
  providers: [
    RecordAccess,
    AttachmentsService,
    CommentsService,
    { provide: ATTACHMENT_STORAGE, useFactory: storageFor, inject: [AppConfig] },
  ],
  exports: [AttachmentsService, CommentsService],
})
export class PapersModule {}

/** The worker's part: telling the people a comment mentions. */
@Module({
  imports: [NotificationsModule],
  providers: [MentionsHandler],
})
export class PapersJobsModule {}
