// Jest global setup: test services up, the template database rebuilt from the real
// migrations (through the compiled CLI, exactly as production applies them).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { ensureFileReaders, findChromium, startServices } from '../../scripts/services.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEMPLATE_DB = 'kaikaku_template';
/** The migrated template plus the demo data (Kumamoto's units, the demo users). */
export const DEMO_TEMPLATE_DB = 'kaikaku_demo_template';

export default async function globalSetup() {
  const services = await startServices('test');
  ensureFileReaders();
  // The owner's URL (to create and drop databases) and the apps' role's.
  process.env.TEST_DATABASE_URL = services.migrationDatabaseUrl;
  process.env.TEST_APP_DATABASE_URL = services.databaseUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;
  process.env.TEST_PG_BIN = services.pgBin;
  process.env.TEST_REDIS_SERVER = services.redisServer;
  // The browser tests' Chromium, installed here once (not by each parallel file); without
  // it only those tests fail, with test/support/browser.ts saying how to get it.
  try {
    process.env.TEST_CHROMIUM = findChromium() ?? '';
  } catch (error) {
    process.stderr.write(`[global-setup] no Chromium for the browser tests: ${error.message}\n`);
  }

  const cli = join(ROOT, 'dist/apps/cli/src/main.js');
  if (!existsSync(cli)) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }

  const admin = new pg.Client({ connectionString: services.migrationDatabaseUrl });
  await admin.connect();
  try {
    // Leftovers of earlier runs: the template and the per-file clones.
    const stale = await admin.query(
      `SELECT datname FROM pg_database WHERE datname = ANY($1) OR datname LIKE 'kaikaku_t_%'`,
      [[TEMPLATE_DB, DEMO_TEMPLATE_DB]],
    );
    for (const { datname } of stale.rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }

  const urlOf = (base, name) => {
    const u = new URL(base);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const cliEnv = (db) => ({
    ...process.env,
    DATABASE_URL: urlOf(services.databaseUrl, db),
    MIGRATION_DATABASE_URL: urlOf(services.migrationDatabaseUrl, db),
    REDIS_URL: services.redisUrl,
    LOG_LEVEL: 'warn',
    QUEUE_PREFIX: '{global-setup}',
  });
  execFileSync(process.execPath, [cli, 'migrate'], {
    cwd: ROOT,
    env: cliEnv(TEMPLATE_DB),
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const again = new pg.Client({ connectionString: services.migrationDatabaseUrl });
  await again.connect();
  try {
    await again.query(`ALTER DATABASE ${TEMPLATE_DB} IS_TEMPLATE true`);
    await again.query(`CREATE DATABASE ${DEMO_TEMPLATE_DB} TEMPLATE ${TEMPLATE_DB}`);
    execFileSync(process.execPath, [cli, 'seed'], {
      cwd: ROOT,
      env: cliEnv(DEMO_TEMPLATE_DB),
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await again.query(`ALTER DATABASE ${DEMO_TEMPLATE_DB} IS_TEMPLATE true`);
  } finally {
    await again.end();
  }
}
