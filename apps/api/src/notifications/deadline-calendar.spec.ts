import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import ICAL from 'ical.js';
import type { DeadlineView } from '#libs/scheduling';
import { deadlineCalendar } from './deadline-calendar.js';

const BASE_URL = 'https://kaikaku.city.example';
const JST_MS = 9 * 3600_000;

function deadline(id: string, over: Partial<DeadlineView>): DeadlineView {
  return {
    id,
    kind: 'inquiry_reply',
    title: '全庁照会（令和7年度）',
    ownerUnit: { id: `u-${id}`, code: 'kenko', nameJa: '健康福祉局' },
    dueDate: '2025-03-31',
    dueDateLabel: '令和7年3月31日',
    nominalDate: '2025-03-31',
    workingDaysLeft: 3,
    status: 'open',
    subject: { type: 'inquiry', id: '0b6c3f7e-1111-4222-8333-444455556666' },
    ...over,
  };
}

/** Three deadlines on one day (two units of one inquiry, a proposal's), one at a year's turn. */
const DEADLINES = [
  deadline('d1', {}),
  deadline('d2', { ownerUnit: { id: 'u2', code: 'chuo', nameJa: '中央区' } }),
  deadline('d3', {
    kind: 'progress_report',
    title: '1-01 窓口手続のオンライン化（令和6年度）',
    subject: { type: 'initiative', id: 'a8f0d9c4-2222-4333-8444-555566667777' },
  }),
  deadline('d4', {
    dueDate: '2026-01-05',
    dueDateLabel: '令和8年1月5日',
    subject: { type: 'proposal', id: 'c1d2e3f4-3333-4444-8555-666677778888' },
  }),
  // Same title, same unit, same day, another inquiry: still told apart.
  deadline('d5', { subject: { type: 'inquiry', id: 'ffeeddcc-4444-4555-8666-777788889999' } }),
];

const feed = () => deadlineCalendar(DEADLINES, { name: '改革プラン 期限（テスト）', baseUrl: `${BASE_URL}/` });

/** The JST calendar day and time an instant shows. */
function jst(instant: Date): { day: string; time: string } {
  const shifted = new Date(instant.getTime() + JST_MS).toISOString();
  return { day: shifted.slice(0, 10), time: shifted.slice(11, 16) };
}

