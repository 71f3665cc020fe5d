import ical, { ICalAlarmType } from 'ical-generator';
import { addDays, instantAt, parseDay } from '#libs/calendar';
import { DEADLINE_KIND_LABELS } from '#libs/notifications';
import type { DeadlineView } from '#libs/scheduling';

/** When the alarms ring, in Japan: on the morning of the due day, and the morning before. */
export const ALARM_TIME_JST = '09:00';
export const ALARM_DAYS_BEFORE = [1, 0] as const;

/** The web application's page of each kind of subject (apps/web routes). */
const WEB_PATHS: Record<string, string> = {
  inquiry: 'inquiries',
  proposal: 'proposals',
  meeting: 'meetings',
  initiative: 'initiatives',
  progress_report: 'progress-reports',
};

export interface DeadlineCalendarOptions {
  name: string;
  /** PUBLIC_BASE_URL: events link to the web page of their subject there. */
  baseUrl: string;
}

/**
 * The deadlines as an RFC 5545 calendar. Each is an all-day event with an exclusive DTEND (the
 * next day), so that every reader agrees on its length, and alarms at absolute UTC instants:
 * an alarm relative to an all-day event means "relative to midnight in the reader's zone", and
 * one relative to its END needs a DTEND that readers then disagree about (ical.js rang a day late).
 */
export function deadlineCalendar(deadlines: readonly DeadlineView[], options: DeadlineCalendarOptions): string {
  const calendar = ical({ name: options.name, prodId: { company: 'kaikaku', product: 'deadlines', language: 'JA' } });
  const summaries = distinctSummaries(deadlines);
  for (const d of deadlines) {
    const event = calendar.createEvent({
      id: `deadline-${d.id}@kaikaku`,
      start: parseDay(d.dueDate),
      end: parseDay(addDays(d.dueDate, 1)),
      allDay: true,
      summary: summaries.get(d.id)!,
      description: `期限：${d.dueDateLabel}`,
      url: webPage(options.baseUrl, d.subject),
    });
    for (const daysBefore of ALARM_DAYS_BEFORE) {
      event.createAlarm({
        type: ICalAlarmType.display,
        trigger: instantAt(addDays(d.dueDate, -daysBefore), ALARM_TIME_JST),
        description: summaries.get(d.id)!,
      });
    }
  }
  // RFC 5545 §3.1: every content line ends with CRLF, the last one too.
  const text = calendar.toString();
  return text.endsWith('\r\n') ? text : `${text}\r\n`;
}

function webPage(baseUrl: string, subject: DeadlineView['subject']): string {
  const base = baseUrl.replace(/\/+$/, '');
  const path = WEB_PATHS[subject.type];
  return path ? `${base}/${path}/${encodeURIComponent(subject.id)}` : `${base}/`;
}

/**
 * 【kind】title（unit）, which tells apart the deadlines of one day in a calendar's day view; when
 * two still read the same (two inquiries of one title to one unit), the subject's short id follows.
 */
function distinctSummaries(deadlines: readonly DeadlineView[]): Map<string, string> {
  const base = new Map(
    deadlines.map((d) => [d.id, `【${DEADLINE_KIND_LABELS[d.kind] ?? d.kind}】${d.title}（${d.ownerUnit.nameJa}）`]),
  );
  const seen = new Map<string, number>();
  for (const d of deadlines) {
    const key = `${d.dueDate} ${base.get(d.id)!}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  for (const d of deadlines) {
    if (seen.get(`${d.dueDate} ${base.get(d.id)!}`)! > 1)
      base.set(d.id, `${base.get(d.id)!} [${d.subject.id.slice(0, 8)}]`);
  }
  return base;
}
