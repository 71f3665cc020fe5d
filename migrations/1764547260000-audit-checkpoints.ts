import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Signed checkpoints of the audit log (libs/platform/src/audit/audit-checkpoints.ts): the chain
 * head at a sequence number, signed with a key the database does not hold. Append-only for the
 * apps' role, like the log itself; the exported files are the anchors that count.
 */
export class AuditCheckpoints1764547260000 implements MigrationInterface {
  name = 'AuditCheckpoints1764547260000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE audit_checkpoint (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        seq        bigint NOT NULL CHECK (seq >= 0),
        head_hash  bytea NOT NULL CHECK (length(head_hash) = 32),
        signed_at  timestamptz NOT NULL,
        key_id     text NOT NULL,
        signature  bytea NOT NULL,
        reason     text NOT NULL CHECK (reason IN ('scheduled', 'on_demand')),
        created_by uuid REFERENCES app_user (id)
      )`);
    await q.query(`CREATE INDEX audit_checkpoint_seq_idx ON audit_checkpoint (seq DESC, signed_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE audit_checkpoint`);
  }
}
