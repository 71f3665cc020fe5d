import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EntityManager } from 'typeorm';
import type { CreateIndicatorDto } from '../indicators/indicators.service.js';
import { IndicatorsService } from '../indicators/indicators.service.js';

/**
 * The nine 検証指標 of the seed (docs/DOMAIN.md, "検証指標"): baseline 令和3年度,
 * measured 令和4年度, target (検証値) 令和5年度. For the debt figures the target is a ceiling
 * when it lies above the baseline (将来負担比率, 市債残高); 実質公債費比率 is to come down to 5.2.
 */
export const DEMO_INDICATORS: Array<Omit<CreateIndicatorDto, 'planId'> & { measured: number }> = [
  {
    code: 'kpi-1',
    name: '市役所のサービスに満足している市民の割合',
    unit: '%',
    decimals: 1,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 48.9,
    targetYear: 2023,
    targetValue: 65,
    measured: 44.1,
  },
  {
    code: 'kpi-1-1',
    name: '区役所窓口 市民満足度',
    unit: '%',
    decimals: 0,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 87,
    targetYear: 2023,
    targetValue: 90,
    measured: 87,
  },
  {
    code: 'kpi-1-2',
    name: '証明書コンビニ発行件数',
    unit: '件',
    decimals: 0,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 107_087,
    targetYear: 2023,
    targetValue: 500_000,
    measured: 300_170,
  },
  {
    code: 'kpi-2',
    name: '働きがいを感じる職員の割合',
    unit: '%',
    decimals: 0,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 82,
    targetYear: 2023,
    targetValue: 95,
    measured: 81,
  },
  {
    code: 'kpi-2-1',
    name: '年休平均取得日数',
    unit: '日',
    decimals: 0,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 14,
    targetYear: 2023,
    targetValue: 16,
    measured: 15,
  },
  {
    code: 'kpi-2-2',
    name: 'テレワークを実施しやすいと感じる職員の割合',
    unit: '%',
    decimals: 0,
    direction: 'higher_better',
    baselineYear: 2021,
    baselineValue: 23,
    targetYear: 2023,
    targetValue: 50,
    measured: 45,
  },
  {
    code: 'kpi-3-1',
    name: '実質公債費比率',
    unit: '%',
    decimals: 1,
    direction: 'lower_better',
    baselineYear: 2021,
    baselineValue: 5.4,
    targetYear: 2023,
    targetValue: 5.2,
    measured: 5.4,
  },
  {
    code: 'kpi-3-2',
    name: '将来負担比率',
    unit: '%',
    decimals: 1,
    direction: 'ceiling',
    baselineYear: 2021,
    baselineValue: 104.6,
    targetYear: 2023,
    targetValue: 107.8,
    measured: 102.2,
  },
  {
    code: 'kpi-3-3',
    name: '市債残高（熊本地震関連及び臨時財政対策債を除く）',
    unit: '億円',
    decimals: 0,
    direction: 'ceiling',
    baselineYear: 2021,
    baselineValue: 2_248,
    targetYear: 2023,
    targetValue: 2_430,
    measured: 2_231,
  },
];

/** Defines the nine indicators on a plan with their 令和4年度 values; those already there are left. */
export async function loadDemoIndicators(
  m: EntityManager,
  indicators: IndicatorsService,
  planId: string,
): Promise<number> {
  const actor = { id: null, username: 'demo-data' };
  let created = 0;
  for (const { measured, ...dto } of DEMO_INDICATORS) {
    if (
      (await m.query<unknown[]>(`SELECT 1 FROM indicator WHERE plan_id = $1 AND code = $2`, [planId, dto.code]))
        .length > 0
    )
      continue;
    const indicator = await indicators.create(m, actor, { ...dto, planId });
    await indicators.measure(m, actor, indicator.id, {
      fiscalYear: 2022,
      value: measured,
      note: '市役所改革プラン2027 骨子（令和5年12月）より',
    });
    created++;
  }
  return created;
}

/**
 * The demo CSV of the previous plan's 137 initiatives with their 令和4年度 statuses (108 計画通り進捗,
 * 29 一部変更・遅れ). Titles are invented and marked 【デモ用の架空の取組】; scripts/demo/ holds the
 * generator. Found from the source tree whether this module runs from src/ or dist/.
 */
export async function readStage3Csv(): Promise<Buffer> {
  const relative = join('libs', 'tracking', 'src', 'demo', 'stage3-initiatives.csv');
  for (let dir = dirname(fileURLToPath(import.meta.url)); dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, relative))) return readFile(join(dir, relative));
  }
  throw new Error(`${relative} not found above ${fileURLToPath(import.meta.url)}`);
}
