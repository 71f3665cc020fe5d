import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { DomainError, NotFoundError } from '../errors/domain-error.js';
import { OnJob } from '../jobs/on-job.decorator.js';
import { withTransaction } from '../persistence/with-transaction.js';
import { auditContent, AuditLog, chainHash, GENESIS_HASH, sha256, type AuditEntry } from './audit-log.service.js';
import { canonicalJson } from './canonical-json.js';

/**
 * Anchors of the audit log outside the database (監査ログの確認点).
 *
 * The hash chain finds an entry changed by someone who cannot write the whole chain; the
 * database's owner can rewrite an entry and recompute every later link, and the chain is then
 * "intact". A checkpoint signs, with a key the database does not hold, the chain head at one
 * sequence number: whoever keeps the exported file can later recompute the chain from entry 1
 * to that number and compare it with the signed head, which the owner cannot forge. The file
 * also carries every entry's content hash as the checkpoint saw it (bound to the signed head by
 * the chain itself), so that the verification names the entry that changed.
 *
 * Everything about checkpoints is in this file, so that moving chain linking elsewhere (a sealer
 * after commit) touches one place: a checkpoint signs a linked entry's hash, read from the head.
 */

export const CHECKPOINT_FORMAT = 'kaikaku-audit-checkpoint/v1';
/** Outside production, a key is generated here on first use (never committed: .local is ignored). */
export const DEV_SIGNING_KEY_FILE = '.local/audit-signing-key.pem';

export type CheckpointReason = 'scheduled' | 'on_demand';

/** What the signature covers, in canonical JSON. */
export interface SignedCheckpoint {
  format: typeof CHECKPOINT_FORMAT;
  seq: number;
  /** Hex of the chain hash of entry `seq` (the genesis hash, all zero, for an empty log). */
  headHash: string;
  /** ISO instant. */
  signedAt: string;
  keyId: string;
}

export interface CheckpointView extends SignedCheckpoint {
  id: string;
  reason: CheckpointReason;
  /** Base64 Ed25519 signature over the canonical JSON of the SignedCheckpoint fields. */
  signature: string;
}

/** The exported file: the signed checkpoint, the public key, and the entries' content hashes. */
export interface CheckpointFile extends CheckpointView {
  /** SPKI PEM of the signing key, for reference: verification trusts a key it is given, never this one. */
  publicKey: string;
  /** Base64 of the `seq` content hashes (32 bytes each) of entries 1…seq, as they were. */
  contentHashes: string;
}

export type CheckpointVerification =
  | { ok: true; seq: number; headHash: string; signedAt: string; entries: number }
  | { ok: false; seq: number; problem: string; brokenAt?: { seq: number; id: string } };

/** The signing key and its public half. */
export class AuditSigningKey {
  readonly publicKey: KeyObject;
  readonly keyId: string;

  constructor(private readonly privateKey: KeyObject) {
    if (privateKey.asymmetricKeyType !== 'ed25519')
      throw new Error(
        `the audit signing key must be an Ed25519 key, not ${privateKey.asymmetricKeyType ?? 'a key pair'}`,
      );
    this.publicKey = createPublicKey(privateKey);
    this.keyId = keyIdOf(this.publicKey);
  }

  sign(payload: SignedCheckpoint): string {
    return sign(null, Buffer.from(canonicalJson(payload)), this.privateKey).toString('base64');
  }

  publicKeyPem(): string {
    return this.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  }

  /**
   * From AUDIT_SIGNING_KEY (PEM text; `\n` escapes allowed), else AUDIT_SIGNING_KEY_FILE, else (not
   * in production: the configuration refuses that) .local/audit-signing-key.pem. A configured file
   * that does not exist yet is created with a new key, readable by its owner only.
   */
  static fromConfig(
    config: Pick<AppConfig, 'AUDIT_SIGNING_KEY' | 'AUDIT_SIGNING_KEY_FILE' | 'NODE_ENV'>,
  ): AuditSigningKey {
    if (config.AUDIT_SIGNING_KEY)
      return new AuditSigningKey(createPrivateKey(config.AUDIT_SIGNING_KEY.replaceAll('\\n', '\n')));
    if (!config.AUDIT_SIGNING_KEY_FILE && config.NODE_ENV === 'production')
      throw new Error('AUDIT_SIGNING_KEY or AUDIT_SIGNING_KEY_FILE is required in production');
    const path = resolve(config.AUDIT_SIGNING_KEY_FILE || DEV_SIGNING_KEY_FILE);
    return new AuditSigningKey(createPrivateKey(readOrCreateKeyFile(path)));
  }
}

function readOrCreateKeyFile(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  mkdirSync(dirname(path), { recursive: true });
  try {
    // 'wx': when two processes start at once, the first key written is the one both use.
    writeFileSync(path, pem, { flag: 'wx', mode: 0o600 });
    new Logger('AuditSigningKey').warn(
      { path },
      'generated a new audit signing key; keep it, and a copy of its public key, away from the database',
    );
    return pem;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw error;
  }
}

