import ExcelJS from 'exceljs';
import { fiscalYearLabel, todayInTokyo, warekiDate } from '#libs/calendar';
import { DEFAULT_GRADING, gradeLegend } from '../indicators/achievement.js';
import type {
  CouncilReport,
  ReportIndicator,
  ReportIndicatorValue,
  ReportInitiative,
  ReportPolicy,
  ScaleEntry,
  SummaryRow,
} from './council-report.js';
import { DIRECTION_JA, finiteOrNull, INITIATIVE_HEADERS, initiativeCells, NO_VALUE } from './council-report-format.js';
import { excelSheetName } from './excel-sheet-name.js';

type Worksheet = ExcelJS.Worksheet;
type Row = ExcelJS.Row;
type Cell = ExcelJS.Cell;

export const SUMMARY_SHEET = '概要';
export const INDICATOR_SHEET = '検証指標';
export const INDICATOR_HEADERS = [
  '指標',
  '単位',
  '基準値',
  '基準年度',
  '実績',
  '実績年度',
  '目標',
  '目標年度',
  '方向',
  '達成率（%）',
  '評価',
] as const;

/** Every sheet has a title on row 1 and its column headers on row 2, which stay in view. */
const TITLE_ROW = 1;
const HEADER_ROW = 2;

/**
 * Every cell names its font: a font without a name falls back to whatever the reader has (a serif
 * face in LibreOffice). Noto Sans CJK JP is what Debian's LibreOffice has (fonts-noto-cjk); the
 * Japanese character set lets Excel on Windows substitute a Japanese Gothic when it lacks it.
 */
export const REPORT_FONT = 'Noto Sans CJK JP';
const BASE_FONT: Partial<ExcelJS.Font> = { name: REPORT_FONT, size: 10, charset: 128 };
/** A4 in the SpreadsheetML paperSize enumeration. */
export const PAPER_A4 = 9;
/** Points per line of 10-point text, with leading. */
const LINE_HEIGHT = 14;

const NEUTRAL_HEADER = 'FFD9D9D9';
const THIN: ExcelJS.Border = { style: 'thin', color: { argb: 'FF808080' } };
const BOX: Partial<ExcelJS.Borders> = { top: THIN, left: THIN, bottom: THIN, right: THIN };

/**
 * The council report as a workbook: 「概要」 in the layout of the plan's own progress table, one
 * sheet per policy with its initiatives, and 「検証指標」. Cells carry numbers as numbers so that
 * staff can total and chart them without retyping.
 */
export async function councilReportXlsx(report: CouncilReport): Promise<Buffer> {
  const generatedAt = new Date(report.generatedAt);
  if (Number.isNaN(generatedAt.getTime())) throw new RangeError(`generatedAt is not an instant: ${report.generatedAt}`);

  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Kaikaku';
  workbook.lastModifiedBy = 'Kaikaku';
  // The report's own time rather than now, so the file says when its figures were taken.
  workbook.created = generatedAt;
  workbook.modified = generatedAt;
  workbook.title = `${report.plan.name} ${fiscalYearLabel(report.fiscalYear)} 進捗状況`;

  const taken = new Set<string>([SUMMARY_SHEET, INDICATOR_SHEET]);
  addSummarySheet(workbook, report, generatedAt);
  for (const policy of report.policies) {
    const name = excelSheetName(`方針${policy.number}`, taken);
    taken.add(name);
    addPolicySheet(workbook, name, policy, report.scale);
  }
  addIndicatorSheet(workbook, report);

  return Buffer.from(await workbook.xlsx.writeBuffer());
}

