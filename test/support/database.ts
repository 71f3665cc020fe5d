import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEMPLATE_DB = 'kaikaku_template';
export const DEMO_TEMPLATE_DB = 'kaikaku_demo_template';

/** The password of every demo user in the demo template. */
export const DEMO_PASSWORD = 'kaikaku-demo';

export interface TestDatabase {
  name: string;
  /** As the apps' role: what the apps under test connect with. */
  url: string;
  /** As the schema owner: for the test's own reads and deliberate tampering. */
  ownerUrl: string;
  /** Runs SQL on this database with a short-lived connection. */
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(sql: string, params?: unknown[]): Promise<R[]>;
  drop(): Promise<void>;
}

function serverUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the tests with `npm test`');
  return url;
}

function appServerUrl(): string {
  return process.env.TEST_APP_DATABASE_URL ?? serverUrl();
}

export function databaseUrl(name: string, base = serverUrl()): string {
  const u = new URL(base);
  u.pathname = `/${name}`;
  return u.toString();
}

/**
 * A fresh database for one test file, cloned from the migrated template, or with
 * `{ demo: true }` from the one that also holds the demo data.
 */
export async function createTestDatabase(options: { demo?: boolean } = {}): Promise<TestDatabase> {
  const name = `kaikaku_t_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${options.demo ? DEMO_TEMPLATE_DB : TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name, appServerUrl());
  const ownerUrl = databaseUrl(name);
  const pool = new pg.Pool({ connectionString: ownerUrl, max: 3 });
  pool.on('error', () => undefined);
  return {
    name,
    url,
    ownerUrl,
    async query(sql, params) {
      return (await pool.query(sql, params as unknown[])).rows;
    },
    async drop() {
      await pool.end();
      const c = new pg.Client({ connectionString: serverUrl() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
