import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The organisation over time (機構改革): units renamed, merged (A + B → C) or split on a date.
 * Records keep the unit they belonged to; a unit's names are kept with their periods and a
 * succession links a unit to the one(s) that took it over, so any date's organisation, and
 * the name a unit bore then, can be read back.
 */
export class Reorganisation1764680100000 implements MigrationInterface {
  name = 'Reorganisation1764680100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE org_unit ADD COLUMN valid_from timestamptz, ADD COLUMN valid_until timestamptz`);
    await q.query(`
      CREATE TABLE org_reorganisation (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        kind          text NOT NULL CHECK (kind IN ('rename', 'merge', 'split')),
        effective_on  date NOT NULL,
        effective_at  timestamptz NOT NULL,
        status        text NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'applied')),
        details       jsonb NOT NULL DEFAULT '{}',
        created_by    uuid REFERENCES app_user (id) ON DELETE SET NULL,
        created_at    timestamptz NOT NULL DEFAULT now(),
        applied_at    timestamptz,
        CHECK ((status = 'applied') = (applied_at IS NOT NULL))
      )`);
    await q.query(
      `CREATE INDEX org_reorganisation_due_idx ON org_reorganisation (effective_at) WHERE status = 'scheduled'`,
    );
    await q.query(`
      CREATE TABLE org_unit_name (
        unit_id          uuid NOT NULL REFERENCES org_unit (id) ON DELETE CASCADE,
        name_ja          text NOT NULL,
        name_en          text NOT NULL,
        valid_from       timestamptz,
        reorganisation_id uuid REFERENCES org_reorganisation (id) ON DELETE CASCADE,
        UNIQUE (unit_id, valid_from)
      )`);
    await q.query(`
      CREATE TABLE org_unit_succession (
        predecessor_id    uuid NOT NULL REFERENCES org_unit (id),
        successor_id      uuid NOT NULL REFERENCES org_unit (id),
        effective_at      timestamptz NOT NULL,
        -- A split's open work goes to its primary successor.
        is_primary        boolean NOT NULL DEFAULT true,
        reorganisation_id uuid NOT NULL REFERENCES org_reorganisation (id) ON DELETE CASCADE,
        PRIMARY KEY (predecessor_id, successor_id),
        CHECK (predecessor_id <> successor_id)
      )`);
    await q.query(`CREATE INDEX org_unit_succession_successor_idx ON org_unit_succession (successor_id)`);

    // The name a unit bore at an instant (its first recorded name before any rename).
    await q.query(`
      CREATE FUNCTION org_unit_name_at(p_unit uuid, p_at timestamptz) RETURNS text LANGUAGE sql STABLE AS $$
        SELECT coalesce(
          (SELECT n.name_ja FROM org_unit_name n WHERE n.unit_id = p_unit AND coalesce(n.valid_from, '-infinity') <= p_at
            ORDER BY coalesce(n.valid_from, '-infinity') DESC LIMIT 1),
          (SELECT name_ja FROM org_unit WHERE id = p_unit))
      $$`);
    // The unit that stands for p_unit in the organisation of an instant: p_unit itself, or its
    // successor (the primary one of a split), and theirs, as far as reorganisations took effect by then.
    await q.query(`
      CREATE FUNCTION org_unit_in_force_at(p_unit uuid, p_at timestamptz) RETURNS uuid LANGUAGE sql STABLE AS $$
        WITH RECURSIVE chain(unit, depth) AS (
          SELECT p_unit, 0
          UNION ALL
          SELECT s.successor_id, c.depth + 1 FROM chain c
            JOIN LATERAL (SELECT successor_id FROM org_unit_succession s
                           WHERE s.predecessor_id = c.unit AND s.effective_at <= p_at
                           ORDER BY s.is_primary DESC, s.successor_id LIMIT 1) s ON true
           WHERE c.depth < 32)
        SELECT unit FROM chain ORDER BY depth DESC LIMIT 1
      $$`);
    for (const table of ['org_unit_succession', 'org_reorganisation']) {
      await q.query(
        `CREATE TRIGGER ${table}_identity_changed AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION identity_changed()`,
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION org_unit_in_force_at(uuid, timestamptz)`);
    await q.query(`DROP FUNCTION org_unit_name_at(uuid, timestamptz)`);
    await q.query(`DROP TABLE org_unit_succession`);
    await q.query(`DROP TABLE org_unit_name`);
    await q.query(`DROP TABLE org_reorganisation`);
    await q.query(`ALTER TABLE org_unit DROP COLUMN valid_from, DROP COLUMN valid_until`);
  }
}
