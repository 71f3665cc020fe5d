import { Injectable } from '@nestjs/common';
import { DiscoveryService, MetadataScanner, Reflector } from '@nestjs/core';
import type { Job } from 'bullmq';
import { isJobName, JOB_CATALOGUE, type JobName } from './job-catalogue.js';
import { ON_JOB_METADATA } from './on-job.decorator.js';

export type JobHandlerFn = (payload: unknown, job: Job) => Promise<unknown>;

export interface FoundHandler {
  job: string;
  /** `Class.method`, for messages. */
  where: string;
}

export class JobCatalogueError extends Error {
  constructor(readonly problems: string[]) {
    super(`Job catalogue check failed:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'JobCatalogueError';
  }
}

/** Every catalogued job has exactly one handler, and every handler a catalogued job. */
export function catalogueProblems(
  found: FoundHandler[],
  catalogue: readonly string[] = Object.keys(JOB_CATALOGUE),
): string[] {
  const problems: string[] = [];
  for (const job of catalogue) {
    const handlers = found.filter((h) => h.job === job);
    if (handlers.length === 0) problems.push(`job "${job}" has no handler`);
    if (handlers.length > 1)
      problems.push(`job "${job}" has ${handlers.length} handlers: ${handlers.map((h) => h.where).join(', ')}`);
  }
  for (const h of found) {
    if (!catalogue.includes(h.job)) problems.push(`${h.where} handles "${h.job}", which is not in the job catalogue`);
  }
  return problems;
}

/** Finds the @OnJob methods of all providers and checks them against the catalogue. */
@Injectable()
export class JobHandlerRegistry {
  private readonly handlers = new Map<JobName, JobHandlerFn>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
  ) {}

  /** Throws JobCatalogueError, which stops the worker, when the check fails. */
  discover(): void {
    const found: Array<FoundHandler & { fn: JobHandlerFn }> = [];
    for (const wrapper of this.discovery.getProviders()) {
      const instance = wrapper.instance as Record<string, unknown> | undefined;
      if (!instance || typeof instance !== 'object' || !wrapper.isDependencyTreeStatic()) continue;
      const prototype = Object.getPrototypeOf(instance) as object;
      for (const method of this.scanner.getAllMethodNames(prototype)) {
        const fn = instance[method] as (...args: unknown[]) => Promise<unknown>;
        const job = this.reflector.get<string | undefined>(ON_JOB_METADATA, fn);
        if (job) found.push({ job, where: `${instance.constructor.name}.${method}`, fn: fn.bind(instance) });
      }
    }
    const problems = catalogueProblems(found);
    if (problems.length > 0) throw new JobCatalogueError(problems);
    this.handlers.clear();
    for (const h of found) if (isJobName(h.job)) this.handlers.set(h.job, h.fn);
  }

  handlerFor(job: string): JobHandlerFn | undefined {
    return isJobName(job) ? this.handlers.get(job) : undefined;
  }
}
