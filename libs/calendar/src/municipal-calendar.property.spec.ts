import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, daysBetween } from './day.js';
import { MunicipalCalendar } from './municipal-calendar.js';

const calendar = new MunicipalCalendar();
const { firstDay, lastDay } = calendar.coveredRange;

/**
 * Sixty working days never span more than about ninety calendar days; the margin keeps every
 * step inside the covered years, where stepping outside would (rightly) throw.
 */
const MARGIN = 150;
const DAY = fc
  .integer({ min: MARGIN, max: daysBetween(firstDay, lastDay) - MARGIN })
  .map((offset) => addDays(firstDay, offset));
const WORKING_DAY = DAY.map((d) => calendar.nextWorkingDay(d));
const N = fc.integer({ min: -60, max: 60 });

describe('working-day arithmetic', () => {
  it('lands on a working day whenever it moves', () => {
    fc.assert(
      fc.property(
        DAY,
        N.filter((n) => n !== 0),
        (d, n) => calendar.isWorkingDay(calendar.addWorkingDays(d, n)),
      ),
    );
  });

  it('moves in the direction of n, by at least n calendar days', () => {
    fc.assert(
      fc.property(DAY, N, (d, n) => {
        const moved = daysBetween(d, calendar.addWorkingDays(d, n));
        return Math.sign(moved) === Math.sign(n) && Math.abs(moved) >= Math.abs(n);
      }),
    );
  });

  it('is counted back by workingDaysBetween, from a working day', () => {
    fc.assert(
      fc.property(WORKING_DAY, N, (d, n) => calendar.workingDaysBetween(d, calendar.addWorkingDays(d, n)) === n),
    );
  });

  it('is undone by adding -n, from a working day', () => {
    fc.assert(fc.property(WORKING_DAY, N, (d, n) => calendar.addWorkingDays(calendar.addWorkingDays(d, n), -n) === d));
  });

  it('counts antisymmetrically', () => {
    fc.assert(
      fc.property(DAY, fc.integer({ min: -120, max: 120 }), (d, k) => {
        const e = addDays(d, k);
        return calendar.workingDaysBetween(d, e) === -calendar.workingDaysBetween(e, d);
      }),
    );
  });
});

describe('due dates', () => {
  it('never come earlier, and fall on a working day', () => {
    fc.assert(
      fc.property(DAY, (d) => {
        const due = calendar.dueDate(d);
        return due >= d && calendar.isWorkingDay(due);
      }),
    );
  });

  it('under the previous rule never come later, and fall on a working day', () => {
    fc.assert(
      fc.property(DAY, (d) => {
        const due = calendar.dueDate(d, 'previous');
        return due <= d && calendar.isWorkingDay(due);
      }),
    );
  });

  it('stay put on a working day', () => {
    fc.assert(
      fc.property(WORKING_DAY, (d) => {
        expect(calendar.dueDate(d)).toBe(d);
        expect(calendar.dueDate(d, 'previous')).toBe(d);
      }),
    );
  });

  it('skip no working day on the way', () => {
    fc.assert(
      fc.property(
        DAY,
        (d) => calendar.workingDaysBetween(d, calendar.dueDate(d)) === (calendar.isWorkingDay(d) ? 0 : 1),
      ),
    );
  });
});

describe('rolling to a working day', () => {
  it('is idempotent', () => {
    fc.assert(
      fc.property(DAY, (d) => {
        const next = calendar.nextWorkingDay(d);
        const previous = calendar.previousWorkingDay(d);
        return calendar.nextWorkingDay(next) === next && calendar.previousWorkingDay(previous) === previous;
      }),
    );
  });
});
