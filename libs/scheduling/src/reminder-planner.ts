import { instantAt, type Day, type MunicipalCalendar } from '#libs/calendar';

export type Audience = 'owners' | 'approver' | 'secretariat';

/** When a kind of deadline reminds whom (per plan; these are the defaults). */
export interface ReminderPolicy {
  /** Working days before the due date; 0 is the due date itself. */
  offsets: number[];
  /** Local time in Japan the reminders go out. */
  sendTime: string;
  /** After the due date, escalate every so many working days… */
  escalateEvery: number;
  /** …this many times: first to the unit's approver, then to the secretariat. */
  escalationSteps: number;
}

export const DEFAULT_POLICY: ReminderPolicy = {
  offsets: [5, 2, 0],
  sendTime: '09:00',
  escalateEvery: 2,
  escalationSteps: 3,
};

export interface PlannedReminder {
  step: string;
  audience: Audience;
  day: Day;
  fireAt: Date;
}

export interface PlanInput {
  dueDate: Day;
  policy: ReminderPolicy;
  calendar: MunicipalCalendar;
  now: Date;
  today: Day;
  /**
   * Demonstrations and tests: a working day lasts this many seconds, counted from `now`,
   * so a whole reminder sequence plays out in moments. 0 uses the real calendar.
   */
  compressedDaySeconds: number;
}

/**
 * The reminders of one deadline: before it (to the unit), on the day, and escalations after
 * it (first the approver, then the secretariat). Steps whose time has already passed are
 * left out — a reminder about a date that has moved on helps no one — except when nothing
 * else is left before the due date, where one reminder goes out at once.
 */
export function planReminders(input: PlanInput): PlannedReminder[] {
  const { dueDate, policy, calendar, now } = input;
  const days: Array<Omit<PlannedReminder, 'fireAt'>> = [];
  for (const offset of [...new Set(policy.offsets)].sort((a, b) => b - a)) {
    days.push({
      step: offset === 0 ? 'due' : `before:${offset}`,
      audience: 'owners',
      day: offset === 0 ? dueDate : calendar.addWorkingDays(dueDate, -offset),
    });
  }
  for (let k = 1; k <= policy.escalationSteps; k++) {
    days.push({
      step: `escalate:${k}`,
      audience: k === 1 ? 'approver' : 'secretariat',
      day: calendar.addWorkingDays(dueDate, k * policy.escalateEvery),
    });
  }
  const fireAt = (day: Day, index: number): Date => {
    if (input.compressedDaySeconds > 0) {
      // The index keeps steps on the same day apart, in order.
      const offsetDays = calendar.workingDaysBetween(input.today, day);
      return new Date(now.getTime() + offsetDays * input.compressedDaySeconds * 1000 + index);
    }
    return instantAt(day, policy.sendTime);
  };
  const planned = days.map((d, i) => ({ ...d, fireAt: fireAt(d.day, i) }));
  const future = planned.filter((p) => p.fireAt.getTime() > now.getTime());
  const beforeDue = future.filter((p) => !p.step.startsWith('escalate:'));
  if (beforeDue.length === 0 && dueDate >= input.today) {
    // Created late: no planned reminder left before the due date, so one now.
    const last = planned.filter((p) => !p.step.startsWith('escalate:')).at(-1);
    if (last) future.unshift({ ...last, fireAt: new Date(now.getTime() + 1000) });
  }
  return future;
}

/**
 * The end of the firing slot a fire time falls in: slots are `slotMs` long, aligned to the
 * epoch, and closed at their end, so a reminder at a round time (09:00 JST) ends its own slot
 * and is fired right then. One job per slot, run at this end, fires every reminder of the slot
 * — never one before its time, at most `slotMs` after it.
 */
export function reminderSlotEnd(fireAt: Date, slotMs: number): Date {
  if (slotMs <= 1) return new Date(fireAt.getTime());
  return new Date(Math.ceil(fireAt.getTime() / slotMs) * slotMs);
}
