import 'reflect-metadata';
import { Logger as NestLogger } from '@nestjs/common';
import {
  ConfigError,
  installGracefulShutdown,
  installHttpDrain,
  installProcessErrorHandlers,
  loadConfig,
  loadDotEnv,
} from '#libs/platform';
import { createApiApp } from './api-app.js';

async function main(): Promise<void> {
  loadDotEnv();
  const config = loadConfig();
  installProcessErrorHandlers();
  const app = await createApiApp(config);
  const http = installHttpDrain(app.getHttpAdapter().getInstance());
  installGracefulShutdown(app, config.SHUTDOWN_TIMEOUT_MS, 'api', () => http.drain(config.SHUTDOWN_DRAIN_DELAY_MS));
  await app.listen(config.PORT, config.HOST);
  new NestLogger('Main').log({ url: await app.getUrl() }, 'API listening');
}

main().catch((error: unknown) => {
  const text =
    error instanceof ConfigError
      ? error.message
      : `API failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
  process.stderr.write(`${text}\n`);
  process.exit(1);
});
