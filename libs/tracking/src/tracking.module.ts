import { Module } from '@nestjs/common';
import { SchedulingModule } from '#libs/scheduling';
import { CouncilReportService } from './council-report.service.js';
import { ImportsService } from './imports/imports.service.js';
import { IndicatorsService } from './indicators/indicators.service.js';
import { InitiativesService } from './initiatives.service.js';
import { ProgressReportsService } from './progress/progress-reports.service.js';
import { RollupAnswers } from './rollups/rollup-answers.js';
import { RollupJobs } from './rollups/rollup.jobs.js';
import { RollupsService } from './rollups/rollups.service.js';

const SERVICES = [
  InitiativesService,
  ProgressReportsService,
  IndicatorsService,
  RollupsService,
  RollupAnswers,
  ImportsService,
  CouncilReportService,
];

/** Tracking after adoption: initiatives, progress reports, indicators, roll-ups, the council report. */
@Module({ imports: [SchedulingModule], providers: SERVICES, exports: SERVICES })
export class TrackingModule {}

/** The worker's part: keeping roll-ups current. */
@Module({ imports: [TrackingModule], providers: [RollupJobs] })
export class TrackingJobsModule {}
