import { DynamicModule, Module } from '@nestjs/common';
import { AppConfig, ConfigModule, LoggingModule, OutboxModule, PersistenceModule } from '#libs/platform';
import { SCHEMA } from '#libs/schema';
import { IdentityModule } from '#libs/identity';
import { PlanningModule } from '#libs/planning';
import { TrackingModule } from '#libs/tracking';

/** The libraries the admin commands use; the same ones as the apps, no logic of its own. */
@Module({})
export class CliModule {
  static register(config: AppConfig): DynamicModule {
    return {
      module: CliModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot('cli'),
        PersistenceModule.forRoot(SCHEMA, 'kaikaku-cli'),
        OutboxModule,
        IdentityModule,
        PlanningModule,
        TrackingModule,
      ],
    };
  }
}
