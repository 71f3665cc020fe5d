import { Injectable, Optional } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AppConfig } from '../../config/app-config.js';
import { JOB_CATALOGUE, type JobName, type JobPayloads, type WorkflowEffectPayload } from '../job-catalogue.js';
import { prepared } from '../../persistence/prepared.js';

/** Channel on which a commit that wrote outbox rows wakes the relays at once. */
export const OUTBOX_CHANNEL = 'kaikaku_outbox';

/** A row due later than the relays' poll interval plus this is left to their poll. */
const POLL_MARGIN_MS = 250;

export interface EnqueueOptions {
  /** Run no earlier than this instant. */
  runAt?: Date;
  requestId?: string;
  /**
   * The BullMQ job id, when the job has a natural one (a reminder: its id and fire time);
   * otherwise the outbox row's id. Whoever adds the same id again adds nothing.
   */
  jobId?: string;
}

/**
 * Writes jobs into the outbox, inside the caller's transaction. Never talk to Redis from
 * a request's transaction: if the transaction rolls back the job must not exist, and if
 * it commits the job must not be lost.
 */
@Injectable()
export class OutboxService {
  /** The relays' poll interval, when known (the apps share one configuration). */
  private readonly pollMs: number | null;

  constructor(@Optional() config?: AppConfig) {
    this.pollMs = config?.OUTBOX_POLL_INTERVAL_MS ?? null;
  }

  async enqueue<J extends JobName>(
    manager: EntityManager,
    job: J,
    payload: JobPayloads[J],
    options: EnqueueOptions = {},
  ): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`outbox: "${job}" must be enqueued inside a transaction`);
    }
    const values = [
      JOB_CATALOGUE[job].queue,
      job,
      JSON.stringify(payload),
      options.runAt ?? null,
      options.requestId ?? null,
      options.jobId ?? null,
    ];
    // A job due only after the relays' next poll (a roll-up recount, 2 s after each
    // confirmation) needs no wake-up: the poll hands it over before it is due. Without the
    // NOTIFY the commit takes no notification-queue lock (which serialises notifying commits),
    // and the relay makes one pass a poll for all such rows instead of one per commit.
    if (options.runAt && this.pollMs !== null && options.runAt.getTime() - Date.now() > this.pollMs + POLL_MARGIN_MS) {
      const { rows } = await prepared<{ id: string }>(
        manager,
        `INSERT INTO outbox (queue, job_name, payload, run_at, request_id, job_id) VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id`,
        values,
      );
      return rows[0].id;
    }
    // The notification is delivered only if and when the transaction commits.
    const { rows } = await prepared<{ id: string }>(
      manager,
      `WITH row AS (
         INSERT INTO outbox (queue, job_name, payload, run_at, request_id, job_id) VALUES ($1, $2, $3::jsonb, $4, $5, $6) RETURNING id
       ) SELECT row.id, pg_notify($7, '') FROM row`,
      [...values, OUTBOX_CHANNEL],
    );
    return rows[0].id;
  }

  /**
   * What follows a workflow transition: one `workflow.effect` job per effect its definition
   * names (notify the owners, the reviewers …), committed with the transition.
   */
  async enqueueEffects(
    manager: EntityManager,
    effects: readonly string[],
    transition: Omit<WorkflowEffectPayload, 'effect'>,
  ): Promise<void> {
    for (const effect of effects) await this.enqueue(manager, 'workflow.effect', { effect, ...transition });
  }
}
