import { describe, expect, it } from '@jest/globals';
import { MunicipalCalendar } from '#libs/calendar';
import { DEFAULT_POLICY, planReminders, reminderSlotEnd } from './reminder-planner.js';

const calendar = new MunicipalCalendar();

describe('planReminders', () => {
  it('plans 5, 2 and 0 working days before, at 09:00 JST, and escalations every 2 working days after', () => {
    const plan = planReminders({
      dueDate: '2026-12-11',
      policy: DEFAULT_POLICY,
      calendar,
      now: new Date('2026-11-25T00:00:00Z'),
      today: '2026-11-25',
      compressedDaySeconds: 0,
    });
    expect(plan.map((p) => [p.step, p.audience, p.day, p.fireAt.toISOString()])).toEqual([
      ['before:5', 'owners', '2026-12-04', '2026-12-04T00:00:00.000Z'],
      ['before:2', 'owners', '2026-12-09', '2026-12-09T00:00:00.000Z'],
      ['due', 'owners', '2026-12-11', '2026-12-11T00:00:00.000Z'],
      ['escalate:1', 'approver', '2026-12-15', '2026-12-15T00:00:00.000Z'],
      ['escalate:2', 'secretariat', '2026-12-17', '2026-12-17T00:00:00.000Z'],
      ['escalate:3', 'secretariat', '2026-12-21', '2026-12-21T00:00:00.000Z'],
    ]);
  });

  it('skips the year-end holidays when counting working days', () => {
    const plan = planReminders({
      dueDate: '2027-01-05',
      policy: DEFAULT_POLICY,
      calendar,
      now: new Date('2026-12-01T00:00:00Z'),
      today: '2026-12-01',
      compressedDaySeconds: 0,
    });
    expect(plan.find((p) => p.step === 'before:2')?.day).toBe('2026-12-28');
    expect(plan.find((p) => p.step === 'escalate:1')?.day).toBe('2027-01-07');
  });

  it('leaves out steps already past, but reminds at once when nothing is left before the due date', () => {
    const late = planReminders({
      dueDate: '2026-11-26',
      policy: DEFAULT_POLICY,
      calendar,
      now: new Date('2026-11-26T03:00:00Z'),
      today: '2026-11-26',
      compressedDaySeconds: 0,
    });
    expect(late[0]).toMatchObject({ step: 'due', audience: 'owners' });
    expect(late[0].fireAt.getTime()).toBe(new Date('2026-11-26T03:00:01Z').getTime());
    expect(late.map((p) => p.step)).toEqual(['due', 'escalate:1', 'escalate:2', 'escalate:3']);
  });

  it('compresses working days into seconds for demonstrations', () => {
    const now = new Date('2026-11-25T05:00:00Z');
    const plan = planReminders({
      dueDate: '2026-11-30',
      policy: DEFAULT_POLICY,
      calendar,
      now,
      today: '2026-11-25',
      compressedDaySeconds: 2,
    });
    // 2026-11-30 is 3 working days after 11-25 (Thu, Fri, Mon).
    const at = Object.fromEntries(plan.map((p) => [p.step, Math.round((p.fireAt.getTime() - now.getTime()) / 1000)]));
    expect(at).toEqual({ 'before:2': 2, due: 6, 'escalate:1': 10, 'escalate:2': 14, 'escalate:3': 18 });
  });
});

describe('reminderSlotEnd', () => {
  const at = (iso: string) => reminderSlotEnd(new Date(iso), 250).toISOString();

  it('puts a reminder at a round time (09:00 JST) at the end of its own slot, so it fires on the dot', () => {
    expect(at('2026-12-04T00:00:00.000Z')).toBe('2026-12-04T00:00:00.000Z');
  });

  it('fires every other reminder at the end of its slot: never before its time, at most a slot after it', () => {
    expect(at('2026-12-04T00:00:00.001Z')).toBe('2026-12-04T00:00:00.250Z');
    expect(at('2026-12-04T00:00:00.249Z')).toBe('2026-12-04T00:00:00.250Z');
    expect(at('2026-12-04T00:00:00.251Z')).toBe('2026-12-04T00:00:00.500Z');
    for (const ms of [1, 7, 249, 250, 251, 999_999]) {
      const fireAt = new Date(Date.UTC(2026, 11, 4) + ms);
      const end = reminderSlotEnd(fireAt, 250).getTime();
      expect([ms, end >= fireAt.getTime(), end - fireAt.getTime() < 250]).toEqual([ms, true, true]);
    }
  });

  it('with 1-ms slots fires each instant on its own', () => {
    expect(reminderSlotEnd(new Date('2026-12-04T00:00:00.123Z'), 1).toISOString()).toBe('2026-12-04T00:00:00.123Z');
  });
});
