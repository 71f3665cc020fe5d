import { DynamicModule, Module, type Type } from '@nestjs/common';
import {
  AppConfig,
  ConfigModule,
  HealthController,
  HealthModule,
  LoggingModule,
  OutboxModule,
  PersistenceModule,
} from '#libs/platform';
import { SCHEMA } from '#libs/schema';

/** The HTTP API: controllers only; all behaviour lives in the libraries. */
@Module({})
export class ApiModule {
  /** `extraModules` lets e2e tests mount probe controllers beside the real ones. */
  static register(config: AppConfig, extraModules: Array<Type | DynamicModule> = []): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggingModule.forRoot('api'),
        PersistenceModule.forRoot(SCHEMA, 'kaikaku-api'),
        OutboxModule,
        HealthModule,
        ...extraModules,
      ],
      controllers: [HealthController],
    };
  }
}
