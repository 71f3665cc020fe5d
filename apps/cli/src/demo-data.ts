import type { INestApplicationContext } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { loadDemoOrgUnits, loadDemoUsers, PasswordHasher } from '#libs/identity';
import { KAIKAKU_PLAN_2027, PlansService } from '#libs/planning';
import { type AppConfig, WorkflowRegistry } from '#libs/platform';

/**
 * One step of the demo data (Kumamoto City's plan, bureaus and wards, demo users). Every
 * step is idempotent: it finds what an earlier run created and leaves it, so `npm start`
 * can load the demo data every time.
 */
export interface DemoDataStep {
  name: string;
  run(manager: EntityManager, app: INestApplicationContext, config: AppConfig): Promise<string>;
}

/** In order: later steps use what earlier ones created. */
export const DEMO_DATA: DemoDataStep[] = [
  { name: 'organisation units (熊本市)', run: async (m) => `${await loadDemoOrgUnits(m)} created` },
  {
    name: 'demo users',
    run: async (m, app, config) => `${await loadDemoUsers(m, app.get(PasswordHasher), config.DEMO_PASSWORD)} created`,
  },
  {
    name: 'workflow definitions',
    run: async (m, app) => {
      await app.get(WorkflowRegistry).storeShipped(m);
      return 'stored';
    },
  },
  {
    name: '市役所改革プラン2027',
    run: async (m, app) => ((await app.get(PlansService).loadDemo(m, KAIKAKU_PLAN_2027)) ? 'created' : 'present'),
  },
];
