import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * People over time (人事異動): grants get a validity period, a person gets an employee number
 * (職員番号, the key the personnel system's files use), and transfers are entered ahead of their
 * date (発令日). A transfer's grants are written when it is entered, valid from 00:00 JST of its
 * date, so access changes at that instant on every instance whether or not a job ran; the
 * midnight job then moves the person's unit (app_user.org_unit_id) and records it.
 */
export class PersonnelTransfers1764680000000 implements MigrationInterface {
  name = 'PersonnelTransfers1764680000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE app_user ADD COLUMN employee_number text CHECK (employee_number ~ '^[A-Za-z0-9-]{1,32}$')`,
    );
    await q.query(
      `CREATE UNIQUE INDEX app_user_employee_number_key ON app_user (employee_number) WHERE employee_number IS NOT NULL`,
    );

    await q.query(`
      CREATE TABLE personnel_transfer (
        id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id         uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        from_unit_id    uuid NOT NULL REFERENCES org_unit (id),
        to_unit_id      uuid NOT NULL REFERENCES org_unit (id),
        role            text NOT NULL,
        effective_on    date NOT NULL,
        effective_at    timestamptz NOT NULL,
        status          text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'applied', 'cancelled')),
        created_by      uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at      timestamptz NOT NULL DEFAULT now(),
        applied_at      timestamptz,
        CHECK (from_unit_id <> to_unit_id),
        CHECK ((status = 'applied') = (applied_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE UNIQUE INDEX personnel_transfer_one_a_day ON personnel_transfer (user_id, effective_on) WHERE status <> 'cancelled'`,
    );
    await q.query(
      `CREATE INDEX personnel_transfer_due_idx ON personnel_transfer (effective_at) WHERE status = 'scheduled'`,
    );

    await q.query(`ALTER TABLE role_grant ADD COLUMN valid_from timestamptz, ADD COLUMN valid_until timestamptz,
                     ADD COLUMN transfer_id uuid REFERENCES personnel_transfer (id) ON DELETE CASCADE,
                     ADD CHECK (valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from)`);
    await q.query(`ALTER TABLE role_grant DROP CONSTRAINT role_grant_user_id_role_org_unit_id_key`);
    await q.query(
      `CREATE UNIQUE INDEX role_grant_period_key ON role_grant (user_id, role, org_unit_id, coalesce(valid_from, '-infinity'::timestamptz))`,
    );

    // The unit a person belongs to at an instant: a transfer that took effect but was not yet
    // recorded by the midnight job counts already.
    await q.query(`
      CREATE FUNCTION org_unit_of_user_at(p_user uuid, p_recorded uuid, p_at timestamptz) RETURNS uuid
      LANGUAGE sql STABLE AS $$
        SELECT coalesce((SELECT t.to_unit_id FROM personnel_transfer t
                          WHERE t.user_id = p_user AND t.status = 'scheduled' AND t.effective_at <= p_at
                          ORDER BY t.effective_at DESC LIMIT 1), p_recorded)
      $$`);
    await q.query(
      `CREATE TRIGGER personnel_transfer_identity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON personnel_transfer FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION org_unit_of_user_at(uuid, uuid, timestamptz)`);
    await q.query(`DROP INDEX role_grant_period_key`);
    await q.query(
      `DELETE FROM role_grant WHERE transfer_id IS NOT NULL OR (valid_until IS NOT NULL AND valid_until <= now())`,
    );
    await q.query(`ALTER TABLE role_grant DROP COLUMN transfer_id, DROP COLUMN valid_from, DROP COLUMN valid_until`);
    await q.query(`ALTER TABLE role_grant ADD UNIQUE (user_id, role, org_unit_id)`);
    await q.query(`DROP TABLE personnel_transfer`);
    await q.query(`DROP INDEX app_user_employee_number_key`);
    await q.query(`ALTER TABLE app_user DROP COLUMN employee_number`);
  }
}
