import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { fiscalYearLabel, todayInTokyo, warekiDate } from '#libs/calendar';
import { scopeSql, SqlParams, type Principal } from '#libs/identity';
import { AppConfig, execute, OutboxService } from '#libs/platform';
import { CityCalendar } from './city-calendar.js';
import { DEFAULT_POLICY, planReminders, reminderSlotEnd, type ReminderPolicy } from './reminder-planner.js';

export type DeadlineKind = 'inquiry_reply' | 'meeting_preparation' | 'progress_report';

/** Working days before a meeting by which its agenda should be ready. */
export const MEETING_PREPARATION_DAYS = 5;

export interface DeadlineView {
  id: string;
  kind: DeadlineKind;
  title: string;
  ownerUnit: { id: string; code: string; nameJa: string };
  dueDate: string;
  dueDateLabel: string;
  nominalDate: string;
  workingDaysLeft: number;
  status: 'open' | 'satisfied' | 'overdue';
  subject: { type: string; id: string };
}

/** A deadline as `forPrincipal` reads it, with its owner unit's code and name. */
interface DeadlineRow {
  id: string;
  kind: DeadlineKind;
  title: string;
  owner_unit_id: string;
  subject_type: string;
  subject_id: string;
  satisfied_at: Date | null;
  /** due_date and nominal_date as `YYYY-MM-DD`. */
  due: string;
  nominal: string;
  code: string;
  name_ja: string;
}

interface DeadlineInput {
  key: string;
  kind: DeadlineKind;
  planId: string;
  subjectType: string;
  subjectId: string;
  ownerUnitId: string;
  title: string;
  nominalDate: string;
}

/**
 * Deadlines derived from the work, and their reminders. A deadline belongs to the unit that
 * must act; it is satisfied when the work is done (the unit answered), which cancels what
 * is pending; moving it plans its reminders anew. Reminders are rows in PostgreSQL (the
 * source of truth) and delayed jobs whose ids name the reminder and its fire time.
 */
