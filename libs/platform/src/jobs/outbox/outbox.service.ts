import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { JOB_CATALOGUE, type JobName, type JobPayloads, type WorkflowEffectPayload } from '../job-catalogue.js';
import { prepared } from '../../persistence/prepared.js';

/** Channel on which a commit that wrote outbox rows wakes the relays at once. */
export const OUTBOX_CHANNEL = 'kaikaku_outbox';

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
  async enqueue<J extends JobName>(
    manager: EntityManager,
    job: J,
    payload: JobPayloads[J],
    options: EnqueueOptions = {},
  ): Promise<string> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`outbox: "${job}" must be enqueued inside a transaction`);
    }
    // The notification is delivered only if and when the transaction commits.
    const { rows } = await prepared<{ id: string }>(
      manager,
      `WITH row AS (
         INSERT INTO outbox (queue, job_name, payload, run_at, request_id, job_id) VALUES ($1, $2, $3::jsonb, $4, $5, $7) RETURNING id
       ) SELECT row.id, pg_notify($6, '') FROM row`,
      [
        JOB_CATALOGUE[job].queue,
        job,
        JSON.stringify(payload),
        options.runAt ?? null,
        options.requestId ?? null,
        OUTBOX_CHANNEL,
        options.jobId ?? null,
      ],
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
