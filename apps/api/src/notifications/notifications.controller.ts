import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { Principal } from '#libs/identity';
import {
  CalendarFeedResponse,
  NotificationResponse,
  NotificationSettingsResponse,
  NotificationSettingsService,
  NotificationsService,
  UpdateNotificationSettingsDto,
} from '#libs/notifications';
import { PageQuery, ParseIdPipe } from '#libs/platform';
import { Access } from '../access/access.decorator.js';
import { CurrentPrincipal } from '../access/current-principal.decorator.js';
import { ApiPage } from '../openapi/api-docs.js';

class NotificationQuery extends PageQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  unread?: boolean;
}

/** In-app notifications, and how each person wants to be told. */
@ApiTags('notifications')
@Controller()
export class NotificationsController {
  constructor(
    private readonly notifications: NotificationsService,
    private readonly settings: NotificationSettingsService,
  ) {}

  @Get('notifications')
  @Access.signedIn()
  @ApiOperation({ summary: 'Your in-app notifications, newest first (?unread=true)' })
  @ApiPage(NotificationResponse, 'one page of your notifications, and how many are unread', {
    unread: { type: 'integer', description: 'your unread notifications, on all pages' },
  })
  list(@CurrentPrincipal() me: Principal, @Query() query: NotificationQuery) {
    return this.notifications.list(me.id, query);
  }

  @Post('notifications/:id/read')
  @HttpCode(200)
  @Access.signedIn({ object: 'own' })
  @ApiOperation({ summary: 'Mark one of your notifications read' })
  @ApiOkResponse({ type: NotificationResponse })
  read(@CurrentPrincipal() me: Principal, @Param('id', ParseIdPipe) id: string) {
    return this.notifications.markRead(me.id, id);
  }

  @Get('me/notification-settings')
  @Access.signedIn()
  @ApiOperation({ summary: 'Your channels: e-mail, in-app, webhook' })
  @ApiOkResponse({ type: NotificationSettingsResponse })
  getSettings(@CurrentPrincipal() me: Principal) {
    return this.settings.get(me.id);
  }

  @Put('me/notification-settings')
  @Access.signedIn()
  @ApiOperation({ summary: 'Choose your channels; a webhook gets a signing secret, shown once' })
  @ApiOkResponse({ type: NotificationSettingsResponse })
  putSettings(@CurrentPrincipal() me: Principal, @Body() dto: UpdateNotificationSettingsDto) {
    return this.settings.update(me.id, dto);
  }

  @Post('me/calendar-feed')
  @HttpCode(200)
  @Access.signedIn()
  @ApiOperation({ summary: 'A new secret URL of your deadline calendar feed (the previous one stops working)' })
  @ApiOkResponse({ type: CalendarFeedResponse })
  calendarFeed(@CurrentPrincipal() me: Principal) {
    return this.settings.newCalendarFeed(me.id);
  }
}
