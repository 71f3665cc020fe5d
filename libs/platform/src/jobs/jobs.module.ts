import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobHandlerRegistry } from './job-handler-registry.js';
import { OutboxRelay } from './outbox/outbox-relay.js';
import { OutboxService } from './outbox/outbox.service.js';
import { QueueRegistry } from './queue-registry.js';
import { ProbeService, SystemJobs } from './system-jobs.js';
import { WorkerHost } from './worker-host.js';

/** What every app needs to start jobs: writing them into the outbox. */
@Global()
@Module({
  providers: [OutboxService, ProbeService],
  exports: [OutboxService, ProbeService],
})
export class OutboxModule {}

/** The worker's side: the relay, the queues, the processors and the schedulers. */
@Module({
  imports: [DiscoveryModule, OutboxModule],
  providers: [QueueRegistry, OutboxRelay, JobHandlerRegistry, WorkerHost, SystemJobs],
  exports: [QueueRegistry, OutboxRelay],
})
export class JobsWorkerModule {}
