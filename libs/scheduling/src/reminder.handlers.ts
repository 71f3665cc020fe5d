import { hostname } from 'node:os';
import { Injectable, Logger } from '@nestjs/common';
import type { Job } from 'bullmq';
import { DataSource, type EntityManager } from 'typeorm';
import { todayInTokyo } from '#libs/calendar';
import { DeliveriesService, reminderMessage, usersWithRoles } from '#libs/notifications';
import { AppConfig, Clock, jobOptions, OnJob, prepared, QueueName, QueueRegistry, withTransaction, type JobPayloads } from '#libs/platform';
import { CityCalendar } from './city-calendar.js';
import { reminderSlotJobId } from './deadlines.service.js';
import type { Audience } from './reminder-planner.js';

const ROLES_OF: Record<Audience, string[]> = {
  owners: ['bureau_editor', 'bureau_approver'],
  approver: ['bureau_approver'],
  secretariat: ['secretariat'],
};

interface FiringReminder {
  id: string;
  step: string;
  audience: Audience;
  fire_at: Date;
  status: string;
  deadline_id: string;
  version: number;
  kind: string;
  title: string;
  owner_unit_id: string;
  satisfied_at: Date | null;
  cancelled_at: Date | null;
  due: string;
  unit_name: string;
}

/** How far ahead reconciliation re-adds reminder jobs; later ones are re-added as they come near. */
const HORIZON_HOURS = 48;

/** Reminders fired per transaction when many are due at one instant: a crash loses at most one batch's work, never its effects twice. */
export const REMINDER_BATCH_SIZE = 500;

const FIRING_SELECT = `SELECT r.id, r.step, r.audience, r.fire_at, r.status, d.id AS deadline_id, d.version, d.kind, d.title, d.owner_unit_id,
                d.satisfied_at, d.cancelled_at, to_char(d.due_date, 'YYYY-MM-DD') AS due, o.name_ja AS unit_name
           FROM reminder r JOIN deadline d ON d.id = r.deadline_id JOIN org_unit o ON o.id = d.owner_unit_id`;

