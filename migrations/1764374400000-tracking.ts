import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tracking after adoption: each plan's status scale, progress reports per initiative and
 * fiscal year (following the progress-report workflow), indicators (検証指標) with their
 * measurements, roll-up counts kept current by jobs, and frozen snapshots for the council.
 */
export class Tracking1764374400000 implements MigrationInterface {
  name = 'Tracking1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE initiative ADD COLUMN source text NOT NULL DEFAULT 'proposal' CHECK (source IN ('proposal', 'import'))`,
    );
    await q.query(`ALTER TABLE initiative ADD COLUMN note text NOT NULL DEFAULT ''`);
    await q.query(`CREATE INDEX initiative_plan_policy_idx ON initiative (plan_id, policy_id)`);

    await q.query(`
      CREATE TABLE status_scale (
        plan_id    uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        code       text NOT NULL CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
        label_ja   text NOT NULL,
        normalized text NOT NULL CHECK (normalized IN ('ahead', 'on_track', 'delayed', 'changed', 'not_started', 'completed', 'cancelled')),
        position   integer NOT NULL,
        colour     text NOT NULL DEFAULT '#999999' CHECK (colour ~ '^#[0-9A-Fa-f]{6}$'),
        PRIMARY KEY (plan_id, code),
        UNIQUE (plan_id, label_ja)
      )`);

    await q.query(`
      CREATE TABLE progress_report (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        initiative_id    uuid NOT NULL REFERENCES initiative (id) ON DELETE CASCADE,
        plan_id          uuid NOT NULL REFERENCES plan (id),
        fiscal_year      integer NOT NULL,
        period           text NOT NULL DEFAULT 'annual' CHECK (period IN ('annual', 'midyear')),
        status_code      text NOT NULL,
        narrative        text NOT NULL DEFAULT '',
        reason           text NOT NULL DEFAULT '',
        planned_amount   bigint,
        actual_amount    bigint,
        state            text NOT NULL,
        workflow_name    text NOT NULL,
        workflow_version integer NOT NULL,
        submitted_at     timestamptz,
        confirmed_at     timestamptz,
        created_by       uuid REFERENCES app_user (id),
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        UNIQUE (initiative_id, fiscal_year, period),
        FOREIGN KEY (plan_id, status_code) REFERENCES status_scale (plan_id, code),
        FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflow_definition (name, version)
      )`);
    await q.query(
      `CREATE INDEX progress_report_rollup_idx ON progress_report (plan_id, fiscal_year, period) WHERE state = 'confirmed'`,
    );

    await q.query(`
      CREATE TABLE indicator (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id         uuid NOT NULL REFERENCES plan (id),
        code            text NOT NULL,
        name            text NOT NULL,
        unit            text NOT NULL DEFAULT '',
        decimals        integer NOT NULL DEFAULT 0 CHECK (decimals BETWEEN 0 AND 6),
        direction       text NOT NULL CHECK (direction IN ('higher_better', 'lower_better', 'ceiling')),
        baseline_year   integer NOT NULL,
        baseline_value  numeric NOT NULL,
        target_year     integer NOT NULL,
        target_value    numeric NOT NULL,
        -- The grading rule: the relative band around the baseline that counts as no real change (B).
        grading_band    numeric NOT NULL DEFAULT 0.1 CHECK (grading_band >= 0 AND grading_band < 1),
        version         integer NOT NULL DEFAULT 1,
        created_at      timestamptz NOT NULL DEFAULT now(),
        updated_at      timestamptz NOT NULL DEFAULT now(),
        UNIQUE (plan_id, code)
      )`);
    await q.query(`
      CREATE TABLE measurement (
        indicator_id uuid NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
        fiscal_year  integer NOT NULL,
        value        numeric NOT NULL,
        note         text NOT NULL DEFAULT '',
        recorded_by  uuid REFERENCES app_user (id),
        recorded_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (indicator_id, fiscal_year)
      )`);
    await q.query(`
      CREATE TABLE initiative_indicator (
        initiative_id uuid NOT NULL REFERENCES initiative (id) ON DELETE CASCADE,
        indicator_id  uuid NOT NULL REFERENCES indicator (id) ON DELETE CASCADE,
        PRIMARY KEY (initiative_id, indicator_id)
      )`);

    // Confirmed annual reports counted by status × policy × unit, per plan and fiscal year;
    // rebuilt per (plan, year) by a job after each confirmation and every night.
    await q.query(`
      CREATE TABLE rollup (
        plan_id      uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        fiscal_year  integer NOT NULL,
        policy_id    uuid,
        org_unit_id  uuid NOT NULL,
        status_code  text NOT NULL,
        count        integer NOT NULL,
        refreshed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE UNIQUE INDEX rollup_key ON rollup (plan_id, fiscal_year, coalesce(policy_id, '00000000-0000-0000-0000-000000000000'::uuid), org_unit_id, status_code)`,
    );

    await q.query(`
      CREATE TABLE rollup_snapshot (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id     uuid NOT NULL REFERENCES plan (id),
        fiscal_year integer NOT NULL,
        title       text NOT NULL,
        meeting_id  uuid REFERENCES meeting (id),
        taken_at    timestamptz NOT NULL DEFAULT now(),
        taken_by    uuid REFERENCES app_user (id),
        content     jsonb NOT NULL,
        content_hash text NOT NULL
      )`);
    // A snapshot is a record of what the council was told: it never changes.
    await q.query(`
      CREATE FUNCTION rollup_snapshot_is_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'rollup_snapshot is frozen: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER rollup_snapshot_frozen BEFORE UPDATE OR DELETE ON rollup_snapshot FOR EACH ROW EXECUTE FUNCTION rollup_snapshot_is_frozen()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of [
      'rollup_snapshot',
      'rollup',
      'initiative_indicator',
      'measurement',
      'indicator',
      'progress_report',
      'status_scale',
    ])
      await q.query(`DROP TABLE ${t}`);
    await q.query(`DROP FUNCTION rollup_snapshot_is_frozen()`);
    await q.query(`DROP INDEX initiative_plan_policy_idx`);
    await q.query(`ALTER TABLE initiative DROP COLUMN note`);
    await q.query(`ALTER TABLE initiative DROP COLUMN source`);
  }
}
