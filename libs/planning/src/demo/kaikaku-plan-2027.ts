/**
 * 市役所改革プラン2027（市役所改革第4ステージ）, from the outline published by Kumamoto City
 * (骨子・概要版, 令和5年12月, 総務局; summarised in docs/DOMAIN.md). Period, MVV, policies and assumed
 * themes are as published; the initiatives themselves are decided after the all-bureau
 * inquiry (「取組は、今後全庁照会を経て整理・決定」).
 */
import type { CreatePlanDto } from '../dto/plan.dto.js';

export const KAIKAKU_PLAN_2027: CreatePlanDto = {
  code: 'kaikaku-2027',
  name: '市役所改革プラン2027（市役所改革第4ステージ）',
  firstFiscalYear: 2024,
  lastFiscalYear: 2027,
  mission: '上質な生活都市の実現',
  vision: '市民満足度の高い市役所・職員満足度の高い市役所',
  values: '自ら考え・自ら見直し・自ら行動する',
  policies: [
    {
      number: 1,
      title: '組織・人づくり改革',
      description: '',
      themes: [
        { title: '職員成長・育成方針の改訂' },
        { title: '多様な働き方推進に向けた制度改革' },
        { title: '局区主体の人材育成' },
        { title: '職員ポイント制度の導入' },
      ],
    },
    {
      number: 2,
      title: '行政サービスの最適化',
      description: '',
      themes: [
        { title: '窓口DX推進による窓口のあり方見直し' },
        { title: '市役所内部のデジタル化推進' },
        { title: '定型的業務の集約化' },
        { title: '直営業務の見直し' },
      ],
    },
    {
      number: 3,
      title: '協働・連携の推進',
      description: '',
      themes: [
        { title: 'デジタル技術を活用した地域活動促進' },
        { title: '広報広聴改革' },
        { title: '地域へのアウトリーチ強化' },
        { title: '民間ノウハウの有効活用' },
      ],
    },
  ],
};
