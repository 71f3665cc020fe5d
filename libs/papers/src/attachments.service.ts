import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { fileTypeFromBuffer } from 'file-type';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '#libs/identity';
import {
  AppConfig,
  AuditLog,
  DomainError,
  NotFoundError,
  ValidationFailedError,
  withTransaction,
} from '#libs/platform';
import { ATTACHMENT_STORAGE, type AttachmentStorage } from './attachment-storage.js';
import { cleanFileName } from './content-disposition.js';
import { FILE_KINDS, judgeKind, TextCheck, type FileKindName } from './file-kinds.js';
import { AttachmentTooLargeError, AttachmentTypeNotAllowedError, MultipartTruncatedError } from './papers.errors.js';
import { RecordAccess, type PaperRecord, type PaperSubject } from './record-access.js';

/** A file arriving in an upload: its name as sent, its bytes as they stream in. */
export interface IncomingFile {
  fileName: string;
  bytes: AsyncIterable<Uint8Array>;
  /** Whether the multipart parser cut the file at the size limit. */
  truncated(): boolean;
}

export interface AttachmentView {
  id: string;
  subject: PaperSubject;
  recordId: string;
  fileName: string;
  mediaType: string;
  kindLabel: string;
  sizeBytes: number;
  sha256: string;
  seriesId: string;
  version: number;
  supersededById: string | null;
  current: boolean;
  reason: string | null;
  uploadedBy: { id: string; username: string; displayName: string };
  uploadedAt: string;
  downloadPath: string;
}

/** A record's attachments, and what the caller may do with them now. */
export interface AttachmentList {
  items: AttachmentView[];
  total: number;
  /** Whether the caller may attach a new file to the record now. */
  mayAttach: boolean;
  /** Whether the caller may add a new version of an attachment (after 決裁: the secretariat, with a reason). */
  mayAddVersion: boolean;
}

/** The bytes of one attachment, to be streamed to the caller. */
export interface AttachmentDownload {
  view: AttachmentView;
  stream: Readable;
}

interface AttachmentRow {
  id: string;
  subject_type: PaperSubject;
  subject_id: string;
  series_id: string;
  version: number;
  superseded_by: string | null;
  file_name: string;
  media_type: string;
  size_bytes: string;
  sha256: string;
  storage: 'postgres' | 'disk';
  reason: string | null;
  uploaded_at: Date;
  uploader_id: string;
  uploader_username: string;
  uploader_name: string;
}

/** How much of a file's start its type is read from. */
const SNIFF_BYTES = 1024 * 1024;

const SELECT = `
  SELECT a.*, u.id AS uploader_id, u.username AS uploader_username, u.display_name AS uploader_name
    FROM attachment a JOIN app_user u ON u.id = a.uploaded_by`;

/** Before 決裁 whoever may attach adds versions; after it only the secretariat (with a reason). */
function mayAddVersion(record: PaperRecord): boolean {
  return record.decided ? record.secretariat : record.mayAttach;
}

const KIND_BY_MEDIA = new Map(Object.values(FILE_KINDS).map((k) => [k.mediaType as string, k.label as string]));

/**
 * Attachments (添付ファイル) of proposals, progress reports and meetings. Visible exactly to
 * those who may see the record; added and removed while the record is before 決裁; after
 * it only the secretariat adds a new version, with its reason, and the old one stays.
 * An upload streams into the storage inside one transaction with its audit entry (which
 * records the SHA-256): a refused or broken upload leaves no row and no bytes.
 */
