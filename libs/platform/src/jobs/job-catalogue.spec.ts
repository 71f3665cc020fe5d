import { Injectable, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from '@jest/globals';
import { JOB_CATALOGUE, JOB_SCHEDULES, QueueName, queueOf } from './job-catalogue.js';
import { catalogueProblems, JobCatalogueError, JobHandlerRegistry } from './job-handler-registry.js';
import { OnJob } from './on-job.decorator.js';

describe('catalogueProblems', () => {
  const all = Object.keys(JOB_CATALOGUE).map((job) => ({ job, where: `H.${job}` }));

  it('passes when every job has exactly one handler', () => {
    expect(catalogueProblems(all)).toEqual([]);
  });

  it('names a job without a handler', () => {
    expect(catalogueProblems(all.slice(1))).toEqual([`job "${all[0].job}" has no handler`]);
  });

  it('names a job with two handlers, and where they are', () => {
    const problems = catalogueProblems([...all, { job: all[0].job, where: 'Other.method' }]);
    expect(problems).toEqual([`job "${all[0].job}" has 2 handlers: H.${all[0].job}, Other.method`]);
  });

  it('names a handler of a job that is not catalogued', () => {
    expect(catalogueProblems([...all, { job: 'nope.job', where: 'X.y' }])).toEqual([
      'X.y handles "nope.job", which is not in the job catalogue',
    ]);
  });
});

describe('the catalogue', () => {
  it('puts every job on a known queue and schedules only catalogued jobs', () => {
    for (const job of Object.keys(JOB_CATALOGUE) as Array<keyof typeof JOB_CATALOGUE>) {
      expect(Object.values(QueueName)).toContain(queueOf(job));
    }
    for (const s of JOB_SCHEDULES) expect(Object.keys(JOB_CATALOGUE)).toContain(s.job);
  });
});

describe('JobHandlerRegistry.discover', () => {
  /** One handler for every catalogued job, as the worker's modules provide them. */
  @Injectable()
  class ProbeHandlerA {
    @OnJob('system.probe')
    async probe() {}
  }
  for (const job of Object.keys(JOB_CATALOGUE).filter((j) => j !== 'system.probe')) {
    const method = `handle_${job.replace(/\W/g, '_')}`;
    const descriptor = { value: async () => undefined, writable: true, configurable: true };
    Object.defineProperty(ProbeHandlerA.prototype, method, descriptor);
    OnJob(job as keyof typeof JOB_CATALOGUE)(ProbeHandlerA.prototype, method, descriptor);
  }
  @Injectable()
  class ProbeHandlerB {
    @OnJob('system.probe')
    async probeAgain() {}
  }

  async function registryWith(...providers: Array<new () => unknown>) {
    @Module({ imports: [DiscoveryModule], providers: [JobHandlerRegistry, ...providers] })
    class M {}
    const moduleRef = await Test.createTestingModule({ imports: [M] }).compile();
    return moduleRef.get(JobHandlerRegistry);
  }

  it('finds the handlers of a complete catalogue', async () => {
    const registry = await registryWith(ProbeHandlerA);
    registry.discover();
    expect(registry.handlerFor('system.probe')).toBeInstanceOf(Function);
    expect(registry.handlerFor('nope')).toBeUndefined();
  });

  it('stops when a job has two handlers', async () => {
    const registry = await registryWith(ProbeHandlerA, ProbeHandlerB);
    expect(() => registry.discover()).toThrow(JobCatalogueError);
    expect(() => registry.discover()).toThrow(
      /"system.probe" has 2 handlers: ProbeHandlerA.probe, ProbeHandlerB.probeAgain/,
    );
  });

  it('stops when a job has none', async () => {
    const registry = await registryWith(ProbeHandlerB);
    expect(() => registry.discover()).toThrow(/"system.outbox-cleanup" has no handler/);
  });
});
