import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { EntityManager } from 'typeorm';

/**
 * Where attachments' bytes live, behind one interface. Both implementations stream both
 * ways: a write consumes its source chunk by chunk, a read yields chunks as the reader
 * asks for them, so a 20 MB file is never whole in the process's memory.
 *
 * Writes happen inside the upload's transaction `m`: PostgreSQL's chunks roll back with
 * it; the disk's file is removed by `discard` when the transaction did not commit.
 */
export interface AttachmentStorage {
  readonly kind: 'postgres' | 'disk';
  write(m: EntityManager, id: string, source: AsyncIterable<Uint8Array>): Promise<void>;
  /** The bytes, read with `m` (inside a transaction that wrote them) or with the pool. */
  read(m: EntityManager, id: string): Readable;
  /** After a failed upload: whatever `write` left outside the transaction. */
  discard(id: string): Promise<void>;
  /** After a committed deletion. */
  remove(id: string): Promise<void>;
}

/** The size of one chunk row: small enough to hold ten downloads' worth in memory at once. */
export const CHUNK_BYTES = 256 * 1024;

/** Regroups a stream's chunks (of any size) into chunks of exactly `size` bytes, the last one shorter. */
export async function* rechunk(source: AsyncIterable<Uint8Array>, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let held = 0;
  for await (const piece of source) {
    let buf = Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    while (buf.length > 0) {
      const take = Math.min(size - held, buf.length);
      parts.push(buf.subarray(0, take));
      held += take;
      buf = buf.subarray(take);
      if (held === size) {
        yield Buffer.concat(parts, held);
        parts = [];
        held = 0;
      }
    }
  }
  if (held > 0) yield Buffer.concat(parts, held);
}

/** ATTACHMENT_STORAGE=postgres (the default): chunk rows in `attachment_chunk`, in the same database. */
export class PostgresAttachmentStorage implements AttachmentStorage {
  readonly kind = 'postgres' as const;

  async write(m: EntityManager, id: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    let seq = 0;
    for await (const chunk of rechunk(source, CHUNK_BYTES)) {
      await m.query(`INSERT INTO attachment_chunk (attachment_id, seq, data) VALUES ($1, $2, $3)`, [id, seq++, chunk]);
    }
  }

  read(m: EntityManager, id: string): Readable {
    async function* chunks() {
      // One chunk per query, keyed by its number: memory stays at one chunk whatever the
      // file's size, and the reader's pace (backpressure) decides when the next is fetched.
      for (let seq = 0; ; seq++) {
        const rows: Array<{ data: Buffer }> = await m.query(
          `SELECT data FROM attachment_chunk WHERE attachment_id = $1 AND seq = $2`,
          [id, seq],
        );
        if (rows.length === 0) return;
        yield rows[0].data;
      }
    }
    return Readable.from(chunks(), { objectMode: false, highWaterMark: CHUNK_BYTES });
  }

  async discard(): Promise<void> {
    // The chunks were rolled back with the transaction.
  }

  async remove(): Promise<void> {
    // The chunks went with their attachment row (ON DELETE CASCADE).
  }
}

/** ATTACHMENT_STORAGE=disk: one file per attachment in ATTACHMENT_DIR, named by its id. */
export class DiskAttachmentStorage implements AttachmentStorage {
  readonly kind = 'disk' as const;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  private pathOf(id: string): string {
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new Error(`not an attachment id: ${id}`);
    return join(this.dir, id);
  }

  async write(_m: EntityManager, id: string, source: AsyncIterable<Uint8Array>): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    // `wx`: a fresh id never names an existing file; mode 600, the bytes are the city's.
    await pipeline(Readable.from(source), createWriteStream(this.pathOf(id), { flags: 'wx', mode: 0o600 }));
  }

  read(_m: EntityManager, id: string): Readable {
    return createReadStream(this.pathOf(id), { highWaterMark: CHUNK_BYTES });
  }

  async discard(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }

  async remove(id: string): Promise<void> {
    await rm(this.pathOf(id), { force: true });
  }
}

/** The injection token of the configured storage. */
export const ATTACHMENT_STORAGE = Symbol('AttachmentStorage');

export function storageFor(config: {
  ATTACHMENT_STORAGE: 'postgres' | 'disk';
  ATTACHMENT_DIR: string;
}): AttachmentStorage {
  return config.ATTACHMENT_STORAGE === 'disk'
    ? new DiskAttachmentStorage(config.ATTACHMENT_DIR)
    : new PostgresAttachmentStorage();
}
