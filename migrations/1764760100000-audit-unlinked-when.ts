import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An audit entry's insert no longer calls PL/pgSQL when the writer stated only the content,
 * which every writer of ours does (issue 15: the trigger was ~35 µs of every transition's
 * statement). `written` takes its place in the write order from its column default, and the
 * trigger fires only WHEN the row carries anything else: a link (seq, prev_hash, hash,
 * sealed_at) or a `written` the default did not just hand out in this session (currval). Then
 * the function does what it always did: clears the links and takes the next `written` itself.
 * A writer that names `written` in a session that never drew from the sequence is refused by
 * currval. So the rule stands as before, for the apps' role and the owner alike: the place
 * of an entry in the chain is never the writer's to say.
 *
 * The unsealed entries' index becomes unique on `written`: two entries waiting to be sealed
 * can never share a place in the write order (a writer repeating the value currval still
 * holds would otherwise slip through the WHEN).
 */
export class AuditUnlinkedWhen1764760100000 implements MigrationInterface {
  name = 'AuditUnlinkedWhen1764760100000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE audit_log ALTER COLUMN written SET DEFAULT nextval('audit_log_written_seq')`);
    await q.query(`DROP TRIGGER audit_log_unlinked ON audit_log`);
    await q.query(`
      CREATE TRIGGER audit_log_unlinked BEFORE INSERT ON audit_log FOR EACH ROW
      WHEN (NEW.seq IS NOT NULL OR NEW.prev_hash IS NOT NULL OR NEW.hash IS NOT NULL OR NEW.sealed_at IS NOT NULL
            OR NEW.written IS DISTINCT FROM currval('audit_log_written_seq'))
      EXECUTE FUNCTION audit_log_unlinked()`);
    await q.query(`DROP INDEX audit_log_unsealed_idx`);
    await q.query(`CREATE UNIQUE INDEX audit_log_unsealed_idx ON audit_log (written) WHERE seq IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX audit_log_unsealed_idx`);
    await q.query(`CREATE INDEX audit_log_unsealed_idx ON audit_log (written) WHERE seq IS NULL`);
    await q.query(`DROP TRIGGER audit_log_unlinked ON audit_log`);
    await q.query(
      `CREATE TRIGGER audit_log_unlinked BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_unlinked()`,
    );
    await q.query(`ALTER TABLE audit_log ALTER COLUMN written DROP DEFAULT`);
  }
}
