import { setTimeout as sleep } from 'node:timers/promises';
import type { DataSource, EntityManager } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel.js';

/** SQLSTATEs after which running the whole transaction again is safe and likely to succeed. */
const RETRYABLE = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
]);

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Attempts in all, the first included. */
  maxAttempts?: number;
}

export function isRetryableTransactionError(error: unknown): boolean {
  const code =
    (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError?.code ??
    (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE.has(code);
}

/**
 * Runs `work` in one transaction and hands it the EntityManager bound to that
 * transaction: everything the work writes (the state change, its audit entry, its outbox
 * rows) commits together or not at all. On a deadlock or a serialization failure the
 * whole work runs again, after a short random pause so that the competitors spread out.
 *
 * `work` must therefore be safe to repeat: it may not have effects outside the database.
 * Repositories injected with @InjectRepository are NOT part of the transaction; use
 * `manager.getRepository()` inside `work` (typeorm#637).
 */
export async function withTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    try {
      return options.isolation
        ? await dataSource.transaction(options.isolation, work)
        : await dataSource.transaction(work);
    } catch (error) {
      if (attempt >= maxAttempts || !isRetryableTransactionError(error)) throw error;
      await sleep(Math.floor(Math.random() * 20 * 2 ** attempt));
    }
  }
}

/**
 * Like withTransaction, but the transaction begins only when the work asks for one
 * (`beginTransaction(manager)`): until then `work` runs on one connection and each
 * statement commits on its own. For work that often needs a single writing statement —
 * a transition without hooks is one read and one statement that carries the change, its
 * audit entry and its outbox rows — this saves the BEGIN and COMMIT round trips; work that
 * writes more than once begins the transaction before its first write, and everything from
 * there on commits together. What was read before is what a READ COMMITTED transaction
 * would have read too: each statement sees what has committed when it starts, and the
 * versioned UPDATE re-checks the row. Retries as withTransaction does.
 */
export async function withTransactionWhenNeeded<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  options: Omit<TransactionOptions, 'isolation'> = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 5;
  for (let attempt = 1; ; attempt++) {
    const runner = dataSource.createQueryRunner();
    try {
      const result = await work(runner.manager);
      if (runner.isTransactionActive) await runner.commitTransaction();
      return result;
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      if (attempt >= maxAttempts || !isRetryableTransactionError(error)) throw error;
      await sleep(Math.floor(Math.random() * 20 * 2 ** attempt));
    } finally {
      await runner.release();
    }
  }
}

/**
 * Makes sure `manager` is inside a transaction before work that writes more than one
 * statement: begins the deferred one of withTransactionWhenNeeded, and does nothing inside
 * withTransaction (or an already begun one).
 */
export async function beginTransaction(manager: EntityManager): Promise<void> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('beginTransaction needs the manager of withTransaction or withTransactionWhenNeeded');
  if (!runner.isTransactionActive) await runner.startTransaction();
}
