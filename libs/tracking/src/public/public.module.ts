import { Module } from '@nestjs/common';
import { TrackingModule } from '../tracking.module.js';
import { PublicCache } from './public-cache.js';
import { PublicDataService } from './public-data.service.js';
import { PublicRateLimit } from './public-rate-limit.js';
import { ReportPrinter } from './report-printer.js';

const SERVICES = [PublicDataService, PublicCache, PublicRateLimit, ReportPrinter];

/** The citizens' site and open data (API only: the worker has no part in it). */
@Module({ imports: [TrackingModule], providers: SERVICES, exports: SERVICES })
export class PublicDataModule {}
