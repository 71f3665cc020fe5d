import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { addDays, compareDays, dayOfWeek, daysBetween, formatDay, instantAt, isDay, parseDay } from './day.js';

const DAY = fc
  .date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2199-12-31T00:00:00Z'), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));
/** Japan kept summer time in 1948–1951; the fixed UTC+9 is only claimed after it. */
const SINCE_1952 = DAY.filter((d) => d >= '1952-01-01');

describe('days', () => {
  it('are real calendar days in YYYY-MM-DD form', () => {
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2025-02-29')).toBe(false);
    expect(isDay('2025-04-31')).toBe(false);
    expect(isDay('2025-13-01')).toBe(false);
    expect(isDay('2025-00-10')).toBe(false);
    expect(isDay('2025-01-00')).toBe(false);
    expect(isDay('2025-1-15')).toBe(false);
    expect(isDay('2025-01-15T00:00')).toBe(false);
    expect(isDay(20250115)).toBe(false);
    expect(() => parseDay('2025-02-30')).toThrow(RangeError);
  });

  it('parse to UTC midnight and format back', () => {
    expect(parseDay('2025-01-15').toISOString()).toBe('2025-01-15T00:00:00.000Z');
    expect(formatDay(parseDay('0099-12-31'))).toBe('0099-12-31');
    fc.assert(fc.property(DAY, (d) => formatDay(parseDay(d)) === d));
  });

  it('add across months, leap days and years', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-02-28', 1)).toBe('2025-03-01');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-01-15', 0)).toBe('2025-01-15');
    expect(() => addDays('2025-01-15', 0.5)).toThrow(RangeError);
    fc.assert(
      fc.property(DAY, fc.integer({ min: -5000, max: 5000 }), (d, n) => {
        const moved = addDays(d, n);
        return addDays(moved, -n) === d && daysBetween(d, moved) === n && compareDays(d, moved) === Math.sign(-n);
      }),
    );
  });

  it('compare in calendar order', () => {
    expect(compareDays('2024-12-31', '2025-01-01')).toBe(-1);
    expect(compareDays('2025-01-01', '2025-01-01')).toBe(0);
    expect(compareDays('2025-01-02', '2025-01-01')).toBe(1);
    expect(['2025-03-01', '1999-12-31', '2025-02-28'].sort(compareDays)).toEqual([
      '1999-12-31',
      '2025-02-28',
      '2025-03-01',
    ]);
    expect(() => compareDays('2025-1-2', '2025-01-01')).toThrow(RangeError);
  });

  it('know the day of the week', () => {
    expect(dayOfWeek('2025-01-15')).toBe(3);
    expect(dayOfWeek('2024-02-11')).toBe(0);
    expect(dayOfWeek('2026-12-26')).toBe(6);
  });

  it('give the instant of a Japanese clock time, whatever the host zone', () => {
    expect(instantAt('2025-01-15', '09:00').toISOString()).toBe('2025-01-15T00:00:00.000Z');
    expect(instantAt('2025-01-01', '08:30').toISOString()).toBe('2024-12-31T23:30:00.000Z');
    expect(instantAt('2025-03-31', '23:59').toISOString()).toBe('2025-03-31T14:59:00.000Z');
    expect(instantAt('2025-04-01', '00:00').toISOString()).toBe('2025-03-31T15:00:00.000Z');
    for (const bad of ['24:00', '9:00', '09:60', '0900', ''])
      expect(() => instantAt('2025-01-15', bad)).toThrow(RangeError);
    const inTokyo = new Intl.DateTimeFormat('en-CA', {
      timeZone: 'Asia/Tokyo',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    fc.assert(
      fc.property(SINCE_1952, fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 }), (d, h, m) => {
        const time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
        return inTokyo.format(instantAt(d, time)) === `${d}, ${time}`;
      }),
    );
  });
});
