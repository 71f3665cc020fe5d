import { Body, Controller, Get, Param, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsObject, IsOptional, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import type { Principal } from '#libs/identity';
import {
  ValidationFailedError,
  WORKFLOW_SUBJECTS,
  WorkflowRegistry,
  WorkflowResponse,
  WorkflowSummaryResponse,
  type StoredDefinition,
  type WorkflowSubject,
} from '#libs/platform';
import { parseDefinition, WorkflowDefinitionError, WorkflowEngine } from '#libs/workflow';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';

class RegisterWorkflowDto {
  @ApiProperty({ enum: WORKFLOW_SUBJECTS })
  @IsIn(WORKFLOW_SUBJECTS)
  subject!: WorkflowSubject;

  @ApiProperty({
    description: 'the definition: name, initial, states, transitions (see GET /workflows/reform-proposal)',
  })
  @IsObject()
  definition!: Record<string, unknown>;
}

class VersionQuery {
  @ApiPropertyOptional() @IsOptional() @Type(() => Number) @IsInt() @Min(1) version?: number;
}

/** Renders without guards: only the graph matters for the diagram. */
function mermaidOf(stored: StoredDefinition): string {
  const names = new Set(stored.definition.transitions.flatMap((t) => t.guards ?? []));
  const guards = Object.fromEntries([...names].map((n) => [n, () => null]));
  return new WorkflowEngine(stored.definition, guards).toMermaid();
}

/** The state machines as data: what the cycle's stages are, who moves a record, and a diagram. */
@ApiTags('workflows')
@Controller('workflows')
export class WorkflowsController {
  constructor(
    private readonly registry: WorkflowRegistry,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Access.signedIn()
  @ApiOperation({ summary: 'Every workflow, latest version' })
  @ApiOkResponse({ type: [WorkflowSummaryResponse] })
  async list() {
    return (await this.registry.list()).map((w) => ({
      name: w.name,
      version: w.version,
      subject: w.subject,
      createdAt: w.createdAt,
    }));
  }

  @Get(':name')
  @Access.signedIn()
  @ApiOperation({ summary: 'A workflow definition (latest, or ?version=) and its Mermaid diagram' })
  @ApiOkResponse({ type: WorkflowResponse })
  async get(@Param('name') name: string, @Query() query: VersionQuery) {
    if (!/^[a-z][a-z0-9-]{0,63}$/.test(name))
      throw new ValidationFailedError([{ field: 'name', message: 'is not a workflow name' }]);
    const stored = query.version ? await this.registry.get(name, query.version) : await this.registry.latest(name);
    return { ...stored, mermaid: mermaidOf(stored) };
  }

  @Post()
  @Access.roles(['admin'])
  @ApiOperation({
    summary: 'Store a workflow definition (another city’s stages) as the next version of its name; validated first',
  })
  @ApiCreatedResponse({ type: WorkflowResponse })
  async register(@Body() dto: RegisterWorkflowDto, @CurrentPrincipal() me: Principal) {
    let definition;
    try {
      definition = parseDefinition(dto.definition);
    } catch (error) {
      if (error instanceof WorkflowDefinitionError)
        throw new ValidationFailedError(error.problems.map((message) => ({ field: 'definition', message })));
      throw error;
    }
    const stored = await this.dataSource.transaction((m) => this.registry.store(m, dto.subject, definition, me.id));
    return { ...stored, mermaid: mermaidOf(stored) };
  }
}