export function keyIdOf(publicKey: KeyObject): string {
  return sha256(publicKey.export({ type: 'spki', format: 'der' }))
    .subarray(0, 8)
    .toString('hex');
}

export const signedPart = (c: SignedCheckpoint): SignedCheckpoint => ({
  format: c.format,
  seq: c.seq,
  headHash: c.headHash,
  signedAt: c.signedAt,
  keyId: c.keyId,
});

interface CheckpointRow {
  id: string;
  seq: string;
  head_hash: Buffer;
  signed_at: Date;
  key_id: string;
  signature: Buffer;
  reason: CheckpointReason;
}

const toView = (r: CheckpointRow): CheckpointView => ({
  format: CHECKPOINT_FORMAT,
  id: r.id,
  seq: Number(r.seq),
  headHash: r.head_hash.toString('hex'),
  signedAt: new Date(r.signed_at).toISOString(),
  keyId: r.key_id,
  reason: r.reason,
  signature: r.signature.toString('base64'),
});

/** Rows of the log in order, with the content hash recomputed from the content (never the stored one). */
async function* entriesUpTo(
  dataSource: DataSource,
  lastSeq: number,
  batchSize = 5000,
): AsyncGenerator<{ seq: number; id: string; content: Buffer }> {
  for (let from = 1; from <= lastSeq; from += batchSize) {
    const rows: Array<Record<string, unknown> & { id: string; seq: string; occurred_at: Date }> =
      await dataSource.query(
        `SELECT id, seq, occurred_at, actor_user_id, actor_username, entity_type, entity_id, action, from_state, to_state, details
         FROM audit_log WHERE seq BETWEEN $1 AND $2 ORDER BY seq`,
        [from, Math.min(lastSeq, from + batchSize - 1)],
      );
    for (const r of rows) {
      const entry = {
        occurredAt: new Date(r.occurred_at).toISOString(),
        actorUserId: r.actor_user_id,
        actorUsername: r.actor_username,
        entityType: r.entity_type,
        entityId: r.entity_id,
        action: r.action,
        fromState: r.from_state,
        toState: r.to_state,
        details: r.details,
      } as Omit<AuditEntry, 'id' | 'seq'>;
      yield { seq: Number(r.seq), id: r.id, content: sha256(auditContent(entry)) };
    }
  }
}

/**
 * Checks the log against a checkpoint file, trusting `publicKey` only: the signature, then
 * the file's content hashes against the signed head, then the database's entries 1…seq
 * recomputed from their content against both.
 */
export async function verifyAgainstCheckpoint(
  dataSource: DataSource,
  file: CheckpointFile,
  publicKey: KeyObject,
): Promise<CheckpointVerification> {
  const seq = Number(file?.seq);
  const fail = (problem: string, brokenAt?: { seq: number; id: string }): CheckpointVerification => ({
    ok: false,
    seq,
    problem,
    ...(brokenAt ? { brokenAt } : {}),
  });
  if (file?.format !== CHECKPOINT_FORMAT || !Number.isSafeInteger(seq) || seq < 0)
    return fail(`not a ${CHECKPOINT_FORMAT} file`);
  if (file.keyId !== keyIdOf(publicKey))
    return fail(`signed by key ${file.keyId}, not by the trusted key ${keyIdOf(publicKey)}`);
  const signed = verify(
    null,
    Buffer.from(canonicalJson(signedPart(file))),
    publicKey,
    Buffer.from(String(file.signature), 'base64'),
  );
  if (!signed)
    return fail('the signature does not match the checkpoint: the file was altered or signed by another key');

  // The listed content hashes must lead to the signed head; then they are what the checkpoint saw.
  let listed: Buffer[] | null = null;
  if (typeof file.contentHashes === 'string') {
    const bytes = Buffer.from(file.contentHashes, 'base64');
    if (bytes.length !== seq * 32)
      return fail(`the file lists ${Math.floor(bytes.length / 32)} content hashes for ${seq} entries`);
    listed = Array.from({ length: seq }, (_, i) => bytes.subarray(i * 32, i * 32 + 32));
    const head = listed.reduce<Buffer>((previous, content) => chainHash(previous, content), GENESIS_HASH);
    if (head.toString('hex') !== file.headHash)
      return fail('the file’s content hashes do not lead to the signed head: the file was altered');
  }

  let previous: Buffer = GENESIS_HASH;
  let expected = 1;
  for await (const entry of entriesUpTo(dataSource, seq)) {
    if (entry.seq !== expected) return fail(`entry #${expected} is missing`, { seq: expected, id: entry.id });
    if (listed && !listed[expected - 1].equals(entry.content)) {
      return fail(`entry #${entry.seq} differs from what the checkpoint of ${file.signedAt} saw`, {
        seq: entry.seq,
        id: entry.id,
      });
    }
    previous = chainHash(previous, entry.content);
    expected++;
  }
  if (expected - 1 !== seq)
    return fail(`the log ends at #${expected - 1}, before the checkpoint’s #${seq}`, { seq: expected, id: '' });
  if (previous.toString('hex') !== file.headHash)
    return fail(
      `the chain up to #${seq}, recomputed from the entries, is not the signed head: an entry up to #${seq} was changed`,
    );
  return { ok: true, seq, headHash: file.headHash, signedAt: file.signedAt, entries: seq };
}

