import type { INestApplicationContext } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { loadDemoOrgUnits, loadDemoUsers, PasswordHasher } from '#libs/identity';
import { KAIKAKU_PLAN_2027, KAIKAKU_STAGE3, PlansService } from '#libs/planning';
import { type AppConfig, WorkflowRegistry } from '#libs/platform';
import { ImportsService, IndicatorsService, loadDemoIndicators, readStage3Csv, readTable } from '#libs/tracking';

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
  {
    name: '市役所改革プラン2027: 検証指標',
    run: async (m, app) =>
      `${await loadDemoIndicators(m, app.get(IndicatorsService), await planId(m, KAIKAKU_PLAN_2027.code))} created`,
  },
  {
    name: '第3ステージ (previous plan, demo)',
    run: async (m, app) => ((await app.get(PlansService).loadDemo(m, KAIKAKU_STAGE3)) ? 'created' : 'present'),
  },
  {
    name: '第3ステージ: 検証指標 (before the initiatives that name them)',
    run: async (m, app) =>
      `${await loadDemoIndicators(m, app.get(IndicatorsService), await planId(m, KAIKAKU_STAGE3.code))} created`,
  },
  {
    name: '第3ステージ: 137 initiatives with 令和4年度 statuses',
    // The import runs its own transaction (all rows or none), after the plan's step committed.
    run: async (m, app) => {
      const id = await planId(m, KAIKAKU_STAGE3.code);
      if ((await m.query<unknown[]>(`SELECT 1 FROM initiative WHERE plan_id = $1 LIMIT 1`, [id])).length > 0)
        return 'present';
      const table = await readTable(await readStage3Csv(), 'csv');
      const result = await app
        .get(ImportsService)
        .run('initiatives', id, table, { dryRun: false, actor: { id: null, username: 'demo-data' } });
      return `${result.created} imported`;
    },
  },
];

async function planId(m: EntityManager, code: string): Promise<string> {
  const [plan] = await m.query<Array<{ id: string }>>(`SELECT id FROM plan WHERE code = $1`, [code]);
  if (!plan) throw new Error(`plan ${code} is missing`);
  return plan.id;
}
