import type { EntityManager } from 'typeorm';

export interface Executed<R> {
  rows: R[];
  /** Rows inserted, updated or deleted. */
  affected: number;
}

/**
 * Runs one SQL statement and reports the rows it returned AND how many it touched. Plain
 * `manager.query()` answers an UPDATE … RETURNING with `[rows, count]` and a SELECT with
 * `rows`; this gives every statement the same shape, so optimistic-concurrency checks
 * (`UPDATE … WHERE id = $1 AND version = $2`, exactly one row) read plainly.
 */
export async function execute<R = Record<string, unknown>>(
  manager: EntityManager,
  sql: string,
  params: unknown[] = [],
): Promise<Executed<R>> {
  const own = manager.queryRunner ? null : manager.connection.createQueryRunner();
  const runner = manager.queryRunner ?? own!;
  try {
    const result = await runner.query(sql, params, true);
    return { rows: (result.records ?? []) as R[], affected: result.affected ?? 0 };
  } finally {
    await own?.release();
  }
}
