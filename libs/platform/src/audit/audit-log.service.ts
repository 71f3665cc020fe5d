import { hash, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { canonicalJson } from './canonical-json.js';
import { prepared } from '../persistence/prepared.js';

/** What happened, to what, by whom. `details` holds the rest (comment, version, meeting, changed fields…). */
export interface AuditEntryInput {
  actorUserId: string | null;
  actorUsername: string | null;
  entityType: string;
  entityId: string;
  action: string;
  fromState?: string | null;
  toState?: string | null;
  details?: Record<string, unknown>;
}

export interface AuditEntry extends Required<Omit<AuditEntryInput, 'details'>> {
  id: string;
  seq: number;
  occurredAt: string;
  details: Record<string, unknown>;
}

export const GENESIS_HASH = Buffer.alloc(32);

/**
 * An entry ready to insert: its id, and the values of the columns id, occurred_at,
 * actor_user_id, actor_username, entity_type, entity_id, action, from_state, to_state,
 * details (canonical JSON) and content_hash, in that order — for statements that insert it
 * together with the change it records.
 */
export function prepareAuditEntry(input: AuditEntryInput): { id: string; values: unknown[] } {
  const id = randomUUID();
  // Milliseconds only: the content hash is computed here and must match what verify() reads back.
  const occurredAt = new Date().toISOString();
  const contentHash = sha256(auditContent({ ...input, occurredAt }));
  return {
    id,
    values: [
      id,
      occurredAt,
      input.actorUserId,
      input.actorUsername,
      input.entityType,
      input.entityId,
      input.action,
      input.fromState ?? null,
      input.toState ?? null,
      canonicalJson(input.details ?? {}),
      contentHash,
    ],
  };
}

/** The fields an entry's content hash covers, in canonical form. */
export function auditContent(e: { occurredAt: string } & AuditEntryInput): string {
  return canonicalJson({
    occurredAt: e.occurredAt,
    actorUserId: e.actorUserId,
    actorUsername: e.actorUsername,
    entityType: e.entityType,
    entityId: e.entityId,
    action: e.action,
    fromState: e.fromState ?? null,
    toState: e.toState ?? null,
    details: e.details ?? {},
  });
}

/** SHA-256 in one call (no Hash object per entry: every transition hashes its audit entry). */
export const sha256 = (data: Buffer | string): Buffer => hash('sha256', data, 'buffer');

/** The chain: each entry's hash covers the previous entry's hash and its own content's. */
export function chainHash(previous: Buffer, contentHash: Buffer): Buffer {
  return sha256(Buffer.concat([previous, contentHash]));
}

/** `unsealed`: committed entries not yet linked into the chain (the sealer links them within a second). */
export type VerifyResult =
  | { ok: true; entries: number; lastSeq: number; unsealed: number }
  | { ok: false; entries: number; unsealed: number; brokenAt: { seq: number; id: string; problem: string } };

interface Row {
  id: string;
  seq: string;
  occurred_at: Date;
  actor_user_id: string | null;
  actor_username: string | null;
  entity_type: string;
  entity_id: string;
  action: string;
  from_state: string | null;
  to_state: string | null;
  details: Record<string, unknown>;
  content_hash: Buffer;
  prev_hash: Buffer;
  hash: Buffer;
}

const toEntry = (r: Row): AuditEntry => ({
  id: r.id,
  seq: Number(r.seq),
  occurredAt: new Date(r.occurred_at).toISOString(),
  actorUserId: r.actor_user_id,
  actorUsername: r.actor_username,
  entityType: r.entity_type,
  entityId: r.entity_id,
  action: r.action,
  fromState: r.from_state,
  toState: r.to_state,
  details: r.details,
});

/**
 * The audit log (監査ログ): append-only (the apps' role holds no UPDATE or DELETE on it, and
 * a trigger refuses them from anyone), and hash-chained so that a changed, removed or
 * reordered entry is found by `verify()`.
 *
 * Writers only insert their entry; the sealer (AuditSealer) links committed entries into
 * the chain after commit, in the order they became visible, so no transaction in the city
 * waits on the chain head while it commits.
 */
@Injectable()
export class AuditLog {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Records an entry for the change being made in `manager`'s transaction. It is linked
   * into the chain after commit, by the sealer.
   */
  async append(manager: EntityManager, input: AuditEntryInput): Promise<{ id: string }> {
    if (!manager.queryRunner?.isTransactionActive)
      throw new Error('audit entries are written inside the transaction of their change');
    const entry = prepareAuditEntry(input);
    await prepared(
      manager,
      `INSERT INTO audit_log (id, occurred_at, actor_user_id, actor_username, entity_type, entity_id, action, from_state, to_state, details, content_hash)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11)`,
      entry.values,
    );
    return { id: entry.id };
  }

  /** Entries about one record, oldest first. */
  async forEntity(
    entityType: string,
    entityId: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<AuditEntry[]> {
    // Entries not sealed yet come last, in the order they were written.
    const rows: Row[] = await manager.query(
      `SELECT * FROM audit_log WHERE entity_type = $1 AND entity_id = $2 ORDER BY seq NULLS LAST, written`,
      [entityType, entityId],
    );
    return rows.map(toEntry);
  }

  /**
   * Links every entry visible now into the chain, in batches; answers how many. Safe to call
   * from anywhere at any time: a second sealer finds the head taken and returns 0 at once.
   */
  async seal(batchSize = 5000): Promise<number> {
    let total = 0;
    for (;;) {
      const [{ sealed }]: Array<{ sealed: number }> = await this.dataSource.query(
        `SELECT audit_log_seal($1) AS sealed`,
        [batchSize],
      );
      total += sealed;
      if (sealed < batchSize) return total;
    }
  }

  /**
   * Walks the whole chain in order and names the first entry whose content no longer
   * matches its hash, whose link to the previous entry is broken, or that is missing.
   */
  async verify(batchSize = 5000): Promise<VerifyResult> {
    // What has committed by now is checked too, not left for the next sealer pass.
    await this.seal(batchSize);
    // The walk stops at the head as it stands now: entries a sealer links meanwhile are newer.
    const [head]: Array<{ seq: string }> = await this.dataSource.query(`SELECT seq FROM audit_chain_head WHERE id = 1`);
    const headSeq = Number(head?.seq ?? 0);
    const unsealed = async () =>
      Number(
        (await this.dataSource.query<Array<{ n: string }>>(`SELECT count(*) AS n FROM audit_log WHERE seq IS NULL`))[0]
          .n,
      );
    const broken = async (entries: number, seq: number, id: string, problem: string): Promise<VerifyResult> => ({
      ok: false,
      entries,
      unsealed: await unsealed(),
      brokenAt: { seq, id, problem },
    });
    let previous: Buffer = GENESIS_HASH;
    let expectedSeq = 1;
    let entries = 0;
    for (;;) {
      const rows: Row[] = await this.dataSource.query(
        `SELECT * FROM audit_log WHERE seq >= $1 AND seq <= $2 ORDER BY seq LIMIT $3`,
        [expectedSeq, headSeq, batchSize],
      );
      for (const r of rows) {
        const seq = Number(r.seq);
        if (seq !== expectedSeq) return broken(entries, expectedSeq, r.id, `entry ${expectedSeq} is missing`);
        const content = sha256(auditContent(toEntry(r)));
        if (!content.equals(r.content_hash))
          return broken(entries, seq, r.id, 'its content does not match its content hash');
        if (!r.prev_hash.equals(previous))
          return broken(entries, seq, r.id, 'its link to the previous entry is broken');
        if (!chainHash(previous, content).equals(r.hash)) return broken(entries, seq, r.id, 'its chain hash is wrong');
        previous = r.hash;
        expectedSeq++;
        entries++;
      }
      if (rows.length < batchSize) break;
    }
    if (headSeq !== expectedSeq - 1) {
      return broken(
        entries,
        headSeq,
        '',
        `the chain head names entry ${headSeq}, but the log ends at ${expectedSeq - 1}`,
      );
    }
    return { ok: true, entries, lastSeq: expectedSeq - 1, unsealed: await unsealed() };
  }
}
