import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { canonicalJson } from '../audit/canonical-json.js';
import { DomainError, ValidationFailedError } from '../errors/domain-error.js';

/** What a write answered, kept so that a retry with the same key gets the same answer. */
export interface StoredResponse {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface IdempotencyClaim {
  userId: string;
  /** The Idempotency-Key header; without one the write simply runs. */
  key: string | undefined;
  method: string;
  path: string;
  body: unknown;
}

const KEY = /^[A-Za-z0-9_.:-]{8,200}$/;

/**
 * `Idempotency-Key` for writes that create or decide something: the key is claimed in the
 * SAME transaction as the write, so either both commit or neither; a retry with the same
 * key and request replays the first answer, with the same key and another request is 422.
 * A concurrent duplicate waits on the key's unique index until the first commits.
 */
@Injectable()
export class Idempotency {
  async execute(
    manager: EntityManager,
    claim: IdempotencyClaim,
    work: () => Promise<StoredResponse>,
  ): Promise<StoredResponse & { replayed: boolean }> {
    if (claim.key === undefined) return { ...(await work()), replayed: false };
    if (!KEY.test(claim.key)) {
      throw new ValidationFailedError([
        { field: 'Idempotency-Key', message: 'must be 8–200 characters of A–Z a–z 0–9 _ . : -' },
      ]);
    }
    const fingerprint = createHash('sha256')
      .update(canonicalJson({ method: claim.method, path: claim.path, body: claim.body ?? null }))
      .digest('hex');
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_key (user_id, key, fingerprint) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO NOTHING RETURNING 1`,
      [claim.userId, claim.key, fingerprint],
    );
    if (claimed.length === 0) {
      const [first]: Array<{ fingerprint: string; status: number | null; response: StoredResponse | null }> =
        await manager.query(
          `SELECT fingerprint, status, response FROM idempotency_key WHERE user_id = $1 AND key = $2`,
          [claim.userId, claim.key],
        );
      if (!first || first.fingerprint !== fingerprint) {
        throw new DomainError(
          'IDEMPOTENCY_KEY_MISMATCH',
          'This Idempotency-Key was used for another request; use a new key',
        );
      }
      return { ...(first.response as StoredResponse), replayed: true };
    }
    const response = await work();
    await manager.query(
      `UPDATE idempotency_key SET status = $3, response = $4::jsonb WHERE user_id = $1 AND key = $2`,
      [claim.userId, claim.key, response.status, JSON.stringify(response)],
    );
    return { ...response, replayed: false };
  }
}
