import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The tables besides `rollup` whose rows a roll-up answer shows: the scale, policy titles, units and their names. */
const LABEL_TABLES = ['status_scale', 'plan_policy', 'org_unit', 'org_unit_name', 'org_unit_succession'];

/**
 * Versions of what a roll-up read shows, so that the API may keep an answer in memory and
 * know with one primary-key read whether it is still the answer: `rollup_version` per
 * plan-year, changed by every statement that writes that plan-year's `rollup` rows (the
 * recount, or anything else), and the one-row `rollup_labels` changed at the commit of every
 * transaction that wrote the tables the answer takes its labels from (and by a TRUNCATE of `rollup`). Both are written
 * in the writer's transaction, so a reader sees a new version exactly when it can see the new
 * rows; the values come from one sequence, so a version is never used twice (no ABA after a
 * row is dropped and made again), and readers only compare them for equality.
 */
export class RollupVersions1764770000000 implements MigrationInterface {
  name = 'RollupVersions1764770000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE SEQUENCE rollup_version_seq`);
    // No foreign key: the rows of a deleted plan's rollup go by cascade, and this trigger still records them.
    await q.query(`
      CREATE TABLE rollup_version (
        plan_id     uuid NOT NULL,
        fiscal_year integer NOT NULL,
        version     bigint NOT NULL DEFAULT nextval('rollup_version_seq'),
        PRIMARY KEY (plan_id, fiscal_year)
      )`);
    await q.query(`INSERT INTO rollup_version (plan_id, fiscal_year) SELECT DISTINCT plan_id, fiscal_year FROM rollup`);
    await q.query(`
      CREATE TABLE rollup_labels (
        only_row boolean PRIMARY KEY DEFAULT true CHECK (only_row),
        version  bigint NOT NULL DEFAULT nextval('rollup_version_seq')
      )`);
    await q.query(`INSERT INTO rollup_labels DEFAULT VALUES`);

    // Statement-level with transition tables: a recount (one DELETE, one INSERT) changes each
    // plan-year's version twice, whatever the number of rows.
    await q.query(`
      CREATE FUNCTION rollup_rows_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
          INSERT INTO rollup_version (plan_id, fiscal_year)
          SELECT DISTINCT plan_id, fiscal_year FROM new_rows
          ON CONFLICT (plan_id, fiscal_year) DO UPDATE SET version = nextval('rollup_version_seq');
        END IF;
        IF TG_OP IN ('DELETE', 'UPDATE') THEN
          INSERT INTO rollup_version (plan_id, fiscal_year)
          SELECT DISTINCT plan_id, fiscal_year FROM old_rows
          ON CONFLICT (plan_id, fiscal_year) DO UPDATE SET version = nextval('rollup_version_seq');
        END IF;
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER rollup_inserted AFTER INSERT ON rollup REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_rows_changed()`,
    );
    await q.query(
      `CREATE TRIGGER rollup_updated AFTER UPDATE ON rollup REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_rows_changed()`,
    );
    await q.query(
      `CREATE TRIGGER rollup_deleted AFTER DELETE ON rollup REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION rollup_rows_changed()`,
    );

    await q.query(`
      CREATE FUNCTION rollup_labels_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE rollup_labels SET version = nextval('rollup_version_seq');
        RETURN NULL;
      END $$`);
    await q.query(
      `CREATE TRIGGER rollup_truncated AFTER TRUNCATE ON rollup FOR EACH STATEMENT EXECUTE FUNCTION rollup_labels_changed()`,
    );
    // Deferred to COMMIT: the one row's lock is taken last, by a transaction that waits for nothing
    // else afterwards, so two transactions editing units or policies in different orders cannot
    // deadlock on it (an immediate trigger would hold it while the rest of the transaction runs).
    // A transaction that writes these tables and then alters them (a migration) runs
    // SET CONSTRAINTS ALL IMMEDIATE first: PostgreSQL refuses DDL on a table with pending trigger events.
    for (const table of LABEL_TABLES) {
      await q.query(
        `CREATE CONSTRAINT TRIGGER ${table}_rollup_labels AFTER INSERT OR UPDATE OR DELETE ON ${table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION rollup_labels_changed()`,
      );
      await q.query(
        `CREATE TRIGGER ${table}_rollup_labels_truncated AFTER TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION rollup_labels_changed()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of LABEL_TABLES) {
      await q.query(`DROP TRIGGER ${table}_rollup_labels_truncated ON ${table}`);
      await q.query(`DROP TRIGGER ${table}_rollup_labels ON ${table}`);
    }
    for (const trigger of ['rollup_truncated', 'rollup_deleted', 'rollup_updated', 'rollup_inserted'])
      await q.query(`DROP TRIGGER ${trigger} ON rollup`);
    await q.query(`DROP FUNCTION rollup_labels_changed()`);
    await q.query(`DROP FUNCTION rollup_rows_changed()`);
    await q.query(`DROP TABLE rollup_labels`);
    await q.query(`DROP TABLE rollup_version`);
    await q.query(`DROP SEQUENCE rollup_version_seq`);
  }
}
