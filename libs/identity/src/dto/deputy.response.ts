import { ApiProperty } from '@nestjs/swagger';
import type {
  DeputyDecisionView,
  DeputyPeriodStatus,
  DeputyPeriodView,
  MyDeputyPeriodsView,
  PersonView,
} from '../deputies/deputies.service.js';

export class DeputyPersonResponse implements PersonView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
}

/** 代決: a period in which the deputy stands in for the absent person. */
export class DeputyPeriodResponse implements DeputyPeriodView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ type: DeputyPersonResponse, description: 'the absent person (被代決者)' })
  absent!: DeputyPersonResponse;
  @ApiProperty({ type: DeputyPersonResponse, description: 'the deputy (代決者)' }) deputy!: DeputyPersonResponse;
  @ApiProperty({ format: 'date', description: 'first day (Asia/Tokyo)' }) from!: string;
  @ApiProperty({ format: 'date', description: 'last day, inclusive' }) to!: string;
  @ApiProperty({ format: 'date-time', description: '00:00 JST of the first day' }) startsAt!: string;
  @ApiProperty({ format: 'date-time', description: '00:00 JST after the last day' }) endsAt!: string;
  @ApiProperty() reason!: string;
  @ApiProperty({ enum: ['scheduled', 'running', 'over', 'cancelled'] }) status!: DeputyPeriodStatus;
  @ApiProperty({ description: 'username of who named the deputy (the person, or an administrator)' })
  createdBy!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) cancelledAt!: string | null;
}

export class DeputyExercisingResponse {
  @ApiProperty({ type: DeputyPersonResponse }) absent!: DeputyPersonResponse;
  @ApiProperty({ type: [String], description: 'the absent person’s workflow roles the caller exercises now' })
  roles!: string[];
}

export class MyDeputyPeriodsResponse implements MyDeputyPeriodsView {
  @ApiProperty({ type: [DeputyPeriodResponse], description: 'periods in which someone stands in for me' })
  named!: DeputyPeriodResponse[];
  @ApiProperty({ type: [DeputyPeriodResponse], description: 'periods in which I stand in for someone (not over)' })
  standingIn!: DeputyPeriodResponse[];
  @ApiProperty({ type: [DeputyExercisingResponse], description: 'what I exercise as a deputy right now' })
  exercising!: DeputyExercisingResponse[];
}

export class DeputyDecisionActorResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) id!: string | null;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ type: String, nullable: true }) displayName!: string | null;
}

/** 後閲: a decision a deputy took for the caller while they were away. */
export class DeputyDecisionResponse implements DeputyDecisionView {
  @ApiProperty({ format: 'uuid' }) auditEntryId!: string;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ example: 'proposal' }) entityType!: string;
  @ApiProperty() entityId!: string;
  @ApiProperty({ type: String, nullable: true }) title!: string | null;
  @ApiProperty({ example: 'approve' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) fromState!: string | null;
  @ApiProperty({ type: String, nullable: true }) toState!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ type: DeputyDecisionActorResponse, description: 'the deputy who decided' })
  deputy!: DeputyDecisionActorResponse;
  @ApiProperty({
    type: String,
    format: 'date-time',
    nullable: true,
    description: 'when the absent person marked it seen (後閲済)',
  })
  seenAt!: string | null;
}
