import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * 代決: a person names a deputy for a period (calendar days in Japan, both inclusive; kept
 * also as the instants [starts_at, ends_at) the period runs between, which the application
 * compares with its clock). A cancelled period stays, for the record. Naming or cancelling
 * one changes what the deputy may do, so it notifies the principal caches like a grant does.
 *
 * 後閲: the decisions taken for someone are their audit entries (details.onBehalfOf); the
 * absent person's "seen" marks are rows of their own, since the audit log is append-only.
 */
export class Deputies1764660000000 implements MigrationInterface {
  name = 'Deputies1764660000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deputy_assignment (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        absent_user_id  uuid NOT NULL REFERENCES app_user (id),
        deputy_user_id  uuid NOT NULL REFERENCES app_user (id),
        starts_on       date NOT NULL,
        ends_on         date NOT NULL,
        starts_at       timestamptz NOT NULL,
        ends_at         timestamptz NOT NULL,
        reason          text NOT NULL DEFAULT '',
        created_by      uuid NOT NULL REFERENCES app_user (id),
        created_at      timestamptz NOT NULL DEFAULT now(),
        cancelled_at    timestamptz,
        cancelled_by    uuid REFERENCES app_user (id),
        CHECK (absent_user_id <> deputy_user_id),
        CHECK (ends_on >= starts_on),
        CHECK (ends_at > starts_at),
        CHECK ((cancelled_at IS NULL) = (cancelled_by IS NULL))
      )`);
    await q.query(
      `CREATE INDEX deputy_assignment_deputy_idx ON deputy_assignment (deputy_user_id, ends_at) WHERE cancelled_at IS NULL`,
    );
    await q.query(
      `CREATE INDEX deputy_assignment_absent_idx ON deputy_assignment (absent_user_id, ends_at) WHERE cancelled_at IS NULL`,
    );
    await q.query(
      `CREATE TRIGGER deputy_assignment_identity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deputy_assignment FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`,
    );
    await q.query(`
      CREATE TABLE deputy_decision_seen (
        audit_entry_id uuid PRIMARY KEY REFERENCES audit_log (id),
        user_id        uuid NOT NULL REFERENCES app_user (id),
        seen_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(
      `CREATE INDEX audit_log_on_behalf_of_idx ON audit_log (((details->'onBehalfOf'->>'userId')::uuid), occurred_at) WHERE details ? 'onBehalfOf'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_on_behalf_of_idx`);
    await q.query(`DROP TABLE deputy_decision_seen`);
    await q.query(`DROP TABLE deputy_assignment`);
  }
}
