import { ApiProperty } from '@nestjs/swagger';
import { UnitNameRef } from '#libs/identity';
import type { DeadlineKind, DeadlineView } from '../deadlines.service.js';

export class DeadlineSubjectResponse {
  @ApiProperty({ example: 'inquiry' }) type!: string;
  @ApiProperty({ format: 'uuid' }) id!: string;
}

/** 期限: a deadline of one of the caller's units (implements DeadlineView, so the two stay in step). */
export class DeadlineResponse implements DeadlineView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ enum: ['inquiry_reply', 'meeting_preparation', 'progress_report'], enumName: 'DeadlineKind' })
  kind!: DeadlineKind;
  @ApiProperty() title!: string;
  @ApiProperty({ type: UnitNameRef }) ownerUnit!: UnitNameRef;
  @ApiProperty({ format: 'date', description: 'moved to a working day' }) dueDate!: string;
  @ApiProperty({ example: '令和6年12月2日（月）' }) dueDateLabel!: string;
  @ApiProperty({ format: 'date', description: 'as set, before moving off holidays' }) nominalDate!: string;
  @ApiProperty({ description: 'negative when overdue' }) workingDaysLeft!: number;
  @ApiProperty({ enum: ['open', 'satisfied', 'overdue'], enumName: 'DeadlineStatus' }) status!:
    'open' | 'satisfied' | 'overdue';
  @ApiProperty({ type: DeadlineSubjectResponse }) subject!: DeadlineSubjectResponse;
}
