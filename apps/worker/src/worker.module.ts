import { DynamicModule, Module } from '@nestjs/common';
import {
  AppConfig,
  ConfigModule,
  HealthModule,
  JobsWorkerModule,
  LoggingModule,
  MetricsModule,
  PersistenceModule,
} from '#libs/platform';
import { IdentityJobsModule } from '#libs/identity';
import { NotificationsJobsModule } from '#libs/notifications';
import { PapersJobsModule } from '#libs/papers';
import { SchedulingJobsModule } from '#libs/scheduling';
import { TrackingJobsModule } from '#libs/tracking';
import { SCHEMA } from '#libs/schema';

/** The worker: queue processors, the outbox relay and the job schedulers. No API. */
@Module({})
export class WorkerModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot('worker'),
        PersistenceModule.forRoot(SCHEMA, 'kaikaku-worker'),
        MetricsModule,
        HealthModule,
        JobsWorkerModule,
        NotificationsJobsModule,
        SchedulingJobsModule,
        TrackingJobsModule,
        PapersJobsModule,
        IdentityJobsModule,
      ],
    };
  }
}
