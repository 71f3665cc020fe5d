import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import { PrincipalLoader, type Principal } from '#libs/identity';
import { NotificationSettingsService } from '#libs/notifications';
import { AppConfig, DomainError } from '#libs/platform';
import { DeadlineResponse, DeadlinesService, type DeadlineView } from '#libs/scheduling';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { ApiFile, ApiProblem } from '../openapi/api-docs.js';
import { deadlineCalendar } from './deadline-calendar.js';

class DeadlineQuery {
  @ApiPropertyOptional({ description: 'include met deadlines' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  includeDone?: boolean;
}

class FeedQuery {
  @IsString()
  @MaxLength(100)
  token!: string;
}

/** The caller's deadlines, as JSON and as a calendar feed that office calendars subscribe to. */
@ApiTags('deadlines')
@Controller()
export class DeadlinesController {
  constructor(
    private readonly deadlines: DeadlinesService,
    private readonly settings: NotificationSettingsService,
    private readonly principals: PrincipalLoader,
    private readonly config: AppConfig,
  ) {}

  @Get('deadlines')
  @Access.signedIn()
  @ApiOperation({
    summary:
      'Your deadlines (your units’; all for the secretariat), soonest first, with 和暦 dates and working days left',
  })
  @ApiOkResponse({ type: [DeadlineResponse] })
  list(@CurrentPrincipal() me: Principal, @Query() query: DeadlineQuery): Promise<DeadlineView[]> {
    return this.deadlines.forPrincipal(me, { includeDone: query.includeDone });
  }

  /**
   * Public in the sense of "no bearer token": calendar apps cannot send one. The secret
   * token in the URL (from POST /me/calendar-feed) names the user; their current roles decide.
   */
  @Get('calendar.ics')
  @Access.public()
  @ApiOperation({
    summary:
      'Your deadlines as an iCalendar feed (all-day events, alarms at 09:00 JST the day before and on the day; links to the web pages); ?token= from POST /me/calendar-feed',
  })
  @ApiQuery({ name: 'token', required: true })
  @ApiFile('text/calendar', 'the feed (RFC 5545)')
  @ApiProblem(401, 'the feed address is not valid (any more): make a new one (UNAUTHENTICATED)')
  async feed(@Query() query: FeedQuery, @Res() reply: FastifyReply): Promise<void> {
    const userId = await this.settings.userOfCalendarToken(query.token);
    const principal = userId ? await this.principals.load(userId, 'api_token') : null;
    if (!principal)
      throw new DomainError('UNAUTHENTICATED', 'This calendar feed address is not valid (any more); make a new one');
    const text = deadlineCalendar(await this.deadlines.forPrincipal(principal), {
      name: `改革プラン 期限（${principal.user.displayName}）`,
      baseUrl: this.config.PUBLIC_BASE_URL,
    });
    reply
      .header('content-type', 'text/calendar; charset=utf-8')
      .header('cache-control', 'private, max-age=300')
      .send(text);
  }
}
