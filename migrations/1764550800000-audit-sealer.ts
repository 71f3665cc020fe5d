import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit chain is linked after commit by a sealer instead of at commit by a deferred
 * trigger. The trigger locked the chain head in every transaction's commit, so every state
 * change in the city queued on one row; now a writer only inserts its entry, and the sealer
 * (one at a time, never waiting for a request) links what has become visible, pass by pass.
 * An entry of a slow transaction is not skipped: it is sealed in the first pass after its
 * commit, behind everything that committed before it. The head keeps its meaning: the last
 * sealed entry.
 */
export class AuditSealer1764550800000 implements MigrationInterface {
  name = 'AuditSealer1764550800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER audit_log_link ON audit_log`);
    await q.query(`DROP FUNCTION audit_log_link()`);
    // Insertion order, for entries that become visible in the same pass (one transaction's
    // entries keep the order they were written in). A sequence takes no lock to the commit.
    await q.query(`CREATE SEQUENCE audit_log_written_seq`);
    await q.query(`ALTER TABLE audit_log ADD COLUMN written bigint, ADD COLUMN sealed_at timestamptz`);
    // Entries linked so far keep their order; the owner lifts the append-only trigger for it.
    await q.query(`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`);
    await q.query(`UPDATE audit_log SET written = seq, sealed_at = occurred_at`);
    await q.query(`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`);
    await q.query(`SELECT setval('audit_log_written_seq', coalesce((SELECT max(seq) FROM audit_log), 0) + 1, false)`);
    await q.query(`CREATE INDEX audit_log_unsealed_idx ON audit_log (written) WHERE seq IS NULL`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := NULL; NEW.prev_hash := NULL; NEW.hash := NULL; NEW.sealed_at := NULL;
        NEW.written := nextval('audit_log_written_seq');
        RETURN NEW;
      END $$`);
    // SECURITY DEFINER: the apps' role may not update the log; only this function, as the
    // owner, fills in the links. SKIP LOCKED: a second sealer finds the head taken and leaves.
    await q.query(`
      CREATE FUNCTION audit_log_seal(max_entries integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE head_seq bigint; head_hash bytea; next_hash bytea; entry record; sealed integer := 0;
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN RETURN 0; END IF;
        PERFORM set_config('kaikaku.audit_linking', 'on', true);
        FOR entry IN SELECT id, content_hash FROM audit_log WHERE seq IS NULL ORDER BY written LIMIT max_entries LOOP
          next_hash := sha256(head_hash || entry.content_hash);
          head_seq := head_seq + 1;
          UPDATE audit_log SET seq = head_seq, prev_hash = head_hash, hash = next_hash, sealed_at = clock_timestamp() WHERE id = entry.id;
          UPDATE audit_chain_head SET seq = head_seq, hash = next_hash WHERE id = 1;
          head_hash := next_hash;
          sealed := sealed + 1;
        END LOOP;
        PERFORM set_config('kaikaku.audit_linking', 'off', true);
        RETURN sealed;
      END $$`);
    // The link being filled in is the one update allowed (sealed_at with it), content untouched.
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('kaikaku.audit_linking', true) = 'on' AND OLD.seq IS NULL
           AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_username, NEW.entity_type, NEW.entity_id, NEW.action,
                NEW.from_state, NEW.to_state, NEW.details, NEW.content_hash, NEW.written)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_username, OLD.entity_type, OLD.entity_id, OLD.action,
                OLD.from_state, OLD.to_state, OLD.details, OLD.content_hash, OLD.written) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION audit_log_seal(integer)`);
    await q.query(`DROP INDEX audit_log_unsealed_idx`);
    await q.query(`ALTER TABLE audit_log DROP COLUMN written, DROP COLUMN sealed_at`);
    await q.query(`DROP SEQUENCE audit_log_written_seq`);
  }
}
