import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DataSource, type EntityManager } from 'typeorm';
import type { Principal } from '#libs/identity';
import { etagOf, Idempotency, withTransaction, withTransactionWhenNeeded, type StoredResponse } from '#libs/platform';

export interface WriteOptions {
  /**
   * The work begins its transaction itself when it writes more than one statement
   * (`beginTransaction`, as the transition pipeline does), so that a one-statement write
   * commits on its own: see withTransactionWhenNeeded. Only for work written that way.
   */
  deferTransaction?: boolean;
}

/**
 * Every write of the API goes through here: one transaction for the change, its audit
 * entry, its outbox rows and its Idempotency-Key, then the answer with its ETag. A retry
 * with the same key replays the first answer (marked `Idempotent-Replayed: true`).
 */
@Injectable()
export class Writes {
  constructor(
    private readonly dataSource: DataSource,
    private readonly idempotency: Idempotency,
  ) {}

  async run<T>(
    request: FastifyRequest,
    reply: FastifyReply,
    principal: Principal,
    status: number,
    work: (manager: EntityManager) => Promise<T>,
    options: WriteOptions = {},
  ): Promise<T> {
    const key = request.headers['idempotency-key'];
    // A claimed Idempotency-Key is one more write: then the transaction is needed from the start.
    const transaction = options.deferTransaction && key === undefined ? withTransactionWhenNeeded : withTransaction;
    const result = await transaction(this.dataSource, (m) =>
      this.idempotency.execute(
        m,
        {
          userId: principal.id,
          key: Array.isArray(key) ? key[0] : key,
          method: request.method,
          path: request.url,
          body: request.body,
        },
        async (): Promise<StoredResponse> => {
          const body = await work(m);
          const version = (body as { version?: unknown } | null)?.version;
          const headers: Record<string, string> = typeof version === 'number' ? { etag: etagOf(version) } : {};
          return { status, body, headers };
        },
      ),
    );
    reply.status(result.status);
    for (const [name, value] of Object.entries(result.headers ?? {})) reply.header(name, value);
    if (result.replayed) reply.header('idempotent-replayed', 'true');
    return result.body as T;
  }
}
