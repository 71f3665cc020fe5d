import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SecurityEventQuery, SecurityEventResponse, SecurityEventsService } from '#libs/identity';
import { Access } from '../access/access.decorator.js';
import { ApiPage } from '../openapi/api-docs.js';

/** The security log: sign-ins, tokens, grants and disabled accounts. */
@ApiTags('security-events')
@Controller('security-events')
export class SecurityEventsController {
  constructor(
    private readonly events: SecurityEventsService,
    private readonly dataSource: DataSource,
  ) {}

  @Get()
  @Access.roles(['admin'])
  @ApiOperation({ summary: 'Security events, newest first, filtered by kind, username or user' })
  @ApiPage(SecurityEventResponse)
  list(@Query() query: SecurityEventQuery) {
    return this.events.list(
      this.dataSource.manager,
      { kind: query.kind, username: query.username, subjectUserId: query.userId },
      query,
    );
  }
}
