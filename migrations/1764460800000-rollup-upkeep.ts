import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * When each plan-year's roll-up was last recounted, and an index to find the progress
 * reports changed since: the periodic roll-up reconciliation recounts what a lost queue job
 * (Redis emptied, a job given up) left stale, from PostgreSQL alone.
 */
export class RollupUpkeep1764460800000 implements MigrationInterface {
  name = 'RollupUpkeep1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE rollup_refresh (
        plan_id      uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        fiscal_year  integer NOT NULL,
        refreshed_at timestamptz NOT NULL,
        PRIMARY KEY (plan_id, fiscal_year)
      )`);
    await q.query(`CREATE INDEX progress_report_updated_idx ON progress_report (updated_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX progress_report_updated_idx`);
    await q.query(`DROP TABLE rollup_refresh`);
  }
}