@Injectable()
export class DeadlinesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly calendar: CityCalendar,
    private readonly outbox: OutboxService,
    private readonly config: AppConfig,
  ) {}

  // ── deriving deadlines from the work ──────────────────────────────────────

  /**
   * An inquiry's reply deadline for each target unit while it accepts proposals (its workflow
   * says which states do); answered units are satisfied. Otherwise its deadlines end.
   */
  async syncInquiry(m: EntityManager, inquiryId: string, acceptingProposals: boolean): Promise<void> {
    const [q] = await m.query<Array<{ id: string; plan_id: string; title: string; due: string }>>(
      `SELECT id, plan_id, title, to_char(due_date, 'YYYY-MM-DD') AS due FROM inquiry WHERE id = $1`,
      [inquiryId],
    );
    if (!q) return;
    if (!acceptingProposals) return this.cancelSubject(m, 'inquiry', inquiryId);
    const targets: Array<{ unit: string; answered: boolean }> = await m.query(
      `SELECT it.org_unit_id AS unit,
              (it.nil_return_at IS NOT NULL OR EXISTS (
                 SELECT 1 FROM proposal p WHERE p.inquiry_id = it.inquiry_id AND p.owning_unit_id = it.org_unit_id AND p.left_bureau_at IS NOT NULL)) AS answered
         FROM inquiry_target it JOIN org_unit o ON o.id = it.org_unit_id
        -- A unit closed by a reorganisation answers no more: its successor, a target too, does.
        WHERE it.inquiry_id = $1 AND o.active`,
      [inquiryId],
    );
    for (const t of targets) {
      const key = `inquiry_reply:${inquiryId}:${t.unit}`;
      await this.upsert(m, {
        key,
        kind: 'inquiry_reply',
        planId: q.plan_id,
        subjectType: 'inquiry',
        subjectId: inquiryId,
        ownerUnitId: t.unit,
        title: q.title,
        nominalDate: q.due,
      });
      if (t.answered) await this.satisfy(m, key);
    }
  }

  /** The unit answered the inquiry (a proposal left it, or 該当なし). */
  async inquiryAnswered(m: EntityManager, inquiryId: string, unitId: string): Promise<void> {
    await this.satisfy(m, `inquiry_reply:${inquiryId}:${unitId}`);
  }

  /** A meeting's preparation deadline, for the secretariat: the agenda ready N working days before. */
  async syncMeeting(m: EntityManager, meetingId: string): Promise<void> {
    const [mt] = await m.query<
      Array<{ id: string; plan_id: string; title: string; held_on: string; prepared: boolean; city: string }>
    >(
      `SELECT mt.id, mt.plan_id, mt.title, to_char(mt.held_on, 'YYYY-MM-DD') AS held_on,
              EXISTS (SELECT 1 FROM meeting_agenda_item a WHERE a.meeting_id = mt.id) AS prepared,
              (SELECT id FROM org_unit WHERE parent_id IS NULL) AS city
         FROM meeting mt WHERE mt.id = $1`,
      [meetingId],
    );
    if (!mt) return;
    const key = `meeting_preparation:${meetingId}`;
    const nominal = this.calendar.addWorkingDays(this.calendar.due(mt.held_on), -MEETING_PREPARATION_DAYS);
    await this.upsert(m, {
      key,
      kind: 'meeting_preparation',
      planId: mt.plan_id,
      subjectType: 'meeting',
      subjectId: meetingId,
      ownerUnitId: mt.city,
      title: `${mt.title} の議題準備`,
      nominalDate: nominal,
    });
    if (mt.prepared) await this.satisfy(m, key);
  }

  /** An initiative's yearly progress report deadlines (the plan says when: e.g. 04-30 after each fiscal year). */
  async syncInitiative(m: EntityManager, initiativeId: string): Promise<void> {
    const [i] = await m.query<
      Array<{
        id: string;
        plan_id: string;
        title: string;
        code: string;
        owning_unit_id: string;
        first_fiscal_year: number;
        last_fiscal_year: number;
        progress_report_due: string;
      }>
    >(
      `SELECT i.id, i.plan_id, i.title, i.code, i.owning_unit_id, pl.first_fiscal_year, pl.last_fiscal_year, pl.progress_report_due
         FROM initiative i JOIN plan pl ON pl.id = i.plan_id WHERE i.id = $1`,
      [initiativeId],
    );
    if (!i) return;
    const today = todayInTokyo();
    for (let fy = i.first_fiscal_year; fy <= i.last_fiscal_year; fy++) {
      const nominal = `${fy + 1}-${i.progress_report_due}`;
      if (nominal < today) continue;
      await this.upsert(m, {
        key: `progress_report:${initiativeId}:${fy}`,
        kind: 'progress_report',
        planId: i.plan_id,
        subjectType: 'initiative',
        subjectId: initiativeId,
        ownerUnitId: i.owning_unit_id,
        title: `${i.code} ${i.title}（${fiscalYearLabel(fy)}）`,
        nominalDate: nominal,
      });
    }
  }

  /** Everything about this record stops: its deadlines are cancelled with their pending reminders. */
  async cancelSubject(m: EntityManager, subjectType: string, subjectId: string): Promise<void> {
    await m.query(
      `WITH d AS (UPDATE deadline SET cancelled_at = now(), updated_at = now() WHERE subject_type = $1 AND subject_id = $2 AND cancelled_at IS NULL AND satisfied_at IS NULL RETURNING id)
       UPDATE reminder SET status = 'cancelled' WHERE deadline_id IN (SELECT id FROM d) AND status = 'scheduled'`,
      [subjectType, subjectId],
    );
  }

  async satisfy(m: EntityManager, key: string): Promise<void> {
    await m.query(
      `WITH d AS (UPDATE deadline SET satisfied_at = now(), updated_at = now() WHERE key = $1 AND satisfied_at IS NULL RETURNING id)
       UPDATE reminder SET status = 'cancelled' WHERE deadline_id IN (SELECT id FROM d) AND status = 'scheduled'`,
      [key],
    );
  }

  // ── reading ────────────────────────────────────────────────────────────────

  /** The caller's deadlines, soonest first: their units' (bureau roles), or all (secretariat, admin). */
  async forPrincipal(
    principal: Principal,
    options: { includeDone?: boolean; limit?: number } = {},
  ): Promise<DeadlineView[]> {
    const params = new SqlParams();
    const scope = principal.scopeFor('bureau_editor', 'bureau_approver', 'secretariat', 'admin');
    const rows = await this.dataSource.query<DeadlineRow[]>(
      `SELECT d.*, to_char(d.due_date, 'YYYY-MM-DD') AS due, to_char(d.nominal_date, 'YYYY-MM-DD') AS nominal, o.code, o.name_ja
         FROM deadline d JOIN org_unit o ON o.id = d.owner_unit_id
        WHERE d.cancelled_at IS NULL ${options.includeDone ? '' : 'AND d.satisfied_at IS NULL'} AND ${scopeSql(scope, 'd.owner_unit_id', params)}
        ORDER BY d.due_date, d.title LIMIT ${params.add(options.limit ?? 500)}`,
      params.values,
    );
    const today = todayInTokyo();
    return rows.map((r): DeadlineView => ({
      id: r.id,
      kind: r.kind,
      title: r.title,
      ownerUnit: { id: r.owner_unit_id, code: r.code, nameJa: r.name_ja },
      dueDate: r.due,
      dueDateLabel: warekiDate(r.due).label,
      nominalDate: r.nominal,
      workingDaysLeft: this.calendar.workingDaysBetween(today, r.due),
      status: r.satisfied_at ? 'satisfied' : r.due < today ? 'overdue' : 'open',
      subject: { type: r.subject_type, id: r.subject_id },
    }));
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** Creates or moves a deadline; a new or moved one gets its reminders planned (again). */
  private async upsert(m: EntityManager, d: DeadlineInput): Promise<void> {
    const due = this.calendar.due(d.nominalDate);
    const [existing] = await m.query<
      Array<{ id: string; due: string; satisfied_at: Date | null; cancelled_at: Date | null; version: number }>
    >(
      `SELECT id, to_char(due_date, 'YYYY-MM-DD') AS due, satisfied_at, cancelled_at, version FROM deadline WHERE key = $1 FOR UPDATE`,
      [d.key],
    );
    if (existing && existing.due === due && !existing.cancelled_at) return;
    const [row] = existing
      ? (
          await execute<{ id: string; version: number; satisfied_at: Date | null }>(
            m,
            `UPDATE deadline SET due_date = $2, nominal_date = $3, title = $4, cancelled_at = NULL, version = version + 1, updated_at = now()
              WHERE id = $1 RETURNING id, version, satisfied_at`,
            [existing.id, due, d.nominalDate, d.title],
          )
        ).rows
      : await m.query<Array<{ id: string; version: number; satisfied_at: Date | null }>>(
          `INSERT INTO deadline (key, kind, plan_id, subject_type, subject_id, owner_unit_id, title, nominal_date, due_date)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id, version, satisfied_at`,
          [d.key, d.kind, d.planId, d.subjectType, d.subjectId, d.ownerUnitId, d.title, d.nominalDate, due],
        );
    if (row.satisfied_at) return;
    await this.planReminders(m, row.id, d.planId, d.kind, due);
  }

  private async policy(m: EntityManager, planId: string, kind: string): Promise<ReminderPolicy> {
    const [p] = await m.query<
      Array<{ offsets: number[]; send_time: string; escalate_every: number; escalation_steps: number }>
    >(
      `SELECT offsets, send_time, escalate_every, escalation_steps FROM reminder_policy WHERE plan_id = $1 AND kind = $2`,
      [planId, kind],
    );
    return p
      ? {
          offsets: p.offsets,
          sendTime: p.send_time,
          escalateEvery: p.escalate_every,
          escalationSteps: p.escalation_steps,
        }
      : DEFAULT_POLICY;
  }

  private async planReminders(
    m: EntityManager,
    deadlineId: string,
    planId: string,
    kind: string,
    due: string,
  ): Promise<void> {
    const steps = planReminders({
      dueDate: due,
      policy: await this.policy(m, planId, kind),
      calendar: this.calendar,
      now: new Date(),
      today: todayInTokyo(),
      compressedDaySeconds: this.config.REMINDER_DAY_SECONDS,
    });
    // What was planned before and is not planned now does not happen.
    await m.query(
      `UPDATE reminder SET status = 'cancelled' WHERE deadline_id = $1 AND status = 'scheduled' AND NOT (step = ANY($2))`,
      [deadlineId, steps.map((s) => s.step)],
    );
    for (const s of steps) {
      const [r] = await m.query<Array<{ id: string; fire_at: Date }>>(
        `INSERT INTO reminder (deadline_id, step, audience, fire_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (deadline_id, step) DO UPDATE SET audience = $3, fire_at = $4, status = 'scheduled', sent_at = NULL
         RETURNING id, fire_at`,
        [deadlineId, s.step, s.audience, s.fireAt],
      );
      // One job per slot, at its end, fires every reminder due in it, however many deadlines planned them.
      const slotMs = this.config.REMINDER_SLOT_MS;
      const slotEnd = reminderSlotEnd(new Date(r.fire_at), slotMs);
      await this.outbox.enqueue(
        m,
        'reminders.fire_due',
        { fireAt: slotEnd.toISOString(), slotMs },
        { runAt: slotEnd, jobId: reminderSlotJobId(slotEnd, slotMs) },
      );
    }
  }
}

/**
 * The job id of a slot's reminders (the slot ending at `slotEnd`, `slotMs` long): every planner
 * and the relay add it once. A reconciliation pass names its own (`pass`) for a slot already past.
 */
export function reminderSlotJobId(slotEnd: Date, slotMs: number, pass?: string): string {
  return `rem-slot-${slotMs}-${slotEnd.getTime()}${pass ? `-${pass}` : ''}`;
}

/** The job id of a reminder at one fire time: whoever adds it again (relay, reconciliation) adds nothing. */
export function reminderJobId(reminderId: string, fireAt: Date): string {
  return `rem-${reminderId}-${fireAt.getTime()}`;
}
