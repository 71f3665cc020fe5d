import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { type Queue, type JobsOptions } from 'bullmq';
import { AppConfig } from '../config/app-config.js';
import { JOB_CATALOGUE, QueueName, type JobName } from './job-catalogue.js';
import { newQueue } from './queue-backend.js';

/** Completed jobs are kept a while so that a re-added jobId is recognised as a duplicate. */
const KEEP_COMPLETED = { age: 7 * 24 * 3600, count: 50_000 };
const KEEP_FAILED = { age: 30 * 24 * 3600 };

/** Job options every job of a catalogued name gets. */
export function jobOptions(job: JobName): JobsOptions {
  return {
    attempts: JOB_CATALOGUE[job].attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: KEEP_FAILED,
  };
}

/** The producer side of every queue, one BullMQ Queue per name, on the configured backend. */
@Injectable()
export class QueueRegistry implements OnApplicationShutdown {
  private readonly logger = new Logger(QueueRegistry.name);
  private readonly queues = new Map<QueueName, { queue: Queue; broken: boolean }>();

  constructor(private readonly config: AppConfig) {}

  get(name: QueueName): Queue {
    let entry = this.queues.get(name);
    if (entry?.broken) {
      // BullMQ checks the Redis version once, when the connection first opens; if Redis
      // went away at that moment the Queue stays broken for good, so it is replaced.
      void entry.queue.close().catch(() => undefined);
      entry = undefined;
    }
    if (!entry) {
      entry = { queue: this.create(name), broken: false };
      const current = entry;
      current.queue.waitUntilReady().catch((error: unknown) => {
        current.broken = true;
        this.logger.warn({ err: error, queue: name }, 'queue connection failed while opening; it will be reopened');
      });
      this.queues.set(name, entry);
    }
    return entry.queue;
  }

  all(): Queue[] {
    return Object.values(QueueName).map((name) => this.get(name));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((e) => e.queue.close()));
    this.queues.clear();
  }

  private create(name: QueueName): Queue {
    const queue = newQueue(this.config, name, `kaikaku:producer:${name}`);
    queue.on('error', (error) => this.logger.warn({ err: error, queue: name }, 'queue connection error'));
    return queue;
  }
}
