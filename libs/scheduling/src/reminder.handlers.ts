import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { DataSource } from 'typeorm';
import { todayInTokyo } from '#libs/calendar';
import {
  DeliveriesService,
  holdersWithRoles,
  reminderMessage,
  roleHoldersSql,
  type ClaimedMessage,
  type RoleHolder,
} from '#libs/notifications';
import { AppConfig, jobOptions, OnJob, prepared, QueueName, QueueRegistry, type JobPayloads } from '#libs/platform';
import { CityCalendar } from './city-calendar.js';
import { reminderSlotJobId } from './deadlines.service.js';
import { reminderSlotEnd, type Audience } from './reminder-planner.js';

const ROLES_OF: Record<Audience, string[]> = {
  owners: ['bureau_editor', 'bureau_approver'],
  approver: ['bureau_approver'],
  secretariat: ['secretariat'],
};

interface FiringReminder {
  id: string;
  step: string;
  audience: Audience;
  deadline_id: string;
  version: number;
  kind: string;
  title: string;
  owner_unit_id: string;
  due: string;
  unit_name: string;
  /** Its deadline neither met nor cancelled (firingSql): only these are fired. */
  open: boolean;
  /** The fire time in microseconds since the epoch (firingSql). */
  fire_key: string;
  /** Who holds a role on the deadline's unit (see roleHoldersSql), to be chosen from by audience; on the unit's first row of a read only. */
  holders: RoleHolder[] | null;
}

/** A position in firing order: a reminder's fire time (microseconds since the epoch) and id. */
interface FiringKey {
  fireKey: string;
  id: string;
}

/** A reminder of a read with its unit's role holders, which the read gives on the unit's first row only. */
type ReadyReminder = FiringReminder & { holders: RoleHolder[] };

/** The open reminders of a read, each with its unit's role holders. */
function readyToFire(rows: readonly FiringReminder[]): ReadyReminder[] {
  const holdersOf = new Map<string, RoleHolder[]>();
  for (const r of rows) if (r.holders) holdersOf.set(r.owner_unit_id, r.holders);
  return rows.filter((r) => r.open).map((r) => ({ ...r, holders: r.holders ?? holdersOf.get(r.owner_unit_id) ?? [] }));
}

/** How far ahead reconciliation re-adds reminder jobs; later ones are re-added as they come near. */
const HORIZON_HOURS = 48;

/** Reminders fired per statement (one transaction) when many are due at one instant: a crash loses at most one batch's work, never its effects twice. */
export const REMINDER_BATCH_SIZE = 500;
/** Batches of one instant fired side by side, each on its own connection. */
export const REMINDER_PARALLEL_BATCHES = 4;

/**
 * Still due: scheduled, its fire time in the slot being fired (after $1, up to and including
 * $2, the slot's end — never later than now, as the slot job runs at its end), its deadline
 * neither met nor cancelled.
 */
const STILL_DUE = `r.status = 'scheduled' AND r.fire_at > $1 AND r.fire_at <= $2 AND d.satisfied_at IS NULL AND d.cancelled_at IS NULL`;

/**
 * The next reminders of the slot ($1, $2) in firing order (fire time, then id: the order of
 * reminder_firing_order_idx), `where` and a LIMIT of $3, each with its deadline, in one read;
 * the role holders of each deadline's unit come once per unit, on the unit's first row (a
 * burst of one bureau's reminders carries them once, not once per reminder). The limit is
 * taken on the index alone, before any join, so that a batch is the next entries of the index
 * whatever the planner guesses of a slot's size (a 09:00 slot holds thousands); a reminder
 * whose deadline was met or cancelled comes with `open` false, is not fired (the claim would
 * refuse it too) and still moves the read on. `fire_key` is the fire time in microseconds
 * since the epoch, exact, for where the next read starts.
 */