/** Signed checkpoints: made daily by the worker's scheduler and on demand by an admin. */
@Injectable()
export class AuditCheckpoints {
  private key?: AuditSigningKey;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly audit: AuditLog,
  ) {}

  /** Loaded on first use: the apps that never sign (migrations, imports) need no key. */
  signingKey(): AuditSigningKey {
    this.key ??= AuditSigningKey.fromConfig(this.config);
    return this.key;
  }

  /**
   * Signs the chain head as committed (a linked entry's hash). The checkpoint's own audit entry
   * is linked after it, at this transaction's commit, so the next checkpoint covers it.
   */
  async create(
    reason: CheckpointReason,
    actor: { id: string; username: string } | null = null,
  ): Promise<CheckpointView> {
    const key = this.signingKey();
    return withTransaction(this.dataSource, async (m) => {
      const [head]: Array<{ seq: string; hash: Buffer }> = await m.query(
        `SELECT seq, hash FROM audit_chain_head WHERE id = 1`,
      );
      const payload: SignedCheckpoint = {
        format: CHECKPOINT_FORMAT,
        seq: Number(head?.seq ?? 0),
        headHash: (head?.hash ?? GENESIS_HASH).toString('hex'),
        signedAt: new Date().toISOString(),
        keyId: key.keyId,
      };
      const signature = key.sign(payload);
      const [row]: CheckpointRow[] = await m.query(
        `INSERT INTO audit_checkpoint (seq, head_hash, signed_at, key_id, signature, reason, created_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *`,
        [
          payload.seq,
          Buffer.from(payload.headHash, 'hex'),
          payload.signedAt,
          payload.keyId,
          Buffer.from(signature, 'base64'),
          reason,
          actor?.id ?? null,
        ],
      );
      await this.audit.append(m, {
        actorUserId: actor?.id ?? null,
        actorUsername: actor?.username ?? null,
        entityType: 'audit_checkpoint',
        entityId: row.id,
        action: 'create',
        details: { seq: payload.seq, headHash: payload.headHash, keyId: payload.keyId, reason },
      });
      return toView(row);
    });
  }

  async list(page: { offset: number; pageSize: number }): Promise<{ items: CheckpointView[]; total: number }> {
    const [{ total }] = await this.dataSource.query<Array<{ total: number }>>(
      `SELECT count(*)::int AS total FROM audit_checkpoint`,
    );
    const rows: CheckpointRow[] = await this.dataSource.query(
      `SELECT * FROM audit_checkpoint ORDER BY seq DESC, signed_at DESC LIMIT $1 OFFSET $2`,
      [page.pageSize, page.offset],
    );
    return { items: rows.map(toView), total };
  }

  /** The latest checkpoint, for documents that state the checkpoint they were made at. */
  async latest(manager: EntityManager = this.dataSource.manager): Promise<CheckpointView | null> {
    const [row]: CheckpointRow[] = await manager.query(
      `SELECT * FROM audit_checkpoint ORDER BY seq DESC, signed_at DESC LIMIT 1`,
    );
    return row ? toView(row) : null;
  }

  /**
   * The file to keep outside the database. Its content hashes are read now: exported after
   * someone rewrote the log, they no longer lead to the signed head, and the export says so
   * rather than hand out a file that cannot name the entry.
   */
  async exportFile(id: string): Promise<CheckpointFile> {
    const [row]: CheckpointRow[] = await this.dataSource.query(`SELECT * FROM audit_checkpoint WHERE id = $1`, [id]);
    if (!row) throw new NotFoundError('The checkpoint');
    const view = toView(row);
    const hashes: Buffer[] = [];
    for await (const entry of entriesUpTo(this.dataSource, view.seq)) hashes.push(entry.content);
    const head = hashes.reduce<Buffer>((previous, content) => chainHash(previous, content), GENESIS_HASH);
    if (hashes.length !== view.seq || head.toString('hex') !== view.headHash) {
      throw new CheckpointNoLongerMatches(view.seq);
    }
    return {
      ...view,
      publicKey: this.signingKey().publicKeyPem(),
      contentHashes: Buffer.concat(hashes).toString('base64'),
    };
  }

  @OnJob('audit.checkpoint')
  async scheduled(): Promise<void> {
    const checkpoint = await this.create('scheduled');
    new Logger(AuditCheckpoints.name).log({ seq: checkpoint.seq, id: checkpoint.id }, 'audit checkpoint signed');
  }
}

/** The log no longer leads to the checkpoint's head: something up to it was changed. */
export class CheckpointNoLongerMatches extends DomainError {
  constructor(seq: number) {
    super(
      'AUDIT_CHECKPOINT_MISMATCH',
      `The audit log up to entry #${seq} no longer leads to this checkpoint's signed head: verify it with an earlier exported file`,
    );
  }
}
