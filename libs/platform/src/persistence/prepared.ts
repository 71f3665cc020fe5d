import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';

interface PgResult<R> {
  rows: R[];
  rowCount: number | null;
}
interface PgQueryable {
  query<R>(config: { name: string; text: string; values: unknown[] }): Promise<PgResult<R>>;
}

const names = new Map<string, string>();

/** A stable statement name per SQL text. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `k_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * Runs a hot statement as a named prepared statement on the transaction's own connection
 * (or the pool's). PostgreSQL then plans it once per connection instead of on every call:
 * the statements on every request's path (who is calling, is the record visible) cost
 * more to plan than to run. Same shape as `execute()`: rows and the affected count.
 */
export async function prepared<R = Record<string, unknown>>(
  manager: EntityManager,
  text: string,
  values: unknown[] = [],
): Promise<{ rows: R[]; affected: number }> {
  const config = { name: nameOf(text), text, values };
  let result: PgResult<R>;
  if (manager.queryRunner) {
    const client = (await manager.queryRunner.connect()) as PgQueryable;
    result = await client.query<R>(config);
  } else {
    const pool = (manager.connection.driver as unknown as { master: PgQueryable }).master;
    result = await pool.query<R>(config);
  }
  return { rows: result.rows, affected: result.rowCount ?? 0 };
}