const firingSql = (where: string) => `
  WITH RECURSIVE next AS MATERIALIZED (
    SELECT r.id, r.step, r.audience, r.fire_at, r.deadline_id FROM reminder r
     WHERE r.status = 'scheduled' AND r.fire_at > $1 AND r.fire_at <= $2 AND ${where}
     ORDER BY r.fire_at, r.id LIMIT $3
  ), due AS MATERIALIZED (
    SELECT n.id, n.step, n.audience, n.fire_at, n.deadline_id, d.version, d.kind, d.title, d.owner_unit_id,
           to_char(d.due_date, 'YYYY-MM-DD') AS due, o.name_ja AS unit_name,
           d.satisfied_at IS NULL AND d.cancelled_at IS NULL AS open
      FROM next n JOIN deadline d ON d.id = n.deadline_id JOIN org_unit o ON o.id = d.owner_unit_id
  ), due_unit AS (SELECT DISTINCT owner_unit_id AS unit_id FROM due WHERE open),
  ${roleHoldersSql('due_unit')},
  unit_holders AS (SELECT unit_id, json_agg(h) AS holders FROM role_holder h GROUP BY unit_id)
  SELECT due.id, due.step, due.audience, due.deadline_id, due.version, due.kind, due.title, due.owner_unit_id,
         due.due, due.unit_name, due.open, (extract(epoch FROM due.fire_at) * 1000000)::bigint::text AS fire_key,
         CASE WHEN row_number() OVER (PARTITION BY due.owner_unit_id ORDER BY due.fire_at, due.id) = 1
              THEN coalesce(u.holders, '[]') END AS holders
    FROM due LEFT JOIN unit_holders u ON u.unit_id = due.owner_unit_id
   ORDER BY due.fire_at, due.id`;
/**
 * The next batch of a slot: after the last one read in firing order ($4: its fire time in
 * microseconds since the epoch, $5: its id; a read from the start passes the slot's start and the nil uuid).
 */
const DUE_AFTER = firingSql(
  `(r.fire_at, r.id) > (timestamptz 'epoch' + $4::bigint * interval '1 microsecond', $5::uuid)`,
);
const ONE_DUE = firingSql('r.id = $4');

/** Where a read of a slot's reminders starts: before the first of them in firing order. */
function slotStart(slot: Slot): FiringKey {
  return {
    fireKey: String(BigInt(new Date(slot.after).getTime()) * 1000n),
    id: '00000000-0000-0000-0000-000000000000',
  };
}

/**
 * The claim of a batch: the reminders still due are marked sent — a reminder another job
 * fired (or that was moved, met or cancelled) meanwhile is not, and gets no delivery.
 */
const CLAIM = `UPDATE reminder r SET status = 'sent', sent_at = now() FROM deadline d
  WHERE d.id = r.deadline_id AND r.id = ANY($3::uuid[]) AND ${STILL_DUE} RETURNING r.id`;

/** What the messages of one job share (see ReminderHandlers.messageFacts). */
interface MessageFacts {
  today: string;
  workingDaysLeft(due: string): number;
}

/** A slot (after, until]: ISO times for the statements above. */
interface Slot {
  after: string;
  until: string;
}

/** The slot of `slotMs` ending at `until`; 1 ms is that instant alone (fire times are whole milliseconds). */
function slotEndingAt(until: Date, slotMs: number): Slot {
  return { after: new Date(until.getTime() - Math.max(1, slotMs)).toISOString(), until: until.toISOString() };
}

@Injectable()
export class ReminderHandlers {
  private readonly logger = new Logger(ReminderHandlers.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesService,
    private readonly calendar: CityCalendar,
    private readonly queues: QueueRegistry,
    private readonly config: AppConfig,
  ) {}

  /**
   * Fires one reminder — unless it was cancelled, moved (another fire time), already sent,
   * or its deadline met: a stale or repeated job does nothing. The deliveries it records
   * are keyed by (deadline, round, step, recipient, channel), so firing twice tells no one twice.
   * (Jobs of this kind were queued per reminder before reminders fired per instant.)
   */
  @OnJob('reminder.fire')
  async fire({ reminderId, fireAt }: JobPayloads['reminder.fire']): Promise<void> {
    const slot = slotEndingAt(new Date(fireAt), 1);
    const { rows } = await prepared<FiringReminder>(this.dataSource.manager, ONE_DUE, [
      slot.after,
      slot.until,
      1,
      reminderId,
    ]);
    await this.fireBatch(slot, readyToFire(rows));
  }