function addSummarySheet(workbook: ExcelJS.Workbook, report: CouncilReport, generatedAt: Date): void {
  const sheet = newSheet(workbook, SUMMARY_SHEET);
  const { scale, summary } = report;
  const columnCount = scale.length + 2;

  title(sheet, `${report.plan.name} ${fiscalYearLabel(report.fiscalYear)} 取組の進捗状況`, columnCount);

  const header = sheet.getRow(HEADER_ROW);
  header.values = ['方針', ...scale.map((entry) => entry.labelJa), '合計'];
  styleHeader(header, columnCount);
  scale.forEach((entry, i) => paint(header.getCell(i + 2), entry.colour));

  const addCountRow = (label: string, counts: Record<string, number>, total: number): Row => {
    const row = sheet.addRow([
      label,
      ...scale.map((entry) => finiteOrNull(counts[entry.code] ?? 0, `${label} ${entry.code}`)),
      finiteOrNull(total, `${label} total`),
    ]);
    styleBody(row, columnCount);
    for (let c = 2; c <= columnCount; c++) row.getCell(c).numFmt = '#,##0';
    return row;
  };
  const policyLabel = (row: SummaryRow) => `方針${row.policyNumber} ${row.policyTitle}`;
  for (const row of summary.rows) addCountRow(policyLabel(row), row.counts, row.total);
  const totals = addCountRow('合計', summary.totals, summary.total);
  for (let c = 1; c <= columnCount; c++) {
    const cell = totals.getCell(c);
    cell.font = { ...BASE_FONT, bold: true };
    cell.border = { ...BOX, top: { style: 'double', color: THIN.color } };
  }

  if (summary.unreported > 0) sheet.addRow([`未報告 ${summary.unreported} 件`]);
  sheet.addRow([]);
  sheet.addRow([`計画期間 ${report.plan.periodLabel}`]);
  sheet.addRow([`作成日 ${warekiDate(todayInTokyo(generatedAt)).label}`]);
  // A report made from a frozen snapshot can be reproduced; naming it lets the clerk check which.
  if (report.snapshotId !== null) sheet.addRow([`スナップショット ${report.snapshotId}`]);
  // The audit log's signed checkpoint at the time: the history behind these figures can be proven against it.
  const checkpoint = report.auditCheckpoint;
  sheet.addRow([
    checkpoint
      ? `監査ログ確認点 #${checkpoint.seq}（署名 ${warekiDate(todayInTokyo(new Date(checkpoint.signedAt))).label}、鍵 ${checkpoint.keyId}、先頭ハッシュ ${checkpoint.headHash.slice(0, 16)}…、ID ${checkpoint.id}）`
      : '監査ログ確認点 なし（署名済みの確認点がまだありません）',
  ]);

  sheet.getColumn(1).width = fitWidth(['方針', ...summary.rows.map(policyLabel)], 12, 48);
  for (let c = 2; c <= columnCount; c++) sheet.getColumn(c).width = fitWidth([header.getCell(c).text], 10, 24);
  nameFonts(sheet);
}

function addPolicySheet(workbook: ExcelJS.Workbook, name: string, policy: ReportPolicy, scale: ScaleEntry[]): void {
  const sheet = newSheet(workbook, name);
  const columnCount = INITIATIVE_HEADERS.length;
  const statusColumn = INITIATIVE_HEADERS.indexOf('進捗状況') + 1;
  const colourOf = new Map(scale.map((entry) => [entry.code, entry.colour]));

  title(sheet, `方針${policy.number} ${policy.title}`, columnCount);
  const header = sheet.getRow(HEADER_ROW);
  header.values = [...INITIATIVE_HEADERS];
  styleHeader(header, columnCount);

  for (const initiative of policy.initiatives) {
    const cells = initiativeCells(initiative);
    // The CSV leaves it empty for machines; on paper a blank would read as an omission.
    if (initiative.statusLabel === null && initiative.statusCode === null) cells[statusColumn - 1] = '未報告';
    const row = sheet.addRow(cells);
    styleBody(row, columnCount);
    for (let c = 1; c <= columnCount; c++) row.getCell(c).alignment = { vertical: 'top', wrapText: true };
    const colour = initiative.statusCode === null ? undefined : colourOf.get(initiative.statusCode);
    if (colour !== undefined) paint(row.getCell(statusColumn), colour);
    for (const c of [columnCount - 1, columnCount]) {
      const cell = row.getCell(c);
      if (typeof cell.value === 'number') cell.numFmt = Number.isInteger(cell.value) ? '#,##0' : '#,##0.0##';
    }
  }
  if (policy.initiatives.length > 0) {
    sheet.autoFilter = {
      from: { row: HEADER_ROW, column: 1 },
      to: { row: HEADER_ROW + policy.initiatives.length, column: columnCount },
    };
  }

  const texts = (pick: (i: ReportInitiative) => string | null) => policy.initiatives.map((i) => pick(i) ?? '');
  const widths = [
    fitWidth(['取組番号', ...texts((i) => i.code)], 8, 14),
    fitWidth(['取組名', ...texts((i) => i.title)], 16, 40),
    fitWidth(['所管', ...texts((i) => i.unitName)], 10, 24),
    fitWidth(['進捗状況', '未報告', ...texts((i) => i.statusLabel)], 10, 20),
    fitWidth(['進捗説明', ...texts((i) => i.narrative)], 20, 60),
    fitWidth(['遅れ・変更の理由', ...texts((i) => i.reason)], 18, 48),
    fitWidth(['計画効果額（千円）'], 12, 20),
    fitWidth(['実績効果額（千円）'], 12, 20),
  ];
  widths.forEach((width, i) => (sheet.getColumn(i + 1).width = width));
  fitRowHeights(sheet, HEADER_ROW + 1, columnCount);
  nameFonts(sheet);
}

