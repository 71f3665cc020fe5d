import { Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { UnrecoverableError, type Job, type Worker } from 'bullmq';
import { AppConfig } from '../config/app-config.js';
import { JOB_CATALOGUE, JOB_SCHEDULES, QueueName, queueOf } from './job-catalogue.js';
import { JobHandlerRegistry } from './job-handler-registry.js';
import { jobOptions, QueueRegistry } from './queue-registry.js';
import { newWorker } from './queue-backend.js';
import { Metrics } from '../metrics/metrics.js';
import { dueAt } from '../metrics/queue-metrics.js';

/**
 * The consumer side: one BullMQ Worker per queue, dispatching each job to its handler, and
 * the cluster-wide job schedulers. Started after the catalogue check passed.
 */
@Injectable()
export class WorkerHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WorkerHost.name);
  private readonly workers: Worker[] = [];
  private scheduleTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly config: AppConfig,
    private readonly registry: JobHandlerRegistry,
    private readonly queues: QueueRegistry,
    private readonly metrics: Metrics,
  ) {}

  onApplicationBootstrap(): void {
    this.registry.discover();
    const used = new Set(Object.keys(JOB_CATALOGUE).map((job) => queueOf(job as keyof typeof JOB_CATALOGUE)));
    for (const queue of Object.values(QueueName)) {
      if (used.has(queue)) this.workers.push(this.startWorker(queue));
    }
    void this.upsertSchedules();
    // Upserted again as often as reconciliation runs: that also restores them after Redis lost its data.
    this.scheduleTimer = setInterval(
      () => void this.upsertSchedules(),
      Math.min(300_000, this.config.REMINDER_RECONCILE_SECONDS * 1000),
    );
    this.scheduleTimer.unref();
    this.logger.log({ queues: this.workers.map((w) => w.name) }, 'workers started');
  }

  /**
   * Stops taking jobs and waits for the running ones to finish. A job that outlives the
   * shutdown bound keeps its lock until it expires; then another worker takes it again.
   */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.scheduleTimer) clearInterval(this.scheduleTimer);
    await Promise.allSettled(this.workers.map((w) => w.close()));
    this.workers.length = 0;
  }

  private startWorker(queue: QueueName): Worker {
    const worker = newWorker(
      this.config,
      queue,
      (job: Job) => this.process(job),
      {
        concurrency: this.config.WORKER_CONCURRENCY,
        lockDuration: this.config.WORKER_LOCK_DURATION_MS,
        stalledInterval: Math.max(1000, Math.floor(this.config.WORKER_LOCK_DURATION_MS / 2)),
        maxStalledCount: 3,
      },
      `kaikaku:worker:${queue}`,
    );
    worker.on('error', (error) => this.logger.warn({ err: error, queue }, 'worker connection error'));
    worker.on('failed', (job, error) =>
      this.logger.warn({ err: error, queue, jobId: job?.id, job: job?.name, attempt: job?.attemptsMade }, 'job failed'),
    );
    return worker;
  }

  private async process(job: Job): Promise<unknown> {
    const handler = this.registry.handlerFor(job.name);
    if (!handler) throw new UnrecoverableError(`no handler for job "${job.name}"`);
    // First attempts only: a retry is late by its backoff on purpose.
    if (job.attemptsMade === 0)
      this.metrics.jobLateness.observe({ queue: job.queueName }, Math.max(0, (Date.now() - dueAt(job)) / 1000));
    return handler(job.data, job);
  }

  private async upsertSchedules(): Promise<void> {
    for (const schedule of JOB_SCHEDULES) {
      try {
        await this.queues
          .get(queueOf(schedule.job))
          .upsertJobScheduler(
            schedule.id,
            schedule.everyMs
              ? { every: schedule.everyMs(this.config) }
              : { pattern: schedule.pattern, tz: 'Asia/Tokyo' },
            { name: schedule.job, data: {}, opts: jobOptions(schedule.job) },
          );
      } catch (error) {
        this.logger.warn({ err: error, schedule: schedule.id }, 'could not upsert job scheduler; will retry');
      }
    }
  }
}
