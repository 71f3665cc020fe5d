import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdentityModule } from '#libs/identity';
import { AppConfig, ConfigModule, HealthModule, LoggingModule, OutboxModule, PersistenceModule } from '#libs/platform';
import { SCHEMA } from '#libs/schema';
import { AccessGuard } from './access/access.guard.js';
import { HealthController } from './health/health.controller.js';
import { AuthController } from './identity/auth.controller.js';
import { MeController } from './identity/me.controller.js';
import { OrgUnitsController } from './identity/org-units.controller.js';
import { SecurityEventsController } from './identity/security-events.controller.js';
import { UsersController } from './identity/users.controller.js';

/** Every controller of the API (the access-policy check and the access matrix read this list). */
export const API_CONTROLLERS = [HealthController, AuthController, MeController, OrgUnitsController, UsersController, SecurityEventsController];

/** The HTTP API: controllers and the access guard; all behaviour lives in the libraries. */
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
        IdentityModule,
        ...extraModules,
      ],
      controllers: API_CONTROLLERS,
      providers: [{ provide: APP_GUARD, useClass: AccessGuard }],
    };
  }
}
