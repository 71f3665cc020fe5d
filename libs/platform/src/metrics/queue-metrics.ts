import { Injectable, Logger } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { QueueName } from '../jobs/job-catalogue.js';
import { QueueRegistry } from '../jobs/queue-registry.js';
import { Metrics, withinCollectTimeout } from './metrics.js';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed'] as const;

/**
 * The worker's queue gauges, read from the queue backend at scrape time: jobs per queue and
 * state, and how long the oldest waiting job has been due without a worker taking it.
 */
@Injectable()
export class QueueMetrics {
  private readonly logger = new Logger(QueueMetrics.name);

  constructor(metrics: Metrics, queues: QueueRegistry) {
    const logger = this.logger;
    new Gauge({
      name: 'kaikaku_queue_jobs',
      help: 'Jobs in each queue by state (waiting, active, delayed, prioritized, failed)',
      labelNames: ['queue', 'state'] as const,
      registers: [metrics.registry],
      async collect() {
        await Promise.all(
          Object.values(QueueName).map(async (name) => {
            try {
              const counts = await withinCollectTimeout(queues.get(name).getJobCounts(...STATES));
              for (const state of STATES) this.set({ queue: name, state }, counts[state] ?? 0);
            } catch (error) {
              logger.warn({ err: error, queue: name }, 'queue depth could not be read at scrape time');
            }
          }),
        );
      },
    });
    new Gauge({
      name: 'kaikaku_queue_oldest_waiting_lateness_seconds',
      help: 'Seconds the oldest waiting job of each queue has been due without being started (0 when none waits)',
      labelNames: ['queue'] as const,
      registers: [metrics.registry],
      async collect() {
        await Promise.all(
          Object.values(QueueName).map(async (name) => {
            try {
              const [oldest] = await withinCollectTimeout(queues.get(name).getJobs(['waiting'], 0, 0, true));
              this.set({ queue: name }, oldest ? Math.max(0, (Date.now() - dueAt(oldest)) / 1000) : 0);
            } catch (error) {
              logger.warn({ err: error, queue: name }, 'queue lateness could not be read at scrape time');
            }
          }),
        );
      },
    });
  }
}

/** When a job became due: when it was added, or when its delay ran out. */
export function dueAt(job: { timestamp: number; delay?: number }): number {
  return job.timestamp + (job.delay ?? 0);
}
