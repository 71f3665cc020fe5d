import { SetMetadata } from '@nestjs/common';
import type { JobName } from './job-catalogue.js';

export const ON_JOB_METADATA = 'kaikaku:on-job';

/** Marks a provider method as THE handler of a catalogued job. */
export const OnJob = (job: JobName): MethodDecorator => SetMetadata(ON_JOB_METADATA, job);