  /**
   * Fires every reminder due in the slot ending at `fireAt` (the `slotMs` before it; 1 or
   * absent: that instant alone), a batch of REMINDER_BATCH_SIZE at a time: one read brings a
   * batch with its recipients, then the batch is ONE statement — the claim (re-checked as still
   * due: scheduled, its fire time still in this slot, its deadline neither met nor cancelled),
   * the deliveries and the in-app notifications — several batches side by side.
   * The job runs at the slot's end, so every reminder of the slot is already due: none is
   * fired before its time. A job killed mid-way leaves the batches it committed sent and the
   * others untouched: its retry fires exactly the rest, and a second job of the same slot
   * claims nothing twice.
   */
  @OnJob('reminders.fire_due')
  async fireDue({ fireAt, slotMs }: JobPayloads['reminders.fire_due']): Promise<void> {
    const slot = slotEndingAt(new Date(fireAt), slotMs ?? 1);
    // A job started early (a clock a little ahead of this one) waits: the slot's last reminder is due only at its end.
    const early = new Date(slot.until).getTime() - Date.now();
    if (early > 0) await sleep(early);
    const facts = this.messageFacts();
    // A pipeline: one read at a time brings the next batch (in firing order, from where the
    // last one ended) while up to REMINDER_PARALLEL_BATCHES earlier batches are being fired, so
    // the first reminders of a burst are told after one batch's read, not after the whole
    // slot's, and PostgreSQL writes batches while the next is read and its messages are built.
    const inFlight = new Set<Promise<void>>();
    const failures: unknown[] = [];
    let from = slotStart(slot);
    let read = 0;
    let sweptAgain = false;
    while (failures.length === 0) {
      const { rows } = await prepared<FiringReminder>(this.dataSource.manager, DUE_AFTER, [
        slot.after,
        slot.until,
        REMINDER_BATCH_SIZE,
        from.fireKey,
        from.id,
      ]);
      read += rows.length;
      if (rows.length > 0) {
        const last = rows[rows.length - 1];
        from = { fireKey: last.fire_key, id: last.id };
        while (inFlight.size >= REMINDER_PARALLEL_BATCHES) await Promise.race(inFlight);
        if (failures.length > 0) break;
        // Never rejects: a failed batch stops the reading, the others finish, then the job fails and is retried.
        const firing: Promise<void> = this.fireBatch(slot, readyToFire(rows), facts).then(
          () => void inFlight.delete(firing),
          (error: unknown) => {
            inFlight.delete(firing);
            failures.push(error);
          },
        );
        inFlight.add(firing);
      }
      if (rows.length < REMINDER_BATCH_SIZE) {
        // The end of the slot. A reminder added to it meanwhile behind the last one read (a
        // deadline planned or moved while this job ran) is found by one more pass from the
        // start, once the batches in flight are committed (so that it does not read them again).
        if (sweptAgain || read === 0) break;
        await Promise.all(inFlight);
        sweptAgain = true;
        read = 0;
        from = slotStart(slot);
      }
    }
    await Promise.all(inFlight);
    if (failures.length > 0) throw failures[0];
  }

  /**
   * What every message of one job shares: today in Japan, and the working days left until a
   * due date — counted once per due date, not once per reminder (a burst's reminders share a
   * few due dates, and counting walks the calendar day by day).
   */
  private messageFacts(): MessageFacts {
    const today = todayInTokyo();
    const daysLeft = new Map<string, number>();
    return {
      today,
      workingDaysLeft: (due) => {
        let n = daysLeft.get(due);
        if (n === undefined) daysLeft.set(due, (n = this.calendar.workingDaysBetween(today, due)));
        return n;
      },
    };
  }

