import { Logger } from '@nestjs/common';
import { runMigrations as runQueueMigrations } from 'bullmq';
import { type DataSource } from 'typeorm';
import { BULLMQ_SCHEMA } from '#libs/platform';

/** Serialises migration runs across processes (two containers starting at once). */
const LOCK_KEY = 'kaikaku:migrations';

/** Tables the apps may read and append to, but never change or empty. */
export const APPEND_ONLY_TABLES = ['audit_log', 'rollup_snapshot', 'audit_checkpoint'];

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

const quoteIdent = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * Gives the apps' role what it needs on every table (now and, through default privileges,
 * later ones), and takes away UPDATE, DELETE and TRUNCATE on the append-only tables, so
 * that even a compromised app cannot rewrite history. Runs after every migration run.
 */
export async function grantAppPrivileges(dataSource: DataSource, appRole: string): Promise<void> {
  const [{ owner }] = await dataSource.query<Array<{ owner: string }>>(`SELECT current_user AS owner`);
  if (owner === appRole) {
    new Logger('Migrations').warn(
      `the apps connect as the schema owner (${owner}); the audit log is then protected by its trigger only. Use a separate role in production.`,
    );
    return;
  }
  const exists = await dataSource.query<unknown[]>(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [appRole]);
  if (exists.length === 0)
    throw new Error(
      `the role "${appRole}" of DATABASE_URL does not exist: create it (CREATE ROLE ${appRole} LOGIN PASSWORD …)`,
    );
  const role = quoteIdent(appRole);
  await dataSource.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
  await dataSource.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${role}`);
  await dataSource.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${role}`);
  await dataSource.query(
    `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${role}`,
  );
  await dataSource.query(`ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${role}`);
  await dataSource.query(`REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON schema_migrations FROM ${role}`);
  for (const table of APPEND_ONLY_TABLES) {
    const present = await dataSource.query<unknown[]>(
      `SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = $1`,
      [table],
    );
    if (present.length > 0)
      await dataSource.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${quoteIdent(table)} FROM ${role}`);
  }
  // The chain head is updated on every append (its trigger lets it only advance), never removed.
  const head = await dataSource.query<unknown[]>(
    `SELECT 1 FROM pg_tables WHERE schemaname = 'public' AND tablename = 'audit_chain_head'`,
  );
  if (head.length > 0) await dataSource.query(`REVOKE INSERT, DELETE, TRUNCATE ON audit_chain_head FROM ${role}`);
}

/**
 * BullMQ's own tables for QUEUE_BACKEND=postgres, in their schema. Created whatever the
 * backend, so that a city can switch to PostgreSQL queues without another migration step.
 * The apps' role works in that schema only; the application's own schema stays the owner's.
 */
async function migrateQueueSchema(dataSource: DataSource, appRole: string, owner: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  try {
    const client = (await runner.connect()) as Parameters<typeof runQueueMigrations>[0];
    await runQueueMigrations(client, BULLMQ_SCHEMA);
  } finally {
    await runner.release();
  }
  if (owner === appRole) return;
  const role = quoteIdent(appRole);
  const schema = quoteIdent(BULLMQ_SCHEMA);
  // CREATE too: BullMQ makes one id sequence per queue, lazily, in its own schema.
  await dataSource.query(`GRANT USAGE, CREATE ON SCHEMA ${schema} TO ${role}`);
  await dataSource.query(`GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA ${schema} TO ${role}`);
  await dataSource.query(`GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA ${schema} TO ${role}`);
  await dataSource.query(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA ${schema} TO ${role}`);
}

/** Applies pending migrations, then the apps' privileges; returns the migrations' names. */
export async function runMigrations(dataSource: DataSource, appRole: string): Promise<string[]> {
  return withMigrationLock(dataSource, async () => {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    await grantAppPrivileges(dataSource, appRole);
    const [{ owner }] = await dataSource.query<Array<{ owner: string }>>(`SELECT current_user AS owner`);
    await migrateQueueSchema(dataSource, appRole, owner);
    return applied.map((m) => m.name);
  });
}

export async function revertLastMigration(dataSource: DataSource): Promise<void> {
  await withMigrationLock(dataSource, () => dataSource.undoLastMigration({ transaction: 'each' }));
}

/** Names of migrations not yet applied. */
export async function pendingMigrations(dataSource: DataSource): Promise<string[]> {
  const executed = new Set(
    (
      await dataSource
        .query<Array<{ name: string }>>(`SELECT name FROM schema_migrations`)
        .catch(() => [] as Array<{ name: string }>)
    ).map((r) => r.name),
  );
  return dataSource.migrations.map((m) => m.name ?? m.constructor.name).filter((name) => !executed.has(name));
}
