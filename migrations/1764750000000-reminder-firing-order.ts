import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Scheduled reminders indexed in firing order (fire time, then id): a slot's job reads its
 * reminders a batch at a time from where the last batch ended, so a burst of thousands at
 * 09:00 is read as batches of the index in order, not re-scanned and re-sorted for every batch.
 * It replaces the index on the fire time alone, which every other use (reconciliation, the
 * overdue gauge) reads as a range of its first column.
 */
export class ReminderFiringOrder1764750000000 implements MigrationInterface {
  name = 'ReminderFiringOrder1764750000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX reminder_firing_order_idx ON reminder (fire_at, id) WHERE status = 'scheduled'`);
    await q.query(`DROP INDEX reminder_scheduled_idx`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX reminder_scheduled_idx ON reminder (fire_at) WHERE status = 'scheduled'`);
    await q.query(`DROP INDEX reminder_firing_order_idx`);
  }
}
