// Jest global setup: test services up, the template database rebuilt from the real
// migrations (through the compiled CLI, exactly as production applies them).
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startServices } from '../../scripts/services.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const TEMPLATE_DB = 'kaikaku_template';

export default async function globalSetup() {
  const services = await startServices('test');
  process.env.TEST_DATABASE_URL = services.databaseUrl;
  process.env.TEST_REDIS_URL = services.redisUrl;
  process.env.TEST_PG_BIN = services.pgBin;
  process.env.TEST_REDIS_SERVER = services.redisServer;

  const cli = join(ROOT, 'dist/apps/cli/src/main.js');
  if (!existsSync(cli)) {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  }

  const admin = new pg.Client({ connectionString: services.databaseUrl });
  await admin.connect();
  try {
    // Leftovers of earlier runs: the template and the per-file clones.
    const stale = await admin.query(`SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE 'kaikaku_t_%'`, [TEMPLATE_DB]);
    for (const { datname } of stale.rows) {
      await admin.query(`ALTER DATABASE "${datname}" IS_TEMPLATE false`);
      await admin.query(`DROP DATABASE "${datname}" WITH (FORCE)`);
    }
    await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }

  const templateUrl = new URL(services.databaseUrl);
  templateUrl.pathname = `/${TEMPLATE_DB}`;
  execFileSync(process.execPath, [cli, 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: templateUrl.toString(), REDIS_URL: services.redisUrl, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });

  const again = new pg.Client({ connectionString: services.databaseUrl });
  await again.connect();
  await again.query(`ALTER DATABASE ${TEMPLATE_DB} IS_TEMPLATE true`);
  await again.end();
}
