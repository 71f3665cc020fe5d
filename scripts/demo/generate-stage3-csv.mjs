// Generates libs/tracking/src/demo/stage3-initiatives.csv: the previous plan's 137 initiatives (titles invented, marked so)
// with 令和4年度 statuses and effect amounts (invented too) 108 計画通り進捗 + 29 一部変更・遅れ. Run: node scripts/demo/generate-stage3-csv.mjs > libs/tracking/src/demo/stage3-initiatives.csv
const units = [
  'seisaku',
  'somu',
  'zaisei',
  'bunka',
  'kenko',
  'byoin',
  'kankyo',
  'keizai',
  'nosui',
  'toshi',
  'shobo',
  'kotsu',
  'jogesui',
  'kyoiku',
  'chuo',
  'higashi',
  'nishi',
  'minami',
  'kita',
];
const subjects = {
  1: [
    '職員研修体系の見直し',
    '人事評価制度の運用改善',
    'テレワーク環境の整備',
    '時差出勤制度の拡充',
    '若手職員の政策提案制度',
    '管理職のマネジメント研修',
    '庁内公募制度の運用',
    'ワークライフバランスの推進',
    'メンタルヘルス対策の充実',
    '業務マニュアルの整備',
    '人材育成計画の策定',
    '職員提案制度の活性化',
    '女性職員の活躍推進',
    '専門職員の計画的育成',
    '会議運営の効率化',
  ],
  2: [
    '窓口手続のオンライン化',
    '電子申請システムの拡充',
    'キャッシュレス決済の導入',
    'ペーパーレス化の推進',
    'RPAによる定型業務の自動化',
    'AI-OCRの活用',
    '証明書コンビニ交付の周知',
    '窓口案内の多言語化',
    '庁内ネットワークの最適化',
    '文書管理システムの刷新',
    '施設予約のオンライン化',
    '業務委託の見直し',
    '公共施設の維持管理の効率化',
    'データ連携基盤の整備',
    '内部事務の集約化',
  ],
  3: [
    '地域活動への支援制度の見直し',
    '市民協働事業の推進',
    '広報紙の改善',
    'SNSによる情報発信の強化',
    '市民意見の把握手法の改善',
    '地域包括支援との連携',
    '大学との連携事業',
    '企業との連携協定の活用',
    'ボランティア活動の促進',
    '出前講座の充実',
    '地域コミュニティの担い手育成',
    'オープンデータの公開',
    '官民連携手法の導入検討',
    '自治会活動のデジタル化支援',
    '防災情報の発信強化',
  ],
};
const counts = { 1: 46, 2: 48, 3: 43 }; // 137
const delayedPerPolicy = { 1: 10, 2: 11, 3: 8 }; // 29
const reasons = [
  '関係部署との調整に時間を要したため',
  '新型コロナウイルス感染症の影響により実施を延期したため',
  'システム改修の仕様見直しを行ったため',
  '国の制度改正を踏まえ内容を一部変更したため',
  '事業者の選定に時間を要したため',
];
const q = (s) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const rows = [
  [
    '取組番号',
    '取組名',
    '方針',
    'テーマ',
    '所管',
    '概要',
    '年次計画',
    '関連指標',
    '年度',
    '和暦年度',
    '進捗状況',
    '理由',
    '進捗説明',
    '計画効果額',
    '実績効果額',
  ],
];
// Yearly plans (令和2〜5年度) and the 検証指標 each policy's initiatives serve (codes of the demo indicators).
const schedules = [
  '令和2年度:検討, 令和3年度:試行, 令和4年度:実施, 令和5年度:拡充',
  '令和2年度:検討, 令和3年度:検討, 令和4年度:試行, 令和5年度:実施',
  '令和3年度:試行, 令和4年度:実施, 令和5年度:実施',
];
const indicators = { 1: ['kpi-2', 'kpi-2-1', 'kpi-2-2'], 2: ['kpi-1-1', 'kpi-1-2'], 3: ['kpi-1'] };
let n = 0;
for (const policy of [1, 2, 3]) {
  for (let i = 0; i < counts[policy]; i++) {
    n++;
    const subject = subjects[policy][i % subjects[policy].length];
    const unit = units[(n * 7) % units.length];
    // Delayed ones spread through the policy, deterministically.
    const delayed = (i * delayedPerPolicy[policy]) % counts[policy] < delayedPerPolicy[policy];
    const planned = (5 + ((n * 37) % 95)) * 100;
    rows.push([
      `${policy}-${String(i + 1).padStart(2, '0')}`,
      `${subject}（${i + 1}）【デモ用の架空の取組】`,
      String(policy),
      String((i % 4) + 1),
      unit,
      'デモデータ用に作成した架空の取組です。実在の取組ではありません。',
      schedules[i % schedules.length],
      indicators[policy][i % indicators[policy].length],
      '2022',
      '令和4年度',
      delayed ? '一部変更・遅れ' : '計画通り進捗',
      delayed ? reasons[n % reasons.length] : '',
      delayed ? '一部の工程を見直して進めている。' : '計画どおり進んでいる。',
      // Effect amounts (千円) are invented like the titles: a planned figure between 500 and 9,900,
      // reached in full when on track and in part (40–85 %) when delayed.
      String(planned),
      String(delayed ? Math.round((planned * (40 + ((n * 13) % 46))) / 100) : planned),
    ]);
  }
}
const body = rows.map((r) => r.map(q).join(',')).join('\r\n') + '\r\n';
process.stdout.write('\uFEFF' + body);
const delayedTotal = rows.slice(1).filter((r) => r[10] === '一部変更・遅れ').length;
process.stderr.write(`rows ${rows.length - 1}, delayed ${delayedTotal}\n`);
