import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiQuery, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import ical, { ICalAlarmType } from 'ical-generator';
import { parseDay } from '#libs/calendar';
import { PrincipalLoader, type Principal } from '#libs/identity';
import { DEADLINE_KIND_LABELS, NotificationSettingsService } from '#libs/notifications';
import { AppConfig, DomainError } from '#libs/platform';
import { DeadlineResponse, DeadlinesService, type DeadlineView } from '#libs/scheduling';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { ApiFile, ApiProblem } from '../openapi/api-docs.js';

class DeadlineQuery {
  @ApiPropertyOptional({ description: 'include met deadlines' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
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
  @ApiOperation({ summary: 'Your deadlines (your units’; all for the secretariat), soonest first, with 和暦 dates and working days left' })
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
  @ApiOperation({ summary: 'Your deadlines as an iCalendar feed (all-day events with alarms); ?token= from POST /me/calendar-feed' })
  @ApiQuery({ name: 'token', required: true })
  @ApiFile('text/calendar', 'the feed (RFC 5545)')
  @ApiProblem(401, 'the feed address is not valid (any more): make a new one (UNAUTHENTICATED)')
  async feed(@Query() query: FeedQuery, @Res() reply: FastifyReply): Promise<void> {
    const userId = await this.settings.userOfCalendarToken(query.token);
    const principal = userId ? await this.principals.load(userId, 'api_token') : null;
    if (!principal) throw new DomainError('UNAUTHENTICATED', 'This calendar feed address is not valid (any more); make a new one');
    const calendar = ical({ name: `改革プラン 期限（${principal.user.displayName}）`, prodId: { company: 'kaikaku', product: 'deadlines', language: 'JA' } });
    for (const d of await this.deadlines.forPrincipal(principal)) {
      const event = calendar.createEvent({
        id: `deadline-${d.id}@kaikaku`,
        start: parseDay(d.dueDate),
        allDay: true,
        summary: `【${DEADLINE_KIND_LABELS[d.kind] ?? d.kind}】${d.title}（${d.ownerUnit.nameJa}）`,
        description: `期限：${d.dueDateLabel}`,
        url: `${this.config.PUBLIC_BASE_URL}/api/v1/deadlines`,
      });
      // The afternoon before, and on the morning of the day (all-day events start at local midnight).
      event.createAlarm({ type: ICalAlarmType.display, triggerBefore: 15 * 3600, description: d.title });
      event.createAlarm({ type: ICalAlarmType.display, triggerAfter: 9 * 3600, description: d.title });
    }
    reply.header('content-type', 'text/calendar; charset=utf-8').header('cache-control', 'private, max-age=300').send(calendar.toString());
  }
}
