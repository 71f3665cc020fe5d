import { Global, Module } from '@nestjs/common';
import { Metrics } from './metrics.js';

/** The process's metrics registry; global so that libraries add their gauges to it. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsModule {}
