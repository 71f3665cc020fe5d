import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * What time it is, for rules that turn on an instant nobody acts at (a deputy period starts
 * or ends by itself). One place reads the system clock, shifted by CLOCK_OFFSET_SECONDS, so a
 * test moves time through configuration instead of sleeping.
 */
@Injectable()
export class Clock {
  constructor(private readonly config: AppConfig) {}

  now(): Date {
    return new Date(Date.now() + this.config.CLOCK_OFFSET_SECONDS * 1000);
  }

  /** Today's calendar day in Japan (Asia/Tokyo), `YYYY-MM-DD`. */
  today(): string {
    return tokyoDay(this.now());
  }
}

/** The calendar day in Japan at `instant`, `YYYY-MM-DD` (Japan keeps no daylight saving: UTC+9 all year). */
export function tokyoDay(instant: Date): string {
  return new Date(instant.getTime() + 9 * 3_600_000).toISOString().slice(0, 10);
}

/** 00:00 in Japan on `day` (`YYYY-MM-DD`), as an instant. */
export function tokyoMidnight(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}
