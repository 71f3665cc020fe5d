import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { UnitNameRef } from '#libs/identity';
import { PolicyRefResponse, ThemeResponse } from '#libs/planning';
import { LabelResponse, WorkflowRefResponse } from '#libs/platform';
import type { InquiryResponseView, InquiryView, ResponseStatus } from '../inquiries.service.js';
import type { MeetingView } from '../meetings.service.js';
import type { ActionAuthority, ActionView, Delegated, HistoryEntry, ProposalView } from '../proposals.service.js';
import { MEETING_KINDS, type MeetingKind } from './review.dto.js';

// The answers of the review routes (inquiries, proposals, meetings). Each class implements
// its view, so the compiler keeps the OpenAPI document and the service in step.

/** 全庁照会: an all-bureau inquiry. */
export class InquiryResponse implements InquiryView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ format: 'date', example: '2026-12-25' }) dueDate!: string;
  @ApiProperty({ example: 'open' }) state!: string;
  @ApiProperty({ type: LabelResponse, nullable: true }) stateLabel!: LabelResponse | null;
  @ApiProperty({ type: WorkflowRefResponse }) workflow!: WorkflowRefResponse;
  @ApiProperty({ type: [UnitNameRef] }) targetUnits!: UnitNameRef[];
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) openedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) closedAt!: string | null;
  @ApiProperty({ description: 'also the ETag' }) version!: number;
}

export class InquiryResponseUnit extends UnitNameRef {
  @ApiProperty({ example: 'bureau' }) kind!: string;
}

export class NilReturnResponse {
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'username' }) by!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
}

/** One target unit's answer to an inquiry: 未回答 (pending), 回答済 n件 (responded), 該当なし (nil_return). */
export class InquiryUnitAnswerResponse implements InquiryResponseView {
  @ApiProperty({ type: InquiryResponseUnit }) orgUnit!: InquiryResponseUnit;
  @ApiProperty({ enum: ['pending', 'responded', 'nil_return'], enumName: 'InquiryResponseStatus' })
  status!: ResponseStatus;
  @ApiProperty({ description: 'proposals of the unit that left it (bureau approval done)' }) proposals!: number;
  @ApiProperty({ type: NilReturnResponse, nullable: true }) nilReturn!: NilReturnResponse | null;
}

export class ScheduleStepResponse {
  @ApiProperty({ example: 2027 }) fiscalYear!: number;
  @ApiProperty({ example: '令和9年度' }) label!: string;
  @ApiProperty({ example: '検討' }) step!: string;
}

/** 取組提案: a proposal. */
export class ProposalResponse implements ProposalView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) inquiryId!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ type: UnitNameRef }) owningUnit!: UnitNameRef;
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: PolicyRefResponse, nullable: true, description: 'the policy (方針)' })
  policy!: PolicyRefResponse | null;
  @ApiProperty({ type: ThemeResponse, nullable: true, description: 'the theme (取組テーマ)' })
  theme!: ThemeResponse | null;
  @ApiProperty({ type: [UnitNameRef] }) collaboratingUnits!: UnitNameRef[];
  @ApiProperty() expectedEffect!: string;
  @ApiProperty({ type: Number, nullable: true, description: 'yen' }) expectedAmount!: number | null;
  @ApiProperty({ type: [ScheduleStepResponse] }) schedule!: ScheduleStepResponse[];
  @ApiProperty({ type: [String] }) relatedIndicators!: string[];
  @ApiProperty({ example: 'draft' }) state!: string;
  @ApiProperty({ type: LabelResponse, nullable: true }) stateLabel!: LabelResponse | null;
  @ApiProperty({ type: WorkflowRefResponse }) workflow!: WorkflowRefResponse;
  @ApiProperty() revision!: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) firstSubmittedAt!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) mergedIntoId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) initiativeId!: string | null;
  @ApiProperty({ description: 'also the ETag' }) version!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class HistoryActorResponse {
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) id!: string | null;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
}

export class PersonRefResponse {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() username!: string;
}

/** 専決: the lower role that took the step under a rule of the workflow definition. */
export class DelegatedResponse implements Delegated {
  @ApiProperty({ example: 'bureau_approver' }) role!: string;
  @ApiProperty({ type: LabelResponse, nullable: true }) label!: LabelResponse | null;
}