  /** One statement: the batch claimed and its messages recorded, or nothing (see DeliveriesService.recordClaimed). */
  private async fireBatch(
    slot: Slot,
    batch: readonly ReadyReminder[],
    facts: MessageFacts = this.messageFacts(),
  ): Promise<void> {
    if (batch.length === 0) return;
    const messages: ClaimedMessage[] = batch.map((r) => ({
      claimId: r.id,
      key: `deadline:${r.deadline_id}:v${r.version}:${r.step}`,
      recipients: holdersWithRoles(r.holders, ROLES_OF[r.audience]),
      message: reminderMessage({
        deadlineKind: r.kind,
        title: r.title,
        unitName: r.unit_name,
        dueDate: r.due,
        workingDaysLeft: facts.workingDaysLeft(r.due),
        step: r.step,
        link: `${this.config.PUBLIC_BASE_URL}/api/v1/deadlines`,
      }),
    }));
    await this.deliveries.recordClaimed(
      this.dataSource.manager,
      { sql: CLAIM, values: [slot.after, slot.until, batch.map((r) => r.id)] },
      messages,
    );
  }

  /**
   * Rebuilds, from PostgreSQL, every job that should exist: reminders due within the
   * horizon (or overdue) and deliveries not sent yet. Adding an existing job id adds nothing,
   * so this is safe to run anytime; it runs once per slot across the cluster (a BullMQ job
   * scheduler), and after Redis lost its data it brings every pending reminder back.
   */
  @OnJob('reminders.reconcile')
  async reconcile(_payload: JobPayloads['reminders.reconcile'], job: Job): Promise<void> {
    const slot = Number(
      String(job.id ?? '')
        .split(':')
        .pop(),
    );
    await this.dataSource.query(`INSERT INTO scheduled_run (scheduler, slot, worker) VALUES ($1, $2, $3)`, [
      'reminders-reconcile',
      new Date(Number.isFinite(slot) && slot > 1e12 ? slot : job.timestamp),
      `${hostname()}:${process.pid}`,
    ]);
    // One job per slot still to fire. A slot already past gets a job of this pass too: its own
    // job may have completed before a reminder was added to it (or gone with Redis).
    const slotMs = this.config.REMINDER_SLOT_MS;
    const slots: Array<{ slot_end_ms: string; reminders: number }> = await this.dataSource.query(
      `SELECT (ceil(extract(epoch FROM fire_at) * 1000 / $2) * $2)::bigint AS slot_end_ms, count(*)::int AS reminders
         FROM reminder WHERE status = 'scheduled' AND fire_at < now() + make_interval(hours => $1)
        GROUP BY 1 ORDER BY 1 LIMIT 20000`,
      [HORIZON_HOURS, slotMs],
    );
    const reminders = slots.reduce((n, i) => n + i.reminders, 0);
    const now = Date.now();
    const pass = String(job.id ?? job.timestamp).replace(/[^A-Za-z0-9]/g, '');
    if (slots.length > 0) {
      await this.queues.get(QueueName.Reminders).addBulk(
        slots.map((i) => {
          const slotEnd = reminderSlotEnd(new Date(Number(i.slot_end_ms)), slotMs);
          const past = slotEnd.getTime() <= now;
          return {
            name: 'reminders.fire_due',
            data: { fireAt: slotEnd.toISOString(), slotMs },
            opts: {
              ...jobOptions('reminders.fire_due'),
              jobId: reminderSlotJobId(slotEnd, slotMs, past ? pass : undefined),
              delay: Math.max(0, slotEnd.getTime() - now),
            },
          };
        }),
      );
    }
    // Deliveries get a moment on the normal path (outbox → relay) before being re-added here.
    const graceSeconds = Math.min(60, 2 * this.config.REMINDER_RECONCILE_SECONDS);
    const deliveries: Array<{ id: string }> = await this.dataSource.query(
      `SELECT id FROM delivery WHERE sent_at IS NULL AND created_at < now() - make_interval(secs => $1) ORDER BY created_at LIMIT 20000`,
      [graceSeconds],
    );
    if (deliveries.length > 0) {
      await this.queues.get(QueueName.Notifications).addBulk(
        deliveries.map((d) => ({
          name: 'delivery.send',
          data: { deliveryId: d.id },
          opts: { ...jobOptions('delivery.send'), jobId: `dlv-${d.id}` },
        })),
      );
    }
    this.logger.log({ reminders, slots: slots.length, deliveries: deliveries.length }, 'reconciled');
  }
}
