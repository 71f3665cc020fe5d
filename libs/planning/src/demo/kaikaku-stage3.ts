/**
 * The previous plan (市役所改革プラン 第3ステージ), as demo data for tracking. The outline of the
 * 2027 plan (summarised in docs/DOMAIN.md, "The plan") reports its standing at the end of 令和4年度 — 108 計画通り進捗 +
 * 29 一部変更・遅れ = 137 取組項目 — and its 検証指標 with 令和3年度 baselines and 令和5年度 targets.
 * The period 令和2〜5年度 is inferred from that (the next plan starts in 令和6年度). Policy and
 * theme titles are invented for the demo and say so; the city's own are not in the seed.
 */
import type { CreatePlanDto } from '../dto/plan.dto.js';

const demoThemes = (subject: string) => [1, 2, 3, 4].map((n) => ({ title: `${subject}（テーマ${n}）【デモ用】` }));

export const KAIKAKU_STAGE3: CreatePlanDto = {
  code: 'kaikaku-stage3',
  name: '市役所改革プラン（第3ステージ）【デモデータ】',
  firstFiscalYear: 2020,
  lastFiscalYear: 2023,
  mission: '上質な生活都市の実現',
  vision: '',
  values: '',
  policies: [
    { number: 1, title: '職員の意識改革と人材育成【デモ用】', description: '', themes: demoThemes('人材育成') },
    { number: 2, title: '業務の効率化とデジタル化【デモ用】', description: '', themes: demoThemes('業務改革') },
    { number: 3, title: '市民との協働と情報発信【デモ用】', description: '', themes: demoThemes('協働') },
  ],
};
