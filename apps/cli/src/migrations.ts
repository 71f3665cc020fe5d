import { type DataSource } from 'typeorm';

/** Serialises migration runs across processes (two containers starting at once). */
const LOCK_KEY = 'kaikaku:migrations';

async function withMigrationLock<T>(dataSource: DataSource, work: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query(`SELECT pg_advisory_lock(hashtext($1))`, [LOCK_KEY]);
    return await work();
  } finally {
    await runner.query(`SELECT pg_advisory_unlock(hashtext($1))`, [LOCK_KEY]).catch(() => undefined);
    await runner.release();
  }
}

/** Applies pending migrations; returns their names. */
export async function runMigrations(dataSource: DataSource): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  });
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set(
    (await dataSource.query(`SELECT name FROM schema_migrations`).catch(() => [] as Array<{ name: string }>)).map(
      (r: { name: string }) => r.name,
    ),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}