@Injectable()
export class AttachmentsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly records: RecordAccess,
    private readonly audit: AuditLog,
    private readonly config: AppConfig,
    @Inject(ATTACHMENT_STORAGE) private readonly storage: AttachmentStorage,
  ) {}

  async list(principal: Principal, subject: PaperSubject, recordId: string): Promise<AttachmentList> {
    const record = await this.records.resolve(this.dataSource.manager, principal, subject, recordId);
    const rows: AttachmentRow[] = await this.dataSource.query(
      `${SELECT} WHERE a.subject_type = $1 AND a.subject_id = $2 ORDER BY a.uploaded_at, a.version`,
      [subject, recordId],
    );
    const items = rows.map((r) => this.view(r));
    return { items, total: items.length, mayAttach: record.mayAttach, mayAddVersion: mayAddVersion(record) };
  }

  async download(principal: Principal, id: string): Promise<AttachmentDownload> {
    const { row } = await this.visible(this.dataSource.manager, principal, id);
    // Read with the pool, not a transaction: a slow reader holds no connection between chunks.
    return { view: this.view(row), stream: this.storage.read(this.dataSource.manager, row.id) };
  }

  /** A new attachment of a record the caller may attach to now. */
  attach(principal: Principal, subject: PaperSubject, recordId: string, file: IncomingFile): Promise<AttachmentView> {
    return this.store(
      file,
      async (m) => {
        const record = await this.records.resolve(m, principal, subject, recordId);
        if (record.decided)
          throw new DomainError(
            'DECIDED_IMMUTABLE',
            'The record is decided (決裁): its attachments are fixed; the secretariat adds a new version with a reason',
          );
        if (!record.mayAttach)
          throw new DomainError('FORBIDDEN', 'You may not add attachments to this record in its current state');
        return { record, previous: null, reason: null };
      },
      principal,
    );
  }

  /**
   * A new version of an attachment: before 決裁 by whoever may attach; after it by the
   * secretariat only, with a reason. The previous version is kept (and marked superseded).
   */
  addVersion(
    principal: Principal,
    id: string,
    reason: string | undefined,
    file: IncomingFile,
  ): Promise<AttachmentView> {
    return this.store(
      file,
      async (m) => {
        const { row, record } = await this.visible(m, principal, id, true);
        if (row.superseded_by)
          throw new DomainError(
            'CONFLICT',
            'A newer version of this attachment exists; add the version to that one',
            [],
            { currentId: row.superseded_by },
          );
        const why = reason?.trim() ?? '';
        if (!mayAddVersion(record)) {
          throw record.decided
            ? new DomainError(
                'DECIDED_IMMUTABLE',
                'The record is decided (決裁): only the secretariat adds a new version of its attachments',
              )
            : new DomainError('FORBIDDEN', 'You may not change the attachments of this record in its current state');
        }
        if (record.decided && !why)
          throw new ValidationFailedError([{ field: 'reason', message: 'is required for a new version after 決裁' }]);
        if (why.length > 2000)
          throw new ValidationFailedError([{ field: 'reason', message: 'must be at most 2000 characters' }]);
        return { record, previous: row, reason: why || null };
      },
      principal,
    );
  }

  /** Removes an attachment with all its versions: only before 決裁, by whoever may attach now. */
  async remove(principal: Principal, id: string): Promise<void> {
    const removed = await withTransaction(this.dataSource, (m) => this.removeIn(m, principal, id));
    // The disk's files go once the deletion committed (PostgreSQL's chunks went with the rows).
    for (const versionId of removed) await this.storage.remove(versionId);
  }

  private async removeIn(m: EntityManager, principal: Principal, id: string): Promise<string[]> {
    const { row, record } = await this.visible(m, principal, id, true);
    if (record.decided)
      throw new DomainError('DECIDED_IMMUTABLE', 'The record is decided (決裁): its attachments are kept');
    if (!record.mayAttach)
      throw new DomainError('FORBIDDEN', 'You may not remove attachments of this record in its current state');
    const versions: AttachmentRow[] = await m.query(
      `${SELECT} WHERE a.series_id = $1 ORDER BY a.version DESC FOR UPDATE OF a`,
      [row.series_id],
    );
    await m.query(`UPDATE attachment SET superseded_by = NULL WHERE series_id = $1`, [row.series_id]);
    await m.query(`DELETE FROM attachment WHERE series_id = $1`, [row.series_id]);
    await this.audit.append(m, {
      actorUserId: principal.id,
      actorUsername: principal.user.username,
      entityType: record.subject,
      entityId: record.id,
      action: 'attachment.remove',
      details: {
        attachments: versions.map((v) => ({
          attachmentId: v.id,
          fileName: v.file_name,
          sha256: v.sha256,
          version: v.version,
        })),
      },
    });
    return versions.map((v) => v.id);
  }

  // ── internals ──────────────────────────────────────────────────────────────

  /** The attachment if the caller may see its record; 404 otherwise, as for one that does not exist. */
  private async visible(
    m: EntityManager,
    principal: Principal,
    id: string,
    lock = false,
  ): Promise<{ row: AttachmentRow; record: PaperRecord }> {
    const [row]: AttachmentRow[] = await m.query(`${SELECT} WHERE a.id = $1 ${lock ? 'FOR UPDATE OF a' : ''}`, [id]);
    if (!row) throw new NotFoundError('The attachment');
    const record = await this.records
      .resolve(m, principal, row.subject_type, row.subject_id)
      .catch((error: unknown) => {
        throw error instanceof DomainError && error.code === 'NOT_FOUND' ? new NotFoundError('The attachment') : error;
      });
    return { row, record };
  }

  private async store(
    file: IncomingFile,
    authorise: (
      m: EntityManager,
    ) => Promise<{ record: PaperRecord; previous: AttachmentRow | null; reason: string | null }>,
    principal: Principal,
  ): Promise<AttachmentView> {
    const id = randomUUID();
    const fileName = cleanFileName(file.fileName);
    try {
      // One attempt: the upload's stream cannot be read twice.
      return await withTransaction(
        this.dataSource,
        async (m) => {
          const { record, previous, reason } = await authorise(m);
          if (!fileName) throw new ValidationFailedError([{ field: 'file', message: 'has no file name' }]);
          await m.query(
            `INSERT INTO attachment (id, subject_type, subject_id, series_id, version, file_name, media_type, storage, reason, uploaded_by)
             VALUES ($1, $2, $3, $4, $5, $6, '', $7, $8, $9)`,
            [
              id,
              record.subject,
              record.id,
              previous?.series_id ?? id,
              (previous?.version ?? 0) + 1,
              fileName,
              this.storage.kind,
              reason,
              principal.id,
            ],
          );
          const tally = await this.streamInto(m, id, file);
          const detected = await this.sniff(m, id);
          const verdict = judgeKind(fileName, detected, tally.isText);
          if (!verdict.ok) throw new AttachmentTypeNotAllowedError(verdict.reason);
          const kind: FileKindName = verdict.kind;
          await m.query(`UPDATE attachment SET media_type = $2, size_bytes = $3, sha256 = $4 WHERE id = $1`, [
            id,
            FILE_KINDS[kind].mediaType,
            tally.size,
            tally.sha256,
          ]);
          if (previous) await m.query(`UPDATE attachment SET superseded_by = $2 WHERE id = $1`, [previous.id, id]);
          await this.audit.append(m, {
            actorUserId: principal.id,
            actorUsername: principal.user.username,
            entityType: record.subject,
            entityId: record.id,
            action: previous ? 'attachment.version' : 'attachment.add',
            details: {
              attachmentId: id,
              fileName,
              mediaType: FILE_KINDS[kind].mediaType,
              sizeBytes: tally.size,
              sha256: tally.sha256,
              version: (previous?.version ?? 0) + 1,
              ...(previous ? { supersedes: previous.id, reason } : {}),
            },
          });
          const [row]: AttachmentRow[] = await m.query(`${SELECT} WHERE a.id = $1`, [id]);
          return this.view(row);
        },
        { maxAttempts: 1 },
      );
    } catch (error) {
      await this.storage.discard(id);
      // The parser's own errors (a body that ended early) reach here from the stream.
      throw error;
    }
  }

  /** Streams the file into the storage, counting, hashing and checking it for text on the way. */
  private async streamInto(
    m: EntityManager,
    id: string,
    file: IncomingFile,
  ): Promise<{ size: number; sha256: string; isText: boolean }> {
    const limit = this.config.ATTACHMENT_MAX_BYTES;
    const hash = createHash('sha256');
    const text = new TextCheck();
    let size = 0;
    async function* tapped(): AsyncGenerator<Uint8Array> {
      try {
        for await (const chunk of file.bytes) {
          size += chunk.byteLength;
          if (size > limit || file.truncated()) throw new AttachmentTooLargeError(limit);
          hash.update(chunk);
          text.push(chunk);
          yield chunk;
        }
      } catch (error) {
        if (error instanceof DomainError) throw error;
        // The multipart parser failed mid-file: the body was cut off.
        throw new MultipartTruncatedError();
      }
      if (file.truncated()) throw new AttachmentTooLargeError(limit);
    }
    await this.storage.write(m, id, tapped());
    if (size === 0) throw new ValidationFailedError([{ field: 'file', message: 'is empty' }]);
    return { size, sha256: hash.digest('hex'), isText: text.isText() };
  }

  /** What the stored bytes are, by their magic numbers (OOXML by the parts in its zip): reads only what it needs. */
  private async sniff(m: EntityManager, id: string) {
    const stream = this.storage.read(m, id);
    try {
      // The head is enough: magic numbers sit at the start, and OOXML names its kind in the
      // zip's first entries. Bounded, so a large file is still never whole in memory.
      const head: Buffer[] = [];
      let held = 0;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        head.push(chunk);
        held += chunk.length;
        if (held >= SNIFF_BYTES) break;
      }
      return await fileTypeFromBuffer(Buffer.concat(head).subarray(0, SNIFF_BYTES));
    } finally {
      stream.destroy();
    }
  }

  private view(r: AttachmentRow): AttachmentView {
    return {
      id: r.id,
      subject: r.subject_type,
      recordId: r.subject_id,
      fileName: r.file_name,
      mediaType: r.media_type,
      kindLabel: KIND_BY_MEDIA.get(r.media_type) ?? r.media_type,
      sizeBytes: Number(r.size_bytes),
      sha256: r.sha256,
      seriesId: r.series_id,
      version: r.version,
      supersededById: r.superseded_by,
      current: r.superseded_by === null,
      reason: r.reason,
      uploadedBy: { id: r.uploader_id, username: r.uploader_username, displayName: r.uploader_name },
      uploadedAt: new Date(r.uploaded_at).toISOString(),
      downloadPath: `/api/v1/attachments/${r.id}`,
    };
  }
}
