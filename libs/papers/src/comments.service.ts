import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { PrincipalLoader, type Principal } from '#libs/identity';
import {
  AuditLog,
  DomainError,
  NotFoundError,
  OutboxService,
  ValidationFailedError,
  VersionConflictError,
} from '#libs/platform';
import { RecordAccess, type PaperRecord, type PaperSubject } from './record-access.js';

/** The records that carry review comments (意見・協議). */
export const COMMENT_SUBJECTS = ['proposal', 'progress_report'] as const;
export type CommentSubject = (typeof COMMENT_SUBJECTS)[number];

/** Whoever takes part in the deliberation (意見・協議); viewers only read. */
export const DISCUSSANT_ROLES = [
  'bureau_editor',
  'bureau_approver',
  'secretariat',
  'committee_reviewer',
  'hq_member',
  'admin',
] as const;

/** A record's thread, and whether the caller may write in it. */
export interface CommentList {
  items: CommentView[];
  total: number;
  mayComment: boolean;
}

/** `@kenko.editor` names a person by user name, `@kenko` a unit by its code. */
const MENTION = /(?<![\w.@])@([a-z0-9][a-z0-9._-]{0,62}[a-z0-9]|[a-z0-9])/gi;

export interface CommentMentions {
  users: Array<{ id: string; username: string; displayName: string }>;
  units: Array<{ id: string; code: string; nameJa: string }>;
}

export interface CommentView {
  id: string;
  subject: CommentSubject;
  recordId: string;
  parentId: string | null;
  author: { id: string; username: string; displayName: string };
  body: string;
  revision: number;
  postedInState: string;
  createdAt: string;
  editedAt: string | null;
  mentions: CommentMentions;
  /** Every revision, oldest first (the current one last). */
  revisions: Array<{ revision: number; body: string; writtenAt: string; editor: string }>;
}

interface StoredMentions {
  users: string[];
  units: string[];
  /** Everyone told: the people named and the members of the units named who may see the record. */
  recipients: string[];
}

interface CommentRow {
  id: string;
  subject_type: CommentSubject;
  subject_id: string;
  parent_id: string | null;
  author_id: string;
  author_username: string;
  author_name: string;
  body: string;
  revision: number;
  posted_in_state: string;
  created_at: Date;
  edited_at: Date | null;
}

/**
 * Review comments (意見・協議) on proposals and progress reports: threads under the record's
 * own visibility rule. A mention of a person or a unit tells them through their channels
 * (outbox → worker → deliveries); an edit is a new revision, and no comment is ever
 * removed (the database refuses it), so the deliberation before a 決裁 stays on record.
 */
