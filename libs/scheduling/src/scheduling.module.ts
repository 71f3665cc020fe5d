import { Module } from '@nestjs/common';
import { NotificationsModule } from '#libs/notifications';
import { CityCalendar } from './city-calendar.js';
import { DeadlinesService } from './deadlines.service.js';
import { ReminderHandlers } from './reminder.handlers.js';
import { ReminderMetrics } from './reminder-metrics.js';

/** Deadlines on the city's calendar and their reminders. */
@Module({ providers: [CityCalendar, DeadlinesService], exports: [CityCalendar, DeadlinesService] })
export class SchedulingModule {}

/** The worker's part: firing reminders and reconciling jobs with PostgreSQL. */
@Module({ imports: [SchedulingModule, NotificationsModule], providers: [ReminderHandlers, ReminderMetrics] })
export class SchedulingJobsModule {}
