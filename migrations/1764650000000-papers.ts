import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Working papers beside the records: attachments (添付ファイル) of proposals, progress reports
 * and meetings, with their bytes in chunk rows (or on disk), and review comments (意見・協議)
 * of proposals and progress reports, every edit kept as a revision.
 */
export class Papers1764650000000 implements MigrationInterface {
  name = 'Papers1764650000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE attachment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_type text NOT NULL CHECK (subject_type IN ('proposal', 'progress_report', 'meeting')),
        subject_id uuid NOT NULL,
        -- The versions of one document share the first version's id; an old version is kept.
        series_id uuid NOT NULL,
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        superseded_by uuid REFERENCES attachment (id),
        file_name text NOT NULL CHECK (length(file_name) BETWEEN 1 AND 255),
        media_type text NOT NULL,
        size_bytes bigint NOT NULL DEFAULT 0,
        sha256 text NOT NULL DEFAULT '',
        storage text NOT NULL CHECK (storage IN ('postgres', 'disk')),
        reason text,
        uploaded_by uuid NOT NULL REFERENCES app_user (id),
        uploaded_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (series_id, version)
      )`);
    await q.query(`CREATE INDEX attachment_subject ON attachment (subject_type, subject_id, uploaded_at)`);
    // The bytes of ATTACHMENT_STORAGE=postgres, in chunks written and read one at a time, so
    // no file is ever whole in the API's memory. They go with their attachment.
    await q.query(`
      CREATE TABLE attachment_chunk (
        attachment_id uuid NOT NULL REFERENCES attachment (id) ON DELETE CASCADE,
        seq integer NOT NULL,
        data bytea NOT NULL,
        PRIMARY KEY (attachment_id, seq)
      )`);
    // Office files and images are compressed already: TOAST compression would only cost CPU.
    await q.query(`ALTER TABLE attachment_chunk ALTER COLUMN data SET STORAGE EXTERNAL`);

    await q.query(`
      CREATE TABLE review_comment (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        subject_type text NOT NULL CHECK (subject_type IN ('proposal', 'progress_report')),
        subject_id uuid NOT NULL,
        parent_id uuid REFERENCES review_comment (id),
        author_id uuid NOT NULL REFERENCES app_user (id),
        body text NOT NULL,
        revision integer NOT NULL DEFAULT 1,
        -- The record's state when the comment was posted (a comment on a returned proposal).
        posted_in_state text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        edited_at timestamptz
      )`);
    await q.query(`CREATE INDEX review_comment_subject ON review_comment (subject_type, subject_id, created_at)`);
    await q.query(`
      CREATE TABLE review_comment_revision (
        comment_id uuid NOT NULL REFERENCES review_comment (id),
        revision integer NOT NULL,
        body text NOT NULL,
        -- {"users": [ids], "units": [ids]} as resolved when this revision was written.
        mentions jsonb NOT NULL DEFAULT '{"users": [], "units": []}',
        editor_id uuid NOT NULL REFERENCES app_user (id),
        written_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (comment_id, revision)
      )`);
    // Comments are records of the deliberation: edited only as new revisions, never removed.
    await q.query(`
      CREATE FUNCTION review_comment_keep() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'review comments are kept: % on % refused', TG_OP, TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await q.query(
      `CREATE TRIGGER review_comment_no_delete BEFORE DELETE ON review_comment FOR EACH ROW EXECUTE FUNCTION review_comment_keep()`,
    );
    await q.query(
      `CREATE TRIGGER review_comment_revision_kept BEFORE UPDATE OR DELETE ON review_comment_revision FOR EACH ROW EXECUTE FUNCTION review_comment_keep()`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE review_comment_revision`);
    await q.query(`DROP TABLE review_comment`);
    await q.query(`DROP FUNCTION review_comment_keep()`);
    await q.query(`DROP TABLE attachment_chunk`);
    await q.query(`DROP TABLE attachment`);
  }
}
