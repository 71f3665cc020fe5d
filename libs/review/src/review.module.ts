import { Module } from '@nestjs/common';
import { SchedulingModule } from '#libs/scheduling';
import { TrackingModule } from '#libs/tracking';
import { InquiriesService } from './inquiries.service.js';
import { MeetingsService } from './meetings.service.js';
import { ProposalsService } from './proposals.service.js';

/** The decision cycle: inquiries, proposals, meetings. */
@Module({
  imports: [TrackingModule, SchedulingModule],
  providers: [InquiriesService, ProposalsService, MeetingsService],
  exports: [InquiriesService, ProposalsService, MeetingsService],
})
export class ReviewModule {}
