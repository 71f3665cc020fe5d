import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deadlines, reminders and notifications: deadlines derived from the work (an inquiry's
 * reply date per target unit, meeting preparation, progress reports), each with planned
 * reminders; deliveries recorded under a unique key so nothing is sent twice; in-app
 * notifications; per-user channel settings and calendar feed tokens; sign-in limits kept in
 * PostgreSQL when the city runs without Redis.
 */
export class Reminders1764288000000 implements MigrationInterface {
  name = 'Reminders1764288000000';

  async up(q: QueryRunner): Promise<void> {
    // A job may be given a stable id (reminders: id + fire time), so that whoever adds it
    // again — the relay, the reconciliation — adds the same job.
    await q.query(`ALTER TABLE outbox ADD COLUMN job_id text`);
    await q.query(
      `ALTER TABLE plan ADD COLUMN progress_report_due text NOT NULL DEFAULT '04-30' CHECK (progress_report_due ~ '^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$')`,
    );

    await q.query(`
      CREATE TABLE deadline (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key           text NOT NULL UNIQUE,
        kind          text NOT NULL CHECK (kind IN ('inquiry_reply', 'meeting_preparation', 'progress_report')),
        plan_id       uuid NOT NULL REFERENCES plan (id),
        subject_type  text NOT NULL,
        subject_id    uuid NOT NULL,
        owner_unit_id uuid NOT NULL REFERENCES org_unit (id),
        title         text NOT NULL,
        nominal_date  date NOT NULL,
        due_date      date NOT NULL,
        satisfied_at  timestamptz,
        cancelled_at  timestamptz,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX deadline_unit_due_idx ON deadline (owner_unit_id, due_date) WHERE satisfied_at IS NULL AND cancelled_at IS NULL`,
    );
    await q.query(`CREATE INDEX deadline_subject_idx ON deadline (subject_type, subject_id)`);

    await q.query(`
      CREATE TABLE reminder_policy (
        plan_id          uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        kind             text NOT NULL,
        offsets          integer[] NOT NULL DEFAULT '{5,2,0}',
        send_time        text NOT NULL DEFAULT '09:00' CHECK (send_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
        escalate_every   integer NOT NULL DEFAULT 2 CHECK (escalate_every >= 1),
        escalation_steps integer NOT NULL DEFAULT 3 CHECK (escalation_steps >= 0),
        PRIMARY KEY (plan_id, kind)
      )`);

    await q.query(`
      CREATE TABLE reminder (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        deadline_id uuid NOT NULL REFERENCES deadline (id) ON DELETE CASCADE,
        step        text NOT NULL,
        audience    text NOT NULL CHECK (audience IN ('owners', 'approver', 'secretariat')),
        fire_at     timestamptz NOT NULL,
        status      text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'sent', 'cancelled')),
        sent_at     timestamptz,
        UNIQUE (deadline_id, step)
      )`);
    await q.query(`CREATE INDEX reminder_scheduled_idx ON reminder (fire_at) WHERE status = 'scheduled'`);

    await q.query(`
      CREATE TABLE notification_settings (
        user_id             uuid PRIMARY KEY REFERENCES app_user (id) ON DELETE CASCADE,
        email_enabled       boolean NOT NULL DEFAULT true,
        in_app_enabled      boolean NOT NULL DEFAULT true,
        webhook_enabled     boolean NOT NULL DEFAULT false,
        webhook_url         text,
        webhook_secret      text,
        calendar_token_hash bytea UNIQUE,
        updated_at          timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE delivery (
        id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        key               text NOT NULL UNIQUE,
        recipient_user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        channel           text NOT NULL CHECK (channel IN ('email', 'webhook', 'in_app')),
        kind              text NOT NULL,
        message           jsonb NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        sent_at           timestamptz,
        attempts          integer NOT NULL DEFAULT 0,
        last_error        text
      )`);
    await q.query(`CREATE INDEX delivery_unsent_idx ON delivery (created_at) WHERE sent_at IS NULL`);

    await q.query(`
      CREATE TABLE notification (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        delivery_id uuid UNIQUE REFERENCES delivery (id) ON DELETE SET NULL,
        kind        text NOT NULL,
        title       text NOT NULL,
        body        text NOT NULL,
        link        text,
        created_at  timestamptz NOT NULL DEFAULT now(),
        read_at     timestamptz
      )`);
    await q.query(`CREATE INDEX notification_user_idx ON notification (user_id, created_at DESC)`);

    // A heartbeat of the cluster-wide scheduled jobs: one row per run, with its slot.
    await q.query(`
      CREATE TABLE scheduled_run (
        id        bigserial PRIMARY KEY,
        scheduler text NOT NULL,
        slot      timestamptz NOT NULL,
        ran_at    timestamptz NOT NULL DEFAULT now(),
        worker    text
      )`);
    await q.query(`CREATE INDEX scheduled_run_idx ON scheduled_run (scheduler, slot)`);

    // rate-limiter-flexible's table layout, for sign-in limits without Redis.
    await q.query(
      `CREATE TABLE signin_limit (key varchar(255) PRIMARY KEY, points integer NOT NULL DEFAULT 0, expire bigint)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'signin_limit',
      'scheduled_run',
      'notification',
      'delivery',
      'notification_settings',
      'reminder',
      'reminder_policy',
      'deadline',
    ]) {
      await q.query(`DROP TABLE ${t}`);
    }
    await q.query(`ALTER TABLE plan DROP COLUMN progress_report_due`);
    await q.query(`ALTER TABLE outbox DROP COLUMN job_id`);
  }
}