export class HistoryUnitResponse {
  @ApiProperty({ example: 'kenko' }) code!: string;
  @ApiProperty({ example: '健康福祉局' }) nameJa!: string;
}

/** One step of a proposal's history (from the audit log). */
export class HistoryEntryResponse implements HistoryEntry {
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: HistoryActorResponse }) actor!: HistoryActorResponse;
  @ApiProperty({ example: 'submit' }) action!: string;
  @ApiProperty({ type: String, nullable: true }) from!: string | null;
  @ApiProperty({ type: String, nullable: true }) to!: string | null;
  @ApiProperty({ type: String, nullable: true }) comment!: string | null;
  @ApiProperty({ type: Number, nullable: true }) version!: number | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) details!: Record<string, unknown>;
  @ApiProperty({
    type: PersonRefResponse,
    nullable: true,
    description: '代決: the absent person the actor decided for',
  })
  onBehalfOf!: PersonRefResponse | null;
  @ApiProperty({
    type: DelegatedResponse,
    nullable: true,
    description: '専決: the rule under which a lower role decided',
  })
  delegated!: DelegatedResponse | null;
  @ApiProperty({ type: [String], enum: ['代決', '専決'], description: 'what the history shows beside the step' })
  marks!: Array<'代決' | '専決'>;
  @ApiProperty({
    type: HistoryUnitResponse,
    description: 'the owning unit, named as it was at that time (機構改革 renames do not rewrite history)',
  })
  unit!: HistoryUnitResponse;
}

export class ScheduleEntryContent {
  @ApiProperty() fiscalYear!: number;
  @ApiProperty() step!: string;
}

/** The content of a proposal as a revision keeps it. */
export class ProposalContentSnapshot {
  @ApiProperty() title!: string;
  @ApiProperty() summary!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) policyId!: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) themeId!: string | null;
  @ApiProperty() expectedEffect!: string;
  @ApiProperty({ type: Number, nullable: true }) expectedAmount!: number | null;
  @ApiProperty({ type: [ScheduleEntryContent] }) schedule!: ScheduleEntryContent[];
  @ApiProperty({ type: [String] }) relatedIndicators!: string[];
  @ApiProperty({ type: [String] }) collaboratingUnitIds!: string[];
}

/** A content revision kept since the first submission. */
export class ProposalRevisionResponse {
  @ApiProperty() revision!: number;
  @ApiProperty({ format: 'date-time' }) at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'username' }) author!: string | null;
  @ApiProperty({ type: [String] }) changedFields!: string[];
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: ProposalContentSnapshot }) content!: ProposalContentSnapshot;
}

/** Why the caller may take an action: their own role, a 専決 rule, or standing in for someone (代決). */
export class ActionAuthorityResponse implements ActionAuthority {
  @ApiProperty({ example: 'bureau_approver' }) role!: string;
  @ApiProperty({ type: DelegatedResponse, nullable: true }) delegated!: DelegatedResponse | null;
  @ApiProperty({ type: PersonRefResponse, nullable: true }) onBehalfOf!: PersonRefResponse | null;
}

/** An action the caller may take now (from GET …/actions). */
export class AvailableActionResponse implements ActionView {
  @ApiProperty({ example: 'approve' }) action!: string;
  @ApiProperty({ description: 'the state it leads to' }) to!: string;
  @ApiPropertyOptional({ type: LabelResponse }) label?: LabelResponse;
  @ApiProperty({ type: [String], description: 'inputs the caller must give, e.g. comment' }) requires!: string[];
  @ApiProperty({ type: ActionAuthorityResponse }) authority!: ActionAuthorityResponse;
}

export class AgendaItemResponse {
  @ApiProperty() position!: number;
  @ApiProperty({ format: 'uuid' }) proposalId!: string;
  @ApiProperty() title!: string;
  @ApiProperty() state!: string;
}

/** 会議: a committee (推進委員会), HQ (推進本部) or council (市議会) meeting. */
export class MeetingResponse implements MeetingView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) planId!: string;
  @ApiProperty({ enum: MEETING_KINDS, enumName: 'MeetingKind' }) kind!: MeetingKind;
  @ApiProperty({ example: '市役所改革推進委員会' }) kindLabel!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ format: 'date' }) heldOn!: string;
  @ApiProperty({ type: [AgendaItemResponse], description: 'as far as the caller may see its proposals' })
  agenda!: AgendaItemResponse[];
}
