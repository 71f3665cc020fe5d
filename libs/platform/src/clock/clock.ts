import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';

/**
 * The organisation's "now": the instant against which effective dates are read (a grant's
 * validity, a transfer's 発令日, a reorganisation's date). The real time, unless the
 * configuration sets CLOCK_NOW (tests and rehearsals of 4月1日 only; production refuses it).
 *
 * A configured clock stands still at its instant, so that a test reads the day before and the
 * day after a change without sleeping; `travelTo` moves only such a clock.
 */
@Injectable()
export class Clock {
  private fixed: Date | null;

  constructor(config: AppConfig) {
    this.fixed = config.CLOCK_NOW ? new Date(config.CLOCK_NOW) : null;
  }

  now(): Date {
    return this.fixed ? new Date(this.fixed.getTime()) : new Date();
  }

  /** Moves a configured clock (CLOCK_NOW) to another instant; the real clock cannot be moved. */
  travelTo(at: Date | string): void {
    if (!this.fixed) throw new Error('Only a clock configured with CLOCK_NOW can be moved');
    this.fixed = new Date(at);
  }
}