function dayBefore(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/**
 * When ical.js says an alarm rings: an absolute trigger as is; a relative one from the event's
 * start or end (RELATED), a floating all-day date read as midnight in Japan, where the user is.
 */
function alarmInstants(event: ICAL.Event): Date[] {
  const atJstMidnight = (t: ICAL.Time) => new Date(Date.UTC(t.year, t.month - 1, t.day) - JST_MS);
  return event.component.getAllSubcomponents('valarm').map((alarm) => {
    const trigger = alarm.getFirstProperty('trigger')!;
    const value = trigger.getFirstValue() as ICAL.Time | ICAL.Duration;
    if (value instanceof ICAL.Time) return value.toJSDate();
    const related = trigger.getParameter('related') === 'END' ? event.endDate : event.startDate;
    const base = related.isDate ? atJstMidnight(related) : related.toJSDate();
    return new Date(base.getTime() + value.toSeconds() * 1000);
  });
}

describe('the deadlines calendar feed', () => {
  it('ends every line with CRLF, the last one too (RFC 5545 §3.1)', () => {
    const text = feed();
    expect(text.endsWith('END:VCALENDAR\r\n')).toBe(true);
    expect(text.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
  });

  it('reads in ical.js as all-day events with an exclusive DTEND and alarms at 09:00 JST the day before and on the day', () => {
    const calendar = new ICAL.Component(ICAL.parse(feed()) as unknown[]);
    const events = calendar.getAllSubcomponents('vevent').map((v) => new ICAL.Event(v));
    expect(events).toHaveLength(DEADLINES.length);
    for (const [i, event] of events.entries()) {
      const due = DEADLINES[i].dueDate;
      expect(event.startDate.isDate).toBe(true);
      expect(event.startDate.toString()).toBe(due);
      expect(event.component.hasProperty('dtend') || event.component.hasProperty('duration')).toBe(true);
      expect(event.duration.toSeconds()).toBe(86_400);
      // No trigger relative to an END that is not there (RFC 5545 §3.8.6.3).
      for (const alarm of event.component.getAllSubcomponents('valarm')) {
        expect(alarm.getFirstProperty('trigger')!.getParameter('related')).not.toBe('END');
      }
      const rings = alarmInstants(event).map(jst);
      expect(rings).toEqual([
        { day: dayBefore(due), time: '09:00' },
        { day: due, time: '09:00' },
      ]);
    }
  });

  it('links each event to the web page of its subject, not to the JSON API', () => {
    const events = new ICAL.Component(ICAL.parse(feed()) as unknown[]).getAllSubcomponents('vevent');
    const urls = events.map((v) => v.getFirstPropertyValue('url'));
    expect(urls).toEqual([
      `${BASE_URL}/inquiries/0b6c3f7e-1111-4222-8333-444455556666`,
      `${BASE_URL}/inquiries/0b6c3f7e-1111-4222-8333-444455556666`,
      `${BASE_URL}/initiatives/a8f0d9c4-2222-4333-8444-555566667777`,
      `${BASE_URL}/proposals/c1d2e3f4-3333-4444-8555-666677778888`,
      `${BASE_URL}/inquiries/ffeeddcc-4444-4555-8666-777788889999`,
    ]);
    for (const url of urls) expect(String(url)).not.toContain('/api/');
  });

  it('gives the events of one day summaries that tell them apart, with the title and the unit', () => {
    const events = new ICAL.Component(ICAL.parse(feed()) as unknown[])
      .getAllSubcomponents('vevent')
      .map((v) => new ICAL.Event(v));
    const sameDay = events.filter((e) => e.startDate.toString() === '2025-03-31').map((e) => e.summary);
    expect(sameDay).toHaveLength(4);
    expect(new Set(sameDay).size).toBe(4);
    expect(sameDay[0]).toBe('【全庁照会の回答】全庁照会（令和7年度）（健康福祉局） [0b6c3f7e]');
    expect(sameDay[1]).toBe('【全庁照会の回答】全庁照会（令和7年度）（中央区）');
    expect(sameDay[2]).toContain('1-01 窓口手続のオンライン化');
  });

  it('parses in Python’s icalendar (Debian python3-icalendar), with every alarm at 09:00 JST on the right day', () => {
    // The system Python: `python3` on PATH may be a pyenv shim without Debian's packages.
    const script = String.raw`
import sys, json, datetime
from icalendar import Calendar
cal = Calendar.from_ical(sys.stdin.buffer.read())
jst = datetime.timezone(datetime.timedelta(hours=9))
out = []
for ev in cal.walk('VEVENT'):
    start = ev.decoded('DTSTART')
    end = ev.decoded('DTEND') if 'DTEND' in ev else start + ev.decoded('DURATION')
    rings = []
    for alarm in ev.walk('VALARM'):
        trig = alarm['TRIGGER']
        value = trig.dt
        if isinstance(value, datetime.timedelta):
            related = end if trig.params.get('RELATED') == 'END' else start
            base = datetime.datetime.combine(related, datetime.time(0), jst) if not isinstance(related, datetime.datetime) else related
            when = base + value
        else:
            when = value
        rings.append(when.astimezone(jst).strftime('%Y-%m-%d %H:%M'))
    out.append({'start': start.isoformat(), 'end': end.isoformat(), 'summary': str(ev['SUMMARY']), 'url': str(ev['URL']), 'rings': rings})
print(json.dumps(out, ensure_ascii=False))
`;
    const parsed = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script], { input: feed(), encoding: 'utf8' }),
    ) as Array<{ start: string; end: string; summary: string; url: string; rings: string[] }>;
    expect(parsed).toHaveLength(DEADLINES.length);
    parsed.forEach((event, i) => {
      const due = DEADLINES[i].dueDate;
      expect(event.start).toBe(due);
      expect(event.end).toBe(new Date(Date.parse(`${due}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
      expect(event.rings).toEqual([`${dayBefore(due)} 09:00`, `${due} 09:00`]);
      expect(event.url).toMatch(/^https:\/\/kaikaku\.city\.example\/(inquiries|proposals|initiatives)\//);
    });
    expect(new Set(parsed.map((e) => `${e.start} ${e.summary}`)).size).toBe(parsed.length);
  });
});
