import { Module } from '@nestjs/common';
import { TrackingModule } from '#libs/tracking';
import { InquiriesService } from './inquiries.service.js';
import { MeetingsService } from './meetings.service.js';
import { ProposalsService } from './proposals.service.js';
import { WorkflowEffectsHandler } from './workflow-effects.handler.js';

/** The decision cycle: inquiries, proposals, meetings. */
@Module({
  imports: [TrackingModule],
  providers: [InquiriesService, ProposalsService, MeetingsService],
  exports: [InquiriesService, ProposalsService, MeetingsService],
})
export class ReviewModule {}

/** The worker's part: the handlers of the cycle's jobs. */
@Module({ providers: [WorkflowEffectsHandler] })
export class ReviewJobsModule {}