@Injectable()
export class CommentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: RecordAccess,
    private readonly audit: AuditLog,
    private readonly outbox: OutboxService,
    private readonly principals: PrincipalLoader,
  ) {}

  async list(principal: Principal, subject: CommentSubject, recordId: string): Promise<CommentList> {
    await this.records.resolve(this.dataSource.manager, principal, subject, recordId);
    const items = await this.views(this.dataSource.manager, `c.subject_type = $1 AND c.subject_id = $2`, [
      subject,
      recordId,
    ]);
    return { items, total: items.length, mayComment: DISCUSSANT_ROLES.some((role) => principal.hasRole(role)) };
  }

  async post(
    m: EntityManager,
    principal: Principal,
    subject: CommentSubject,
    recordId: string,
    body: string,
    parentId: string | undefined,
  ): Promise<CommentView> {
    const record = await this.records.resolve(m, principal, subject, recordId);
    if (parentId) {
      const parent: unknown[] = await m.query(
        `SELECT 1 FROM review_comment WHERE id = $1 AND subject_type = $2 AND subject_id = $3`,
        [parentId, subject, recordId],
      );
      if (parent.length === 0)
        throw new ValidationFailedError([{ field: 'parentId', message: 'names no comment of this record' }]);
    }
    const mentions = await this.resolveMentions(m, record, body, principal);
    const [{ id }]: Array<{ id: string }> = await m.query(
      `INSERT INTO review_comment (subject_type, subject_id, parent_id, author_id, body, posted_in_state) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [subject, recordId, parentId ?? null, principal.id, body, record.state ?? ''],
    );
    await this.recordRevision(m, principal, record, id, 1, body, mentions, 'comment.add');
    return (await this.views(m, `c.id = $1`, [id]))[0];
  }

  /** Only its author edits a comment; the text before stays as a revision. */
  async edit(
    m: EntityManager,
    principal: Principal,
    id: string,
    expectedRevision: number,
    body: string,
  ): Promise<CommentView> {
    const [row]: CommentRow[] = await m.query(
      `SELECT c.*, '' AS author_username, '' AS author_name FROM review_comment c WHERE c.id = $1 FOR UPDATE`,
      [id],
    );
    if (!row) throw new NotFoundError('The comment');
    const record = await this.records
      .resolve(m, principal, row.subject_type, row.subject_id)
      .catch((error: unknown) => {
        throw error instanceof DomainError && error.code === 'NOT_FOUND' ? new NotFoundError('The comment') : error;
      });
    if (row.author_id !== principal.id) throw new DomainError('FORBIDDEN', 'A comment is edited by its author only');
    if (row.revision !== expectedRevision) throw new VersionConflictError(row.revision);
    const mentions = await this.resolveMentions(m, record, body, principal);
    const revision = row.revision + 1;
    await m.query(`UPDATE review_comment SET body = $2, revision = $3, edited_at = now() WHERE id = $1`, [
      id,
      body,
      revision,
    ]);
    await this.recordRevision(m, principal, record, id, revision, body, mentions, 'comment.edit');
    return (await this.views(m, `c.id = $1`, [id]))[0];
  }

  // ── internals ──────────────────────────────────────────────────────────────

  private async recordRevision(
    m: EntityManager,
    principal: Principal,
    record: PaperRecord,
    id: string,
    revision: number,
    body: string,
    mentions: StoredMentions,
    action: string,
  ) {
    await m.query(
      `INSERT INTO review_comment_revision (comment_id, revision, body, mentions, editor_id) VALUES ($1, $2, $3, $4::jsonb, $5)`,
      [id, revision, body, JSON.stringify(mentions), principal.id],
    );
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: record.subject,
      entityId: record.id,
      action,
      details: { commentId: id, revision, mentionedUsers: mentions.users, mentionedUnits: mentions.units },
    });
    // Telling those mentioned happens after commit, in the worker, through the outbox.
    if (mentions.recipients.length > 0) await this.outbox.enqueue(m, 'comment.mentioned', { commentId: id, revision });
  }

  /**
   * The people and units the body mentions. A name that is no user and no unit is refused,
   * and so is a person who may not see the record (telling them would show them its title);
   * a unit's members are told as far as they may see it.
   */
  private async resolveMentions(
    m: EntityManager,
    record: PaperRecord,
    body: string,
    author: Principal,
  ): Promise<StoredMentions> {
    const names = [...new Set([...body.matchAll(MENTION)].map((x) => x[1].toLowerCase()))];
    if (names.length === 0) return { users: [], units: [], recipients: [] };
    if (names.length > 20)
      throw new ValidationFailedError([{ field: 'body', message: 'mentions more than 20 people or units' }]);
    const users: Array<{ id: string; username: string }> = await m.query(
      `SELECT id, username FROM app_user WHERE lower(username) = ANY($1) AND active`,
      [names],
    );
    const rest = names.filter((n) => !users.some((u) => u.username.toLowerCase() === n));
    const units: Array<{ id: string; code: string }> = rest.length
      ? await m.query(`SELECT id, code FROM org_unit WHERE lower(code) = ANY($1)`, [rest])
      : [];
    const unknown = rest.filter((n) => !units.some((u) => u.code.toLowerCase() === n));
    if (unknown.length > 0)
      throw new ValidationFailedError([
        { field: 'body', message: `mentions ${unknown.map((n) => `@${n}`).join(', ')}: no such user or unit` },
      ]);

    const recipients = new Set<string>();
    for (const u of users) {
      if (!(await this.maySee(m, u.id, record)))
        throw new ValidationFailedError([
          { field: 'body', message: `mentions @${u.username}, who may not see this record` },
        ]);
      recipients.add(u.id);
    }
    for (const unit of units) {
      // The unit's members: people holding a role on the unit or a unit below it.
      const members: Array<{ id: string }> = await m.query(
        `WITH RECURSIVE below(id) AS (SELECT $1::uuid UNION SELECT o.id FROM org_unit o JOIN below b ON o.parent_id = b.id)
         SELECT DISTINCT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id WHERE u.active AND g.org_unit_id IN (SELECT id FROM below)`,
        [unit.id],
      );
      let told = 0;
      for (const member of members) {
        if (await this.maySee(m, member.id, record)) {
          recipients.add(member.id);
          told++;
        }
      }
      if (told === 0)
        throw new ValidationFailedError([
          { field: 'body', message: `mentions @${unit.code}, whose members may not see this record` },
        ]);
    }
    recipients.delete(author.id);
    return { users: users.map((u) => u.id), units: units.map((u) => u.id), recipients: [...recipients] };
  }

  /** Whether a user may see the record: the record's own rule, applied to them. */
  private async maySee(m: EntityManager, userId: string, record: PaperRecord): Promise<boolean> {
    const principal = await this.principals.load(userId, 'access_token');
    if (!principal) return false;
    try {
      await this.records.resolve(m, principal, record.subject, record.id);
      return true;
    } catch (error) {
      if (error instanceof DomainError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  private async views(m: EntityManager, where: string, params: unknown[]): Promise<CommentView[]> {
    const rows: Array<CommentRow & { revisions: CommentView['revisions']; mentions: StoredMentions }> = await m.query(
      `SELECT c.*, a.username AS author_username, a.display_name AS author_name,
              (SELECT json_agg(json_build_object('revision', r.revision, 'body', r.body, 'writtenAt', r.written_at, 'editor', e.username) ORDER BY r.revision)
                 FROM review_comment_revision r JOIN app_user e ON e.id = r.editor_id WHERE r.comment_id = c.id) AS revisions,
              (SELECT r.mentions FROM review_comment_revision r WHERE r.comment_id = c.id AND r.revision = c.revision) AS mentions
         FROM review_comment c JOIN app_user a ON a.id = c.author_id
        WHERE ${where} ORDER BY c.created_at, c.id`,
      params,
    );
    const userIds = [...new Set(rows.flatMap((r) => r.mentions?.users ?? []))];
    const unitIds = [...new Set(rows.flatMap((r) => r.mentions?.units ?? []))];
    const users: CommentMentions['users'] = userIds.length
      ? await m.query(`SELECT id, username, display_name AS "displayName" FROM app_user WHERE id = ANY($1)`, [userIds])
      : [];
    const units: CommentMentions['units'] = unitIds.length
      ? await m.query(`SELECT id, code, name_ja AS "nameJa" FROM org_unit WHERE id = ANY($1)`, [unitIds])
      : [];
    return rows.map((r) => ({
      id: r.id,
      subject: r.subject_type,
      recordId: r.subject_id,
      parentId: r.parent_id,
      author: { id: r.author_id, username: r.author_username, displayName: r.author_name },
      body: r.body,
      revision: r.revision,
      postedInState: r.posted_in_state,
      createdAt: new Date(r.created_at).toISOString(),
      editedAt: r.edited_at ? new Date(r.edited_at).toISOString() : null,
      mentions: {
        users: users.filter((u) => r.mentions?.users.includes(u.id)),
        units: units.filter((u) => r.mentions?.units.includes(u.id)),
      },
      revisions: r.revisions.map((v) => ({ ...v, writtenAt: new Date(v.writtenAt).toISOString() })),
    }));
  }
}

export type { PaperSubject };
