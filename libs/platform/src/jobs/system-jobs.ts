import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import type { JobPayloads } from './job-catalogue.js';
import { OnJob } from './on-job.decorator.js';
import { OutboxService } from './outbox/outbox.service.js';

/** Upper bound of a probe's simulated work. */
export const MAX_PROBE_HOLD_MS = 120_000;

/** Creates pipeline probes (inside the caller's transaction). */
@Injectable()
export class ProbeService {
  constructor(private readonly outbox: OutboxService) {}

  async request(manager: EntityManager, holdMs = 0): Promise<string> {
    const hold = Math.max(0, Math.min(MAX_PROBE_HOLD_MS, Math.floor(holdMs)));
    const rows: Array<{ id: string }> = await manager.query(
      `INSERT INTO system_probe (hold_ms) VALUES ($1) RETURNING id`,
      [hold],
    );
    await this.outbox.enqueue(manager, 'system.probe', { probeId: rows[0].id });
    return rows[0].id;
  }
}

/** Handlers of the platform's own jobs. */
@Injectable()
export class SystemJobs {
  private readonly logger = new Logger(SystemJobs.name);

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  @OnJob('system.probe')
  async probe({ probeId }: JobPayloads['system.probe']): Promise<void> {
    // (TypeORM answers a bare UPDATE … RETURNING with [rows, count]; the CTE gives plain rows.)
    const rows: Array<{ hold_ms: number }> = await this.dataSource.query(
      `WITH s AS (UPDATE system_probe SET started_at = coalesce(started_at, now()) WHERE id = $1 RETURNING hold_ms)
       SELECT hold_ms FROM s`,
      [probeId],
    );
    if (rows.length === 0) return;
    if (rows[0].hold_ms > 0) await sleep(rows[0].hold_ms);
    await this.dataSource.query(
      `UPDATE system_probe SET processed_count = processed_count + 1, processed_at = now() WHERE id = $1`,
      [probeId],
    );
  }

  @OnJob('system.outbox-cleanup')
  async cleanOutbox(): Promise<void> {
    const [{ deleted }]: Array<{ deleted: number }> = await this.dataSource.query(
      `WITH gone AS (
         DELETE FROM outbox WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(days => $1) RETURNING 1
       ) SELECT count(*)::int AS deleted FROM gone`,
      [this.config.OUTBOX_RETENTION_DAYS],
    );
    this.logger.log({ deleted }, 'outbox cleaned');
  }
}
