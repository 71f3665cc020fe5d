import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobHandlerRegistry } from './job-handler-registry.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { OutboxService } from './outbox/outbox.service.js';
import { OutboxWakeup } from './outbox/outbox-wakeup.js';
import { QueueRegistry } from './queue-registry.js';
import { ProbeService, SystemJobs } from './system-jobs.js';
import { WorkerHost } from './worker-host.js';
import { AuditCheckpoints } from '../audit/audit-checkpoints.js';
import { AuditLog } from '../audit/audit-log.service.js';
import { AuditSealer } from '../audit/audit-sealer.js';
import { Idempotency } from '../http/idempotency.js';
import { QueueMetrics } from '../metrics/queue-metrics.js';
import { WorkflowRegistry } from '../workflows/workflow-registry.js';
import { TransitionPipeline } from '../workflows/transition-pipeline.js';

/**
 * What every app needs to change state: the outbox for jobs, the audit log, and
 * idempotency keys, all written inside the business transaction.
 */
@Global()
@Module({
  // QueueRegistry opens a connection only when a queue is first used (the worker, the dashboard).
  providers: [
    OutboxService,
    OutboxWakeup,
    ProbeService,
    AuditLog,
    AuditCheckpoints,
    Idempotency,
    WorkflowRegistry,
    QueueRegistry,
    TransitionPipeline,
    AuditSealer,
  ],
  exports: [
    OutboxService,
    ProbeService,
    AuditLog,
    AuditCheckpoints,
    Idempotency,
    WorkflowRegistry,
    QueueRegistry,
    TransitionPipeline,
  ],
})
export class OutboxModule {}

/** The worker's side: the relay, the queues, the processors and the schedulers. */
@Module({
  imports: [DiscoveryModule, OutboxModule],
  providers: [OutboxRelay, JobHandlerRegistry, WorkerHost, SystemJobs, QueueMetrics],
  exports: [OutboxRelay],
})
export class JobsWorkerModule {}
