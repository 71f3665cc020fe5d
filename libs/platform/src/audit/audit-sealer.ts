import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AuditLog } from './audit-log.service.js';

/** How often the sealer looks for committed entries; the chain lags commits by about this much. */
export const AUDIT_SEAL_INTERVAL_MS = 100;

/**
 * Links committed audit entries into the hash chain, in every process that writes them.
 * It runs beside the requests and never in them: a request's commit takes no chain lock,
 * and the sealer waits on nothing a request holds (the head is its own; a second sealer
 * finds it taken and skips its pass).
 */
@Injectable()
export class AuditSealer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(AuditSealer.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly audit: AuditLog) {}

  onApplicationBootstrap(): void {
    this.schedule();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    // What committed last is linked before the process goes.
    await this.audit.seal().catch(() => undefined);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().finally(() => {
        this.running = undefined;
        this.schedule();
      });
    }, AUDIT_SEAL_INTERVAL_MS);
    this.timer.unref();
  }

  private async pass(): Promise<void> {
    try {
      await this.audit.seal();
    } catch (error) {
      // The database may be restarting; the next pass links what this one could not.
      this.logger.warn({ err: error }, 'audit sealing pass failed');
    }
  }
}
