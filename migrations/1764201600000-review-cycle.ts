import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The yearly decision cycle: the audit log (hash-chained, append-only), idempotency keys,
 * versioned workflow definitions, plans with policies and themes, inquiries (全庁照会) and
 * their target units, proposals with revisions and collaborators, meetings and agendas,
 * and initiatives (取組) created when a proposal is reported to the council.
 */
export class ReviewCycle1764201600000 implements MigrationInterface {
  name = 'ReviewCycle1764201600000';

  async up(q: QueryRunner): Promise<void> {
    // ── audit log ──────────────────────────────────────────────────────────────
    // seq, prev_hash and hash are filled in at COMMIT by a deferred trigger: the chain head
    // is locked only while the transaction commits, so writers queue on it as briefly as
    // possible, and the chain follows commit order.
    await q.query(`
      CREATE TABLE audit_log (
        id             uuid PRIMARY KEY,
        seq            bigint UNIQUE,
        occurred_at    timestamptz NOT NULL,
        actor_user_id  uuid,
        actor_username text,
        entity_type    text NOT NULL,
        entity_id      text NOT NULL,
        action         text NOT NULL,
        from_state     text,
        to_state       text,
        details        jsonb NOT NULL DEFAULT '{}',
        content_hash   bytea NOT NULL,
        prev_hash      bytea,
        hash           bytea
      )`);
    await q.query(`CREATE INDEX audit_log_entity_idx ON audit_log (entity_type, entity_id, occurred_at)`);
    await q.query(`
      CREATE TABLE audit_chain_head (
        id   integer PRIMARY KEY CHECK (id = 1),
        seq  bigint NOT NULL,
        hash bytea NOT NULL
      )`);
    await q.query(`INSERT INTO audit_chain_head (id, seq, hash) VALUES (1, 0, decode(repeat('00', 32), 'hex'))`);
    // Writers state only the content; its place in the chain is never theirs to say.
    await q.query(`
      CREATE FUNCTION audit_log_unlinked() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        NEW.seq := NULL; NEW.prev_hash := NULL; NEW.hash := NULL;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_log_unlinked BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_unlinked()`,
    );
    // Links each new entry to the chain at COMMIT. SECURITY DEFINER: the apps' role may not
    // update the log itself; only this function, as the owner, fills in the link.
    await q.query(`
      CREATE FUNCTION audit_log_link() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
      DECLARE head_seq bigint; head_hash bytea; next_hash bytea;
      BEGIN
        SELECT seq, hash INTO head_seq, head_hash FROM audit_chain_head WHERE id = 1 FOR UPDATE;
        next_hash := sha256(head_hash || NEW.content_hash);
        PERFORM set_config('kaikaku.audit_linking', 'on', true);
        UPDATE audit_log SET seq = head_seq + 1, prev_hash = head_hash, hash = next_hash WHERE id = NEW.id;
        UPDATE audit_chain_head SET seq = head_seq + 1, hash = next_hash WHERE id = 1;
        PERFORM set_config('kaikaku.audit_linking', 'off', true);
        RETURN NULL;
      END $$`);
    await q.query(`
      CREATE CONSTRAINT TRIGGER audit_log_link AFTER INSERT ON audit_log DEFERRABLE INITIALLY DEFERRED
      FOR EACH ROW EXECUTE FUNCTION audit_log_link()`);
    // Second line of defence after the withheld privileges: nobody rewrites history
    // without first disabling this trigger, which only the owner can do (and the chain shows it).
    // The one update allowed is the link being filled in, content untouched.
    await q.query(`
      CREATE FUNCTION audit_log_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'UPDATE' AND current_setting('kaikaku.audit_linking', true) = 'on' AND OLD.seq IS NULL
           AND (NEW.id, NEW.occurred_at, NEW.actor_user_id, NEW.actor_username, NEW.entity_type, NEW.entity_id, NEW.action,
                NEW.from_state, NEW.to_state, NEW.details, NEW.content_hash)
               IS NOT DISTINCT FROM
               (OLD.id, OLD.occurred_at, OLD.actor_user_id, OLD.actor_username, OLD.entity_type, OLD.entity_id, OLD.action,
                OLD.from_state, OLD.to_state, OLD.details, OLD.content_hash) THEN
          RETURN NEW;
        END IF;
        RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_is_append_only()`,
    );
    await q.query(
      `CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
    );
    // The head only ever moves one entry forward: it cannot be wound back to fork the chain.
    await q.query(`
      CREATE FUNCTION audit_chain_head_advances() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.id <> OLD.id OR NEW.seq <> OLD.seq + 1 THEN
          RAISE EXCEPTION 'audit_chain_head only advances by one entry' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(
      `CREATE TRIGGER audit_chain_head_advances BEFORE UPDATE ON audit_chain_head FOR EACH ROW EXECUTE FUNCTION audit_chain_head_advances()`,
    );
    await q.query(
      `CREATE TRIGGER audit_chain_head_kept BEFORE DELETE OR TRUNCATE ON audit_chain_head FOR EACH STATEMENT EXECUTE FUNCTION audit_log_is_append_only()`,
    );

    // ── idempotency keys ───────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE idempotency_key (
        user_id     uuid NOT NULL,
        key         text NOT NULL,
        fingerprint text NOT NULL,
        status      integer,
        response    jsonb,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (user_id, key)
      )`);
    await q.query(`CREATE INDEX idempotency_key_created_idx ON idempotency_key (created_at)`);

    // ── workflow definitions ───────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE workflow_definition (
        name         text NOT NULL,
        version      integer NOT NULL CHECK (version >= 1),
        subject      text NOT NULL CHECK (subject IN ('proposal', 'inquiry', 'progress-report')),
        definition   jsonb NOT NULL,
        content_hash text NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT now(),
        created_by   uuid REFERENCES app_user (id),
        PRIMARY KEY (name, version)
      )`);

