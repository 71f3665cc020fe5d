import { Logger, type INestApplicationContext } from '@nestjs/common';
import { shutdownState } from './http-drain.js';

/**
 * SIGTERM/SIGINT: stop taking work, let what is in flight finish, close the pools, exit;
 * and exit anyway after `timeoutMs` so that an orchestrator never has to SIGKILL us.
 * Work still running at that point is not lost: an HTTP client sees the connection drop
 * (nothing was committed for it), a job keeps its lock until it expires and then runs
 * again on another worker.
 */
export function installGracefulShutdown(
  app: INestApplicationContext,
  timeoutMs: number,
  name: string,
  /** Runs before the app closes its modules: the API drains its HTTP requests here. */
  beforeClose: () => Promise<void> = async () => undefined,
): void {
  const logger = new Logger('Shutdown');
  let closing = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    shutdownState.draining = true;
    logger.log({ signal, service: name, timeoutMs }, 'shutting down');
    const timer = setTimeout(() => {
      logger.error({ service: name }, 'shutdown did not finish in time; exiting');
      process.exit(1);
    }, timeoutMs);
    timer.unref();
    beforeClose()
      .then(() => app.close())
      .then(
        () => {
          clearTimeout(timer);
          logger.log({ service: name }, 'stopped');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error({ err: error, service: name }, 'error while shutting down');
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
}

/** A stray rejected promise is logged, not fatal; an uncaught exception leaves unknown state, so we exit. */
export function installProcessErrorHandlers(): void {
  const logger = new Logger('Process');
  process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled promise rejection'));
  process.on('uncaughtException', (error) => {
    logger.fatal({ err: error }, 'uncaught exception; exiting');
    process.exit(1);
  });
}
