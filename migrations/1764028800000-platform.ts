import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The platform's own tables: the outbox and the pipeline probe. */
export class Platform1764028800000 implements MigrationInterface {
  name = 'Platform1764028800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        queue        text NOT NULL,
        job_name     text NOT NULL,
        payload      jsonb NOT NULL,
        run_at       timestamptz,
        request_id   text,
        created_at   timestamptz NOT NULL DEFAULT now(),
        available_at timestamptz NOT NULL DEFAULT now(),
        sent_at      timestamptz,
        attempts     integer NOT NULL DEFAULT 0,
        last_error   text
      )`);
    // The relay reads only unsent rows, oldest first: keep that index small.
    await q.query(`CREATE INDEX outbox_pending_idx ON outbox (available_at, created_at) WHERE sent_at IS NULL`);
    await q.query(`
      CREATE TABLE system_probe (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        hold_ms         integer NOT NULL DEFAULT 0 CHECK (hold_ms >= 0),
        requested_at    timestamptz NOT NULL DEFAULT now(),
        started_at      timestamptz,
        processed_at    timestamptz,
        processed_count integer NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE system_probe`);
    await q.query(`DROP TABLE outbox`);
  }
}