    // ── plans ──────────────────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE plan (
        id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        code               text NOT NULL UNIQUE CHECK (code ~ '^[a-z0-9][a-z0-9_.-]{0,63}$'),
        name               text NOT NULL,
        first_fiscal_year  integer NOT NULL CHECK (first_fiscal_year BETWEEN 1989 AND 2200),
        last_fiscal_year   integer NOT NULL,
        mission            text NOT NULL DEFAULT '',
        vision             text NOT NULL DEFAULT '',
        plan_values        text NOT NULL DEFAULT '',
        proposal_workflow  text NOT NULL DEFAULT 'reform-proposal',
        version            integer NOT NULL DEFAULT 1,
        created_at         timestamptz NOT NULL DEFAULT now(),
        updated_at         timestamptz NOT NULL DEFAULT now(),
        CHECK (last_fiscal_year >= first_fiscal_year AND last_fiscal_year - first_fiscal_year < 20)
      )`);
    await q.query(`
      CREATE TABLE plan_policy (
        id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id     uuid NOT NULL REFERENCES plan (id) ON DELETE CASCADE,
        number      integer NOT NULL CHECK (number >= 1),
        title       text NOT NULL,
        description text NOT NULL DEFAULT '',
        UNIQUE (plan_id, number)
      )`);
    await q.query(`
      CREATE TABLE plan_theme (
        id        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        policy_id uuid NOT NULL REFERENCES plan_policy (id) ON DELETE CASCADE,
        number    integer NOT NULL CHECK (number >= 1),
        title     text NOT NULL,
        UNIQUE (policy_id, number)
      )`);

    // ── inquiries (全庁照会) ─────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE inquiry (
        id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id          uuid NOT NULL REFERENCES plan (id),
        title            text NOT NULL,
        description      text NOT NULL DEFAULT '',
        due_date         date NOT NULL,
        state            text NOT NULL,
        workflow_name    text NOT NULL,
        workflow_version integer NOT NULL,
        created_by       uuid REFERENCES app_user (id),
        opened_at        timestamptz,
        closed_at        timestamptz,
        version          integer NOT NULL DEFAULT 1,
        created_at       timestamptz NOT NULL DEFAULT now(),
        updated_at       timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflow_definition (name, version)
      )`);
    await q.query(`CREATE INDEX inquiry_plan_idx ON inquiry (plan_id)`);
    await q.query(`
      CREATE TABLE inquiry_target (
        inquiry_id         uuid NOT NULL REFERENCES inquiry (id) ON DELETE CASCADE,
        org_unit_id        uuid NOT NULL REFERENCES org_unit (id),
        nil_return_at      timestamptz,
        nil_return_by      uuid REFERENCES app_user (id),
        nil_return_comment text,
        PRIMARY KEY (inquiry_id, org_unit_id)
      )`);

    // ── proposals ──────────────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE proposal (
        id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        inquiry_id           uuid NOT NULL REFERENCES inquiry (id),
        plan_id              uuid NOT NULL REFERENCES plan (id),
        owning_unit_id       uuid NOT NULL REFERENCES org_unit (id),
        title                text NOT NULL,
        summary              text NOT NULL DEFAULT '',
        policy_id            uuid REFERENCES plan_policy (id),
        theme_id             uuid REFERENCES plan_theme (id),
        expected_effect      text NOT NULL DEFAULT '',
        expected_amount      bigint,
        schedule             jsonb NOT NULL DEFAULT '[]',
        related_indicators   jsonb NOT NULL DEFAULT '[]',
        state                text NOT NULL,
        workflow_name        text NOT NULL,
        workflow_version     integer NOT NULL,
        revision             integer NOT NULL DEFAULT 1,
        first_submitted_at   timestamptz,
        left_bureau_at       timestamptz,
        merged_into_id       uuid REFERENCES proposal (id),
        created_by           uuid REFERENCES app_user (id),
        version              integer NOT NULL DEFAULT 1,
        created_at           timestamptz NOT NULL DEFAULT now(),
        updated_at           timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (workflow_name, workflow_version) REFERENCES workflow_definition (name, version)
      )`);
    await q.query(`CREATE INDEX proposal_inquiry_idx ON proposal (inquiry_id, owning_unit_id)`);
    await q.query(`CREATE INDEX proposal_unit_idx ON proposal (owning_unit_id, state)`);
    await q.query(`CREATE INDEX proposal_state_idx ON proposal (plan_id, state)`);
    await q.query(`
      CREATE TABLE proposal_collaborator (
        proposal_id uuid NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
        org_unit_id uuid NOT NULL REFERENCES org_unit (id),
        PRIMARY KEY (proposal_id, org_unit_id)
      )`);
    await q.query(`CREATE INDEX proposal_collaborator_unit_idx ON proposal_collaborator (org_unit_id)`);
    await q.query(`
      CREATE TABLE proposal_revision (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        proposal_id    uuid NOT NULL REFERENCES proposal (id) ON DELETE CASCADE,
        revision       integer NOT NULL,
        content        jsonb NOT NULL,
        changed_fields text[] NOT NULL DEFAULT '{}',
        reason         text,
        author_id      uuid REFERENCES app_user (id),
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (proposal_id, revision)
      )`);

    // ── meetings ───────────────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE meeting (
        id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id    uuid NOT NULL REFERENCES plan (id),
        kind       text NOT NULL CHECK (kind IN ('committee', 'hq', 'council')),
        title      text NOT NULL,
        held_on    date NOT NULL,
        created_by uuid REFERENCES app_user (id),
        version    integer NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE meeting_agenda_item (
        meeting_id  uuid NOT NULL REFERENCES meeting (id) ON DELETE CASCADE,
        proposal_id uuid NOT NULL REFERENCES proposal (id),
        position    integer NOT NULL,
        added_at    timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (meeting_id, proposal_id)
      )`);
    await q.query(`CREATE INDEX meeting_agenda_proposal_idx ON meeting_agenda_item (proposal_id)`);

    // ── initiatives (取組) ───────────────────────────────────────────────────────
    await q.query(`
      CREATE TABLE initiative (
        id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        plan_id        uuid NOT NULL REFERENCES plan (id),
        proposal_id    uuid UNIQUE REFERENCES proposal (id),
        code           text NOT NULL,
        title          text NOT NULL,
        summary        text NOT NULL DEFAULT '',
        policy_id      uuid REFERENCES plan_policy (id),
        theme_id       uuid REFERENCES plan_theme (id),
        owning_unit_id uuid NOT NULL REFERENCES org_unit (id),
        schedule       jsonb NOT NULL DEFAULT '[]',
        reported_at    timestamptz,
        council_meeting_id uuid REFERENCES meeting (id),
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (plan_id, code)
      )`);
    await q.query(`
      CREATE TABLE initiative_collaborator (
        initiative_id uuid NOT NULL REFERENCES initiative (id) ON DELETE CASCADE,
        org_unit_id   uuid NOT NULL REFERENCES org_unit (id),
        PRIMARY KEY (initiative_id, org_unit_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'initiative_collaborator',
      'initiative',
      'meeting_agenda_item',
      'meeting',
      'proposal_revision',
      'proposal_collaborator',
      'proposal',
      'inquiry_target',
      'inquiry',
      'plan_theme',
      'plan_policy',
      'plan',
      'workflow_definition',
      'idempotency_key',
      'audit_chain_head',
      'audit_log',
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
    for (const fn of [
      'audit_log_is_append_only',
      'audit_chain_head_advances',
      'audit_log_link',
      'audit_log_unlinked',
    ]) {
      await q.query(`DROP FUNCTION ${fn}()`);
    }
  }
}
