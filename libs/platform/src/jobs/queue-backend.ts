import { Queue, Worker, createPostgresBackend, type Processor, type WorkerOptions } from 'bullmq';
import type { AppConfig } from '../config/app-config.js';
import { reconnectForever, redisOptionsFromUrl } from './redis-options.js';

/** The PostgreSQL schema holding BullMQ's tables when QUEUE_BACKEND=postgres. */
export const BULLMQ_SCHEMA = 'bullmq';

/**
 * The one place that knows where the queues live. Everything else asks for a Queue or a
 * Worker by name and gets one on Redis or on PostgreSQL, as configured.
 */
export function newQueue(config: AppConfig, name: string, connectionName: string): Queue {
  if (config.QUEUE_BACKEND === 'postgres') {
    // Migrations ran with `migrate` (as the schema owner); the apps' role must not run DDL.
    const connection = {
      connectionString: config.DATABASE_URL,
      schema: BULLMQ_SCHEMA,
      max: 4,
      skipMigrations: true,
      application_name: connectionName,
    };
    return new Queue(name, { connection }, createPostgresBackend) as unknown as Queue;
  }
  return new Queue(name, {
    connection: {
      ...redisOptionsFromUrl(config.REDIS_URL),
      // A command fails after one reconnection attempt while Redis is away, so that the
      // outbox relay notices and keeps its rows. (The offline queue must stay on: BullMQ
      // runs INFO before it is connected, and a failed INFO breaks the Queue for good.)
      maxRetriesPerRequest: 1,
      retryStrategy: reconnectForever,
      connectionName,
    },
    prefix: config.QUEUE_PREFIX,
  });
}

export function newWorker(
  config: AppConfig,
  name: string,
  processor: Processor,
  options: Omit<WorkerOptions, 'connection' | 'prefix'>,
  connectionName: string,
): Worker {
  if (config.QUEUE_BACKEND === 'postgres') {
    const connection = {
      connectionString: config.DATABASE_URL,
      schema: BULLMQ_SCHEMA,
      max: 4,
      skipMigrations: true,
      application_name: connectionName,
    };
    return new Worker(name, processor, { ...options, connection }, createPostgresBackend) as unknown as Worker;
  }
  return new Worker(name, processor, {
    ...options,
    connection: {
      ...redisOptionsFromUrl(config.REDIS_URL),
      maxRetriesPerRequest: null,
      retryStrategy: reconnectForever,
      connectionName,
    },
    prefix: config.QUEUE_PREFIX,
  });
}
