/**
 * Open data (オープンデータ): a plan's year, one row per initiative, as CSV (UTF-8 with a byte
 * order mark, so that Excel on Japanese Windows reads it as UTF-8) and JSON, with the licence
 * and these column definitions. The columns are the public fields of public-projection.ts.
 */
export interface OpenDataRow {
  fiscalYear: number;
  fiscalYearLabel: string;
  code: string;
  title: string;
  policyNumber: number | null;
  policyTitle: string | null;
  themeTitle: string | null;
  unitName: string;
  statusCode: string | null;
  statusLabel: string | null;
  reason: string | null;
  narrative: string | null;
  plannedAmount: number | null;
  actualAmount: number | null;
}

export interface OpenDataColumn {
  key: keyof OpenDataRow;
  header: string;
  type: 'integer' | 'string';
  description: string;
}

export const OPEN_DATA_COLUMNS: readonly OpenDataColumn[] = [
  {
    key: 'fiscalYear',
    header: '年度',
    type: 'integer',
    description: '年度（西暦。4月1日から翌年3月31日まで、始まる年で表す）',
  },
  { key: 'fiscalYearLabel', header: '和暦年度', type: 'string', description: '年度の和暦表記（例：令和4年度）' },
  { key: 'code', header: '取組番号', type: 'string', description: '計画の中で取組を識別する番号（例：1-01）' },
  { key: 'title', header: '取組名', type: 'string', description: '取組の名称' },
  { key: 'policyNumber', header: '方針番号', type: 'integer', description: '取組が属する改革方針の番号' },
  { key: 'policyTitle', header: '方針', type: 'string', description: '改革方針の名称' },
  { key: 'themeTitle', header: 'テーマ', type: 'string', description: '方針の中のテーマ（ない場合は空欄）' },
  { key: 'unitName', header: '所管', type: 'string', description: '取組を所管する局・区' },
  {
    key: 'statusCode',
    header: '進捗コード',
    type: 'string',
    description: '確定した進捗状況のコード（未確定の場合は空欄）',
  },
  {
    key: 'statusLabel',
    header: '進捗状況',
    type: 'string',
    description: '確定した進捗状況（例：計画通り進捗、一部変更・遅れ）',
  },
  { key: 'reason', header: '理由', type: 'string', description: '進捗状況の理由（変更・遅れの場合など）' },
  { key: 'narrative', header: '進捗説明', type: 'string', description: 'その年度の取組内容の説明' },
  {
    key: 'plannedAmount',
    header: '計画効果額（千円）',
    type: 'integer',
    description: '計画した財政効果額。単位は千円',
  },
  { key: 'actualAmount', header: '実績効果額（千円）', type: 'integer', description: '実際の財政効果額。単位は千円' },
];

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * A spreadsheet runs a cell that starts with =, +, - or @ as a formula; a leading apostrophe
 * keeps such a text a text. Numbers are written as numbers.
 */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  // Every other column of OpenDataRow is text.
  const raw = typeof value === 'string' ? value : JSON.stringify(value);
  const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 with CRLF, header row of the Japanese column names, BOM first. */
export function openDataCsv(rows: readonly Record<string, unknown>[]): Buffer {
  const lines = [OPEN_DATA_COLUMNS.map((c) => field(c.header)).join(',')];
  for (const row of rows) lines.push(OPEN_DATA_COLUMNS.map((c) => field(row[c.key])).join(','));
  return Buffer.concat([UTF8_BOM, Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'utf8')]);
}