function addIndicatorSheet(workbook: ExcelJS.Workbook, report: CouncilReport): void {
  const sheet = newSheet(workbook, INDICATOR_SHEET);
  const columnCount = INDICATOR_HEADERS.length;
  title(sheet, `検証指標 ${fiscalYearLabel(report.fiscalYear)}`, columnCount);
  const header = sheet.getRow(HEADER_ROW);
  header.values = [...INDICATOR_HEADERS];
  styleHeader(header, columnCount);

  for (const indicator of report.indicators) {
    const format = valueFormat(indicator);
    const value = (v: ReportIndicatorValue | null, what: string) =>
      v === null ? NO_VALUE : finiteOrNull(v.value, `${indicator.code} ${what}`);
    const year = (v: ReportIndicatorValue | null) => (v === null ? NO_VALUE : fiscalYearLabel(v.fiscalYear));
    const row = sheet.addRow([
      indicator.name,
      indicator.unit,
      value(indicator.baseline, 'baseline'),
      year(indicator.baseline),
      value(indicator.actual, 'actual'),
      year(indicator.actual),
      value(indicator.target, 'target'),
      year(indicator.target),
      DIRECTION_JA[indicator.direction],
      finiteOrNull(indicator.achievementRate, `${indicator.code} achievement rate`) ?? NO_VALUE,
      indicator.grade,
    ]);
    styleBody(row, columnCount);
    for (const c of [3, 5, 7]) row.getCell(c).numFmt = format;
    row.getCell(10).numFmt = '0.0';
    for (const c of [4, 6, 8, 9, 11]) row.getCell(c).alignment = { horizontal: 'center' };
    // '−' stands in for a number, so it sits where the number would.
    for (const c of [3, 5, 7, 10])
      if (row.getCell(c).value === NO_VALUE) row.getCell(c).alignment = { horizontal: 'right' };
  }

  sheet.getColumn(1).width = fitWidth(['指標', ...report.indicators.map((i) => i.name)], 16, 40);
  sheet.getColumn(2).width = fitWidth(['単位', ...report.indicators.map((i) => i.unit)], 6, 16);
  for (let c = 3; c <= columnCount; c++)
    sheet.getColumn(c).width = fitWidth([INDICATOR_HEADERS[c - 1], '令和10年度'], 8, 16);
  for (let r = HEADER_ROW + 1; r <= sheet.rowCount; r++)
    sheet.getCell(r, 1).alignment = { vertical: 'top', wrapText: true };
  fitRowHeights(sheet, HEADER_ROW + 1, columnCount);

  // How the 評価 column was decided, in the words of the rule (one rule, see gradeOf).
  sheet.addRow([]);
  const bands = new Set(report.indicators.map((i) => i.gradingBand ?? DEFAULT_GRADING.band));
  const band = bands.size === 1 ? [...bands][0] : DEFAULT_GRADING.band;
  const legend = gradeLegend({ band });
  if (bands.size > 1) {
    const others = report.indicators.filter((i) => (i.gradingBand ?? DEFAULT_GRADING.band) !== band);
    legend.push(
      `幅が異なる指標：${others.map((i) => `${i.name} ±${Math.round((i.gradingBand ?? band) * 1000) / 10}％`).join('、')}`,
    );
  }
  legend.forEach((line, i) => {
    const row = sheet.addRow([line]);
    sheet.mergeCells(row.number, 1, row.number, columnCount);
    row.getCell(1).alignment = { vertical: 'top', wrapText: true };
    if (i === 0) row.getCell(1).font = { ...BASE_FONT, bold: true };
  });
  nameFonts(sheet);
}

/** Excel number formats for the indicator's precision, e.g. 1 → '#,##0.0'. */
function valueFormat(indicator: ReportIndicator): string {
  const { decimals } = indicator;
  // Excel keeps 15 significant digits; more decimals than that would only show noise.
  if (!Number.isInteger(decimals) || decimals < 0 || decimals > 15) {
    throw new RangeError(`indicator ${indicator.code} has an invalid number of decimals: ${decimals}`);
  }
  return decimals === 0 ? '#,##0' : `#,##0.${'0'.repeat(decimals)}`;
}

