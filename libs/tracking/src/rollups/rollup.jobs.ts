import { Injectable } from '@nestjs/common';
import { OnJob, type JobPayloads } from '#libs/platform';
import { RollupsService } from './rollups.service.js';

/** The worker's handlers keeping the roll-ups current. */
@Injectable()
export class RollupJobs {
  constructor(private readonly rollups: RollupsService) {}

  @OnJob('rollups.refresh')
  async refresh({ planId, fiscalYear }: JobPayloads['rollups.refresh']): Promise<void> {
    await this.rollups.refreshAlone(planId, fiscalYear);
  }

  @OnJob('rollups.reconcile')
  async reconcile(): Promise<number> {
    return this.rollups.refreshStale();
  }

  @OnJob('rollups.nightly')
  async nightly(): Promise<void> {
    await this.rollups.refreshAll();
  }
}
