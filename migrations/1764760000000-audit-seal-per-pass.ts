import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit log's database work per entry, cut without loosening a rule (issue 15):
 *
 * - The sealer links a pass's entries with ONE update of the log and ONE move of the chain
 *   head, instead of two single-row updates per entry: the links are computed in the loop,
 *   written together. The head's trigger lets it move forward by a whole pass, but only onto
 *   an entry that is linked with exactly that hash, so it still cannot be wound back (to fork
 *   the chain) nor set to a hash the log does not hold, which the old one-step rule allowed.
 * - `seq` is unique among linked entries only (a partial index): an entry is inserted
 *   unlinked, so its insert no longer adds a NULL to that index; every reader of `seq`
 *   compares it with a value, which the partial index answers.
 */
export class AuditSealPerPass1764760000000 implements MigrationInterface {
  name = 'AuditSealPerPass1764760000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_seal(max_entries integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE head_seq bigint; head_hash bytea; entry record; n integer := 0;
              ids uuid[] := '{}'; prevs bytea[] := '{}'; hashes bytea[] := '{}';
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE SKIP LOCKED;
        IF NOT FOUND THEN RETURN 0; END IF;
        FOR entry IN SELECT id, content_hash FROM audit_log WHERE seq IS NULL ORDER BY written LIMIT max_entries LOOP
          n := n + 1;
          ids[n] := entry.id;
          prevs[n] := head_hash;
          head_hash := sha256(head_hash || entry.content_hash);
          hashes[n] := head_hash;
        END LOOP;
        IF n = 0 THEN RETURN 0; END IF;
        PERFORM set_config('kaikaku.audit_linking', 'on', true);
        UPDATE audit_log l SET seq = head_seq + s.i, prev_hash = s.prev_hash, hash = s.hash, sealed_at = clock_timestamp()
          FROM unnest(ids, prevs, hashes) WITH ORDINALITY AS s(id, prev_hash, hash, i)
         WHERE l.id = s.id;
        UPDATE audit_chain_head SET seq = head_seq + n, hash = head_hash WHERE id = 1;
        PERFORM set_config('kaikaku.audit_linking', 'off', true);
        RETURN n;
      END $$`);

    await q.query(`
      CREATE OR REPLACE FUNCTION audit_chain_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id OR NEW.seq <= OLD.seq
           OR NOT EXISTS (SELECT 1 FROM audit_log WHERE seq = NEW.seq AND hash = NEW.hash) THEN
          RAISE EXCEPTION 'audit_chain_head only advances, onto the entry last linked' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);

    await q.query(`ALTER TABLE audit_log DROP CONSTRAINT audit_log_seq_key`);
    await q.query(`CREATE UNIQUE INDEX audit_log_seq_key ON audit_log (seq) WHERE seq IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_seq_key`);
    await q.query(`ALTER TABLE audit_log ADD CONSTRAINT audit_log_seq_key UNIQUE (seq)`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_chain_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
          RAISE EXCEPTION 'audit_chain_head only advances by one entry' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`
      CREATE OR REPLACE FUNCTION audit_log_seal(max_entries integer) RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
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
  }
}
