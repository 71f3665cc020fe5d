import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Refresh tokens of browser sessions. Only the SHA-256 of a token is kept. Every token
 * descends from one sign-in (its family); each use rotates it (rotated_at set, a child
 * issued), so a second use of a rotated token is reuse and revokes the whole family.
 */
export class BrowserSessions1764547200000 implements MigrationInterface {
  name = 'BrowserSessions1764547200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE refresh_token (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id        uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        family_id      uuid NOT NULL,
        parent_id      uuid REFERENCES refresh_token (id) ON DELETE CASCADE,
        token_hash     bytea NOT NULL UNIQUE,
        created_at     timestamptz NOT NULL DEFAULT now(),
        expires_at     timestamptz NOT NULL,
        rotated_at     timestamptz,
        revoked_at     timestamptz,
        revoked_reason text CHECK (revoked_reason IN ('signed_out', 'reuse', 'user_disabled')),
        CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
      )`);
    await q.query(`CREATE INDEX refresh_token_family_idx ON refresh_token (family_id)`);
    await q.query(`CREATE INDEX refresh_token_live_user_idx ON refresh_token (user_id) WHERE revoked_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE refresh_token`);
  }
}
