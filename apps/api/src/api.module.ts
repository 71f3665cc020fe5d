import { SystemController } from './health/system.controller.js';
import { DynamicModule, Module, type Type } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { IdentityModule } from '#libs/identity';
import { NotificationsModule } from '#libs/notifications';
import { SchedulingModule } from '#libs/scheduling';
import { PlanningModule } from '#libs/planning';
import { ReviewModule } from '#libs/review';
import { PublicDataModule, TrackingModule } from '#libs/tracking';
import {
  AppConfig,
  ConfigModule,
  HealthModule,
  LoggingModule,
  MetricsModule,
  OutboxModule,
  PersistenceModule,
} from '#libs/platform';
import { SCHEMA } from '#libs/schema';
import { AccessGuard } from './access/access.guard.js';
import { HealthController } from './health/health.controller.js';
import { MetricsController } from './health/metrics.controller.js';
import { AuthController } from './identity/auth.controller.js';
import { MeController } from './identity/me.controller.js';
import { OrgUnitsController } from './identity/org-units.controller.js';
import { SecurityEventsController } from './identity/security-events.controller.js';
import { SessionController } from './identity/session.controller.js';
import { OidcController } from './identity/oidc.controller.js';
import { UsersController } from './identity/users.controller.js';
import { PersonnelTransfersController } from './identity/personnel-transfers.controller.js';
import { ReorganisationsController } from './identity/reorganisations.controller.js';
import { DeputiesController, MyDeputiesController } from './identity/deputies.controller.js';
import { Writes } from './http/writes.js';
import { DeadlinesController } from './notifications/deadlines.controller.js';
import { ImportsController } from './tracking/imports.controller.js';
import { IndicatorsController } from './tracking/indicators.controller.js';
import { ProgressReportsController } from './tracking/progress-reports.controller.js';
import { ReportsController } from './tracking/reports.controller.js';
import { RollupsController } from './tracking/rollups.controller.js';
import { StatusScaleController } from './tracking/status-scale.controller.js';
import { NotificationsController } from './notifications/notifications.controller.js';
import { AuditController } from './review/audit.controller.js';
import { InitiativesController } from './review/initiatives.controller.js';
import { InquiriesController } from './review/inquiries.controller.js';
import { MeetingsController } from './review/meetings.controller.js';
import { PlansController } from './review/plans.controller.js';
import { ProposalsController } from './review/proposals.controller.js';
import { WorkflowsController } from './review/workflows.controller.js';
import { PapersModule } from '#libs/papers';
import {
  AttachmentsController,
  MeetingAttachmentsController,
  ProgressReportAttachmentsController,
  ProposalAttachmentsController,
} from './papers/attachments.controller.js';
import {
  CommentsController,
  ProgressReportCommentsController,
  ProposalCommentsController,
} from './papers/comments.controller.js';
import { PublicApiController } from './public/public-api.controller.js';
import { PublicRateLimitGuard } from './public/public-answer.js';

/** Every controller of the API (the access-policy check and the access matrix read this list). */
export const API_CONTROLLERS = [
  HealthController,
  MetricsController,
  SystemController,
  AuthController,
  SessionController,
  OidcController,
  MeController,
  OrgUnitsController,
  UsersController,
  SecurityEventsController,
  PlansController,
  WorkflowsController,
  InquiriesController,
  ProposalsController,
  MeetingsController,
  InitiativesController,
  AuditController,
  DeadlinesController,
  NotificationsController,
  StatusScaleController,
  ProgressReportsController,
  IndicatorsController,
  RollupsController,
  ReportsController,
  ImportsController,
  // Working papers (attachments, review comments)
  ProposalAttachmentsController,
  ProgressReportAttachmentsController,
  MeetingAttachmentsController,
  AttachmentsController,
  ProposalCommentsController,
  ProgressReportCommentsController,
  CommentsController,
  PublicApiController,
  PersonnelTransfersController,
  ReorganisationsController,
  MyDeputiesController,
  DeputiesController,
];

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
        MetricsModule,
        HealthModule,
        IdentityModule,
        PlanningModule,
        ReviewModule,
        TrackingModule,
        PublicDataModule,
        SchedulingModule,
        NotificationsModule,
        PapersModule,
        ...extraModules,
      ],
      controllers: API_CONTROLLERS,
      providers: [{ provide: APP_GUARD, useClass: AccessGuard }, Writes, PublicRateLimitGuard],
    };
  }
}
