import { Injectable } from '@nestjs/common';
import { MunicipalCalendar } from '#libs/calendar';
import { AppConfig } from '#libs/platform';

/** The city's working-day calendar: national holidays, 12/29–1/3, and CITY_HOLIDAYS. */
@Injectable()
export class CityCalendar extends MunicipalCalendar {
  constructor(readonly config: AppConfig) {
    super({ extraHolidays: config.CITY_HOLIDAYS ? config.CITY_HOLIDAYS.split(',') : [] });
  }

  /** A nominal date moved off a holiday by the city's rule (地方自治法 4条の2). */
  due(day: string): string {
    return this.dueDate(day, this.config.DEADLINE_RULE);
  }
}
