import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import {
  ConfigError,
  HealthHttpServer,
  installGracefulShutdown,
  installProcessErrorHandlers,
  loadConfig,
  loadDotEnv,
} from '#libs/platform';
import { createWorkerApp } from './worker-app.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  installProcessErrorHandlers();
  const app = await createWorkerApp(config);
  installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS, 'worker');
  const port = await app.get(HealthHttpServer).listen(config.WORKER_HEALTH_PORT, config.HOST);
  new NestLogger('Main').log({ healthPort: port }, 'worker running');
}

main().catch((error: unknown) => {
  const text =
    error instanceof ConfigError
      ? error.message
      : `worker failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
