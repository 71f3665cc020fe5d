import { Injectable, Logger } from '@nestjs/common';
import { OnJob, type JobPayloads } from '#libs/platform';

/**
 * Runs the named effects of committed transitions (notifyOwners, notifyReviewers, …).
 * Who is told what, by which channel, is the notifications library's work; until it is
 * wired in, an effect is acknowledged and logged, so the job pipeline, its idempotency and
 * its retries are already in place.
 */
@Injectable()
export class WorkflowEffectsHandler {
  private readonly logger = new Logger(WorkflowEffectsHandler.name);

  @OnJob('workflow.effect')
  async run(payload: JobPayloads['workflow.effect']): Promise<void> {
    this.logger.log({ ...payload }, `workflow effect ${payload.effect}`);
  }
}
