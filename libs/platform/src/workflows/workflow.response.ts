import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  CONDITION_OPERATORS,
  type ConditionDefinition,
  type ConditionOperator,
  type DelegationDefinition,
  type Label,
  type StateDefinition,
  type TransitionDefinition,
  type WorkflowDefinition,
} from '#libs/workflow';
import { WORKFLOW_SUBJECTS, type StoredDefinition, type WorkflowSubject } from './workflow-registry.js';

// The OpenAPI shapes of workflow data (libs/workflow is plain TypeScript without Nest).

export class LabelResponse implements Label {
  @ApiProperty({ example: '提出' }) ja!: string;
  @ApiProperty({ example: 'Submit' }) en!: string;
}

/** The workflow (name and version) a record runs under. */
export class WorkflowRefResponse {
  @ApiProperty({ example: 'reform-proposal' }) name!: string;
  @ApiProperty() version!: number;
}

export class StateDefinitionResponse implements StateDefinition {
  @ApiProperty() name!: string;
  @ApiProperty({ type: LabelResponse }) label!: LabelResponse;
  @ApiPropertyOptional() final?: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'what the state means to the services (decided, editable_by_owner, …)',
  })
  tags?: string[];
}

export class ConditionDefinitionResponse implements ConditionDefinition {
  @ApiProperty({ example: 'expectedAmount' }) field!: string;
  @ApiProperty({ enum: CONDITION_OPERATORS }) operator!: ConditionOperator;
  @ApiProperty({
    oneOf: [
      { type: 'number' },
      { type: 'string' },
      { type: 'array', items: { oneOf: [{ type: 'number' }, { type: 'string' }] } },
    ],
  })
  value!: number | string | Array<number | string>;
}

/** 専決: a lower role that may take the transition while every condition holds on the record. */
export class DelegationDefinitionResponse implements DelegationDefinition {
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiProperty({ type: [ConditionDefinitionResponse] }) when!: ConditionDefinitionResponse[];
  @ApiPropertyOptional({ type: LabelResponse }) label?: LabelResponse;
}

export class TransitionDefinitionResponse implements TransitionDefinition {
  @ApiProperty() action!: string;
  @ApiProperty({ type: [String] }) from!: string[];
  @ApiProperty() to!: string;
  @ApiProperty({ type: [String] }) roles!: string[];
  @ApiPropertyOptional({ type: [String] }) guards?: string[];
  @ApiPropertyOptional({ type: [String], description: 'inputs the caller must give, e.g. comment' })
  requires?: string[];
  @ApiPropertyOptional({ type: [String] }) effects?: string[];
  @ApiPropertyOptional({
    type: [String],
    description: 'in-transaction hooks (create the initiative, satisfy the deadline, …)',
  })
  hooks?: string[];
  @ApiPropertyOptional({
    type: [DelegationDefinitionResponse],
    description: '専決: lower roles allowed while conditions on the record hold',
  })
  delegations?: DelegationDefinitionResponse[];
  @ApiPropertyOptional({ type: LabelResponse }) label?: LabelResponse;
}

export class WorkflowDefinitionResponse implements WorkflowDefinition {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() version?: number;
  @ApiProperty() initial!: string;
  @ApiProperty({ type: [StateDefinitionResponse] }) states!: StateDefinitionResponse[];
  @ApiProperty({ type: [TransitionDefinitionResponse] }) transitions!: TransitionDefinitionResponse[];
}

/** A workflow in the list: its latest version. */
export class WorkflowSummaryResponse {
  @ApiProperty({ example: 'reform-proposal' }) name!: string;
  @ApiProperty() version!: number;
  @ApiProperty({ enum: WORKFLOW_SUBJECTS, enumName: 'WorkflowSubject' }) subject!: WorkflowSubject;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** A stored workflow definition and its Mermaid diagram. */
export class WorkflowResponse extends WorkflowSummaryResponse implements StoredDefinition {
  @ApiProperty({ type: WorkflowDefinitionResponse }) definition!: WorkflowDefinitionResponse;
  @ApiProperty({ description: 'Mermaid stateDiagram-v2 text' }) mermaid!: string;
}
