#!/usr/bin/env node
// `npm test`: dependencies if absent, a fresh build, the type check and the lint, the test
// services (own ports, own data folder), then every unit and e2e test. Services this run started are stopped after.
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lint } from './lib/lint.mjs';
import { build, ensureDependencies, exitOnSetupFailure, typecheck } from './lib/setup.mjs';
import { servicesStatus, startServices, stopServices } from './services.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

exitOnSetupFailure();
ensureDependencies();
build();
typecheck();
lint();
const wasRunning = await servicesStatus('test');
const services = await startServices('test');
let status = 1;
try {
  const result = spawnSync(process.execPath, ['node_modules/jest/bin/jest.js', ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS:
        `${process.env.NODE_OPTIONS ?? ''} --experimental-vm-modules --no-warnings=ExperimentalWarning`.trim(),
      TEST_DATABASE_URL: services.migrationDatabaseUrl,
      TEST_APP_DATABASE_URL: services.databaseUrl,
      TEST_REDIS_URL: services.redisUrl,
    },
  });
  status = result.status ?? 1;
} finally {
  if (!wasRunning.postgres && !wasRunning.redis && !process.env.KEEP_TEST_SERVICES) await stopServices('test');
}
process.exit(status);