@Injectable()
export class ReminderHandlers {
  private readonly logger = new Logger(ReminderHandlers.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly deliveries: DeliveriesService,
    private readonly calendar: CityCalendar,
    private readonly queues: QueueRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /**
   * Fires one reminder — unless it was cancelled, moved (another fire time), already sent,
   * or its deadline met: a stale or repeated job does nothing. The deliveries it records
   * are keyed by (deadline, round, step, recipient, channel), so firing twice tells no one twice.
   * (Jobs of this kind were queued per reminder before reminders fired per instant.)
   */
  @OnJob('reminder.fire')
  async fire({ reminderId, fireAt }: JobPayloads['reminder.fire']): Promise<void> {
    await withTransaction(this.dataSource, async (m) => {
      const {
        rows: [r],
      } = await prepared<FiringReminder>(m, `${FIRING_SELECT} WHERE r.id = $1 FOR UPDATE OF r`, [reminderId]);
      if (!r || r.status !== 'scheduled' || new Date(r.fire_at).toISOString() !== fireAt || r.satisfied_at || r.cancelled_at) return;
      await this.fireOne(m, r);
    });
  }

  /**
   * Fires every reminder due at `fireAt`, in batches of REMINDER_BATCH_SIZE, each batch one
   * transaction. Each reminder is re-checked as still due (scheduled, at this very time, its
   * deadline neither met nor cancelled) and locked (SKIP LOCKED: a second job of the same
   * instant takes the others). A job killed mid-batch leaves that batch unsent and the ones
   * before it sent: its retry fires exactly the rest.
   */
  @OnJob('reminders.fire_due')
  async fireDue({ fireAt }: JobPayloads['reminders.fire_due']): Promise<void> {
    for (;;) {
      const fired = await withTransaction(this.dataSource, async (m) => {
        const { rows } = await prepared<FiringReminder>(
          m,
          `${FIRING_SELECT}
            WHERE r.fire_at = $1 AND r.status = 'scheduled' AND d.satisfied_at IS NULL AND d.cancelled_at IS NULL
            ORDER BY r.id LIMIT $2 FOR UPDATE OF r SKIP LOCKED`,
          [fireAt, REMINDER_BATCH_SIZE],
        );
        for (const r of rows) await this.fireOne(m, r);
        return rows.length;
      });
      if (fired < REMINDER_BATCH_SIZE) return;
    }
  }

  private async fireOne(m: EntityManager, r: FiringReminder): Promise<void> {
    // A deputy (代決) whose period runs now is reminded of what waits for the absent person too.
    const recipients = await usersWithRoles(m, ROLES_OF[r.audience], r.owner_unit_id, this.clock.now());
    const message = reminderMessage({
      deadlineKind: r.kind,
      title: r.title,
      unitName: r.unit_name,
      dueDate: r.due,
      workingDaysLeft: this.calendar.workingDaysBetween(todayInTokyo(), r.due),
      step: r.step,
      link: `${this.config.PUBLIC_BASE_URL}/api/v1/deadlines`,
    });
    await this.deliveries.record(m, `deadline:${r.deadline_id}:v${r.version}:${r.step}`, recipients, message);
    await prepared(m, `UPDATE reminder SET status = 'sent', sent_at = now() WHERE id = $1`, [r.id]);
  }

  /**
   * Rebuilds, from PostgreSQL, every job that should exist: reminders due within the
   * horizon (or overdue) and deliveries not sent yet. Adding an existing job id adds nothing,
   * so this is safe to run anytime; it runs once per slot across the cluster (a BullMQ job
   * scheduler), and after Redis lost its data it brings every pending reminder back.
   */
  @OnJob('reminders.reconcile')
  async reconcile(_payload: JobPayloads['reminders.reconcile'], job: Job): Promise<void> {
    const slot = Number(String(job.id ?? '').split(':').pop());
    await this.dataSource.query(`INSERT INTO scheduled_run (scheduler, slot, worker) VALUES ($1, $2, $3)`, [
      'reminders-reconcile',
      new Date(Number.isFinite(slot) && slot > 1e12 ? slot : job.timestamp),
      `${hostname()}:${process.pid}`,
    ]);
    // One job per instant still to fire. An instant already past gets a job of this pass too:
    // its own job may have completed before a reminder was added to it (or gone with Redis).
    const instants: Array<{ fire_at: Date; reminders: number }> = await this.dataSource.query(
      `SELECT fire_at, count(*)::int AS reminders FROM reminder WHERE status = 'scheduled' AND fire_at < now() + make_interval(hours => $1)
        GROUP BY fire_at ORDER BY fire_at LIMIT 20000`,
      [HORIZON_HOURS],
    );
    const reminders = instants.reduce((n, i) => n + i.reminders, 0);
    const now = Date.now();
    const pass = String(job.id ?? job.timestamp).replace(/[^A-Za-z0-9]/g, '');
    if (instants.length > 0) {
      await this.queues.get(QueueName.Reminders).addBulk(
        instants.map((i) => {
          const fireAt = new Date(i.fire_at);
          const past = fireAt.getTime() <= now;
          return {
            name: 'reminders.fire_due',
            data: { fireAt: fireAt.toISOString() },
            opts: { ...jobOptions('reminders.fire_due'), jobId: reminderSlotJobId(fireAt, past ? pass : undefined), delay: Math.max(0, fireAt.getTime() - now) },
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
        deliveries.map((d) => ({ name: 'delivery.send', data: { deliveryId: d.id }, opts: { ...jobOptions('delivery.send'), jobId: `dlv-${d.id}` } })),
      );
    }
    this.logger.log({ reminders, instants: instants.length, deliveries: deliveries.length }, 'reconciled');
  }
}