function newSheet(workbook: ExcelJS.Workbook, name: string): Worksheet {
  return workbook.addWorksheet(name, {
    views: [{ state: 'frozen', xSplit: 0, ySplit: HEADER_ROW }],
    // Council material is printed on A4 landscape, as wide as the page and as many pages long as it
    // takes; the title and column headers repeat on every page.
    pageSetup: {
      paperSize: PAPER_A4,
      orientation: 'landscape',
      fitToPage: true,
      fitToWidth: 1,
      fitToHeight: 0,
      horizontalCentered: true,
      margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 },
      printTitlesRow: `${TITLE_ROW}:${HEADER_ROW}`,
    },
    headerFooter: { oddFooter: '&C&P / &N' },
  });
}

function title(sheet: Worksheet, text: string, columnCount: number): void {
  const cell = sheet.getCell(TITLE_ROW, 1);
  cell.value = text;
  cell.font = { ...BASE_FONT, bold: true, size: 14 };
  sheet.getRow(TITLE_ROW).height = 24;
  if (columnCount > 1) sheet.mergeCells(TITLE_ROW, 1, TITLE_ROW, columnCount);
}

function styleHeader(row: Row, columnCount: number): void {
  for (let c = 1; c <= columnCount; c++) {
    const cell = row.getCell(c);
    cell.font = { ...BASE_FONT, bold: true };
    cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    cell.border = BOX;
    cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: NEUTRAL_HEADER } };
  }
}

function styleBody(row: Row, columnCount: number): void {
  for (let c = 1; c <= columnCount; c++) row.getCell(c).border = BOX;
}

/** Fills a cell with a scale colour, with a font that stays legible on it. */
function paint(cell: Cell, colour: string): void {
  const rgb = /^#([0-9a-f]{6})$/i.exec(colour)?.[1]?.toUpperCase();
  // A malformed colour from configuration should not cost the council its report.
  if (rgb === undefined) return;
  cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: `FF${rgb}` } };
  cell.font = { ...cell.font, color: { argb: isDark(rgb) ? 'FFFFFFFF' : 'FF000000' } };
}

/** WCAG relative luminance below the midpoint between black and white contrast. */
function isDark(rgb: string): boolean {
  const [r, g, b] = [0, 2, 4].map((i) => {
    const s = parseInt(rgb.slice(i, i + 2), 16) / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 0.179;
}

/** Gives every written cell the report's font, keeping its weight, size and colour. */
function nameFonts(sheet: Worksheet): void {
  sheet.eachRow({ includeEmpty: true }, (row) => {
    row.eachCell({ includeEmpty: true }, (cell) => {
      cell.font = { ...BASE_FONT, ...cell.font, name: REPORT_FONT, charset: 128 };
    });
  });
}

/**
 * Row heights for wrapped text. A reader keeps the height a file gives (Excel computes one only
 * when it edits the row), so without one a wrapped title shows its first line and hides the rest.
 */
function fitRowHeights(sheet: Worksheet, firstRow: number, columnCount: number): void {
  for (let r = firstRow; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    let lines = 1;
    for (let c = 1; c <= columnCount; c++) {
      const text = row.getCell(c).text;
      if (!text) continue;
      // A little narrower than the column: Excel's width unit is a digit, with padding either side.
      const perLine = Math.max(1, (sheet.getColumn(c).width ?? 10) - 1.5);
      const needed = text
        .split(/\r?\n/)
        .reduce((n, line) => n + Math.max(1, Math.ceil(displayWidth(line) / perLine)), 0);
      lines = Math.max(lines, needed);
    }
    row.height = lines * LINE_HEIGHT + 4;
  }
}

/**
 * A column width in Excel's units (the width of '0'), from the longest text: full-width
 * characters take about two of them. Long prose is capped and wrapped instead.
 */
function fitWidth(texts: readonly string[], min: number, max: number): number {
  const widest = Math.max(0, ...texts.flatMap((t) => t.split(/\r?\n/)).map(displayWidth));
  return Math.min(max, Math.max(min, widest + 2));
}

function displayWidth(text: string): number {
  let width = 0;
  for (const char of text) width += char.codePointAt(0)! > 0xff ? 2 : 1;
  return width;
}
