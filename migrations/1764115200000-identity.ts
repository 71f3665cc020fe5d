import type { MigrationInterface, QueryRunner } from 'typeorm';

/** Organisation units, users, role grants, personal API tokens and security events. */
export class Identity1764115200000 implements MigrationInterface {
  name = 'Identity1764115200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE org_unit (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code       text NOT NULL UNIQUE CHECK (code ~ '^[a-z][a-z0-9_.-]{0,63}$'),
        name_ja    text NOT NULL,
        name_en    text NOT NULL,
        kind       text NOT NULL CHECK (kind IN ('city', 'bureau', 'ward', 'division')),
        parent_id  uuid REFERENCES org_unit (id),
        active     boolean NOT NULL DEFAULT true,
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'city') = (parent_id IS NULL))
      )`);
    await q.query(`CREATE INDEX org_unit_parent_idx ON org_unit (parent_id)`);

    await q.query(`
      CREATE TABLE app_user (
        id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        username      text NOT NULL CHECK (username ~ '^[a-z0-9][a-z0-9_.-]{1,63}$'),
        display_name  text NOT NULL,
        email         text,
        password_hash text,
        org_unit_id   uuid NOT NULL REFERENCES org_unit (id),
        active        boolean NOT NULL DEFAULT true,
        version       integer NOT NULL DEFAULT 1,
        created_at    timestamptz NOT NULL DEFAULT now(),
        updated_at    timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX app_user_username_key ON app_user (username)`);

    await q.query(`
      CREATE TABLE role_grant (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id     uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        role        text NOT NULL CHECK (role IN ('admin', 'secretariat', 'bureau_editor', 'bureau_approver', 'committee_reviewer', 'hq_member', 'viewer')),
        org_unit_id uuid NOT NULL REFERENCES org_unit (id),
        created_at  timestamptz NOT NULL DEFAULT now(),
        UNIQUE (user_id, role, org_unit_id)
      )`);
    await q.query(`CREATE INDEX role_grant_unit_idx ON role_grant (org_unit_id)`);

    await q.query(`
      CREATE TABLE api_token (
        id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        user_id      uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
        name         text NOT NULL,
        token_hash   bytea NOT NULL UNIQUE,
        prefix       text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        expires_at   timestamptz,
        last_used_at timestamptz,
        revoked_at   timestamptz
      )`);
    await q.query(`CREATE INDEX api_token_user_idx ON api_token (user_id)`);

    await q.query(`
      CREATE TABLE security_event (
        id               bigserial PRIMARY KEY,
        kind             text NOT NULL,
        occurred_at      timestamptz NOT NULL DEFAULT now(),
        actor_user_id    uuid REFERENCES app_user (id) ON DELETE SET NULL,
        subject_user_id  uuid REFERENCES app_user (id) ON DELETE SET NULL,
        username         text,
        source_address   text,
        user_agent       text,
        request_id       text,
        details          jsonb NOT NULL DEFAULT '{}'
      )`);
    await q.query(`CREATE INDEX security_event_time_idx ON security_event (occurred_at DESC)`);
    await q.query(`CREATE INDEX security_event_kind_idx ON security_event (kind, occurred_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE security_event`);
    await q.query(`DROP TABLE api_token`);
    await q.query(`DROP TABLE role_grant`);
    await q.query(`DROP TABLE app_user`);
    await q.query(`DROP TABLE org_unit`);
  }
}
