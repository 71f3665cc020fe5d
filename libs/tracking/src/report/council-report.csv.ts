import { fiscalYearLabel } from '#libs/calendar';
import type { CouncilReport } from './council-report.js';
import { finiteOrNull, INITIATIVE_HEADERS, initiativeCells, type InitiativeCell } from './council-report-format.js';

/**
 * Excel decodes a CSV without a byte order mark in the system's legacy code page (Shift_JIS on
 * Japanese Windows), which turns every Japanese character into mojibake.
 */
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export const COUNCIL_REPORT_CSV_HEADERS = ['年度', '方針番号', '方針', ...INITIATIVE_HEADERS] as const;

/** One row per initiative, for staff who rework the figures in a spreadsheet. */
export function councilReportCsv(report: CouncilReport): Buffer {
  const year = fiscalYearLabel(report.fiscalYear);
  const rows: InitiativeCell[][] = [[...COUNCIL_REPORT_CSV_HEADERS]];
  for (const policy of report.policies) {
    for (const initiative of policy.initiatives) {
      rows.push([year, finiteOrNull(policy.number, 'policy number'), policy.title, ...initiativeCells(initiative)]);
    }
  }
  // RFC 4180 lets the last record go without a line break; Excel and most parsers expect one.
  const text = rows.map((row) => row.map(csvField).join(',') + '\r\n').join('');
  return Buffer.concat([UTF8_BOM, Buffer.from(text, 'utf8')]);
}

function csvField(cell: InitiativeCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number') return String(cell);
  const text = neutraliseFormula(cell);
  if (LOOKS_LIKE_NUMBER_OR_DATE.test(text)) return `="${text}"`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * Text that a spreadsheet opening the file by double-click would take for a date or a number:
 * Excel turns the initiative code 1-01 into 1月1日 and 0012 into 12, and there is no way back.
 * Written as the formula ="1-01" it stays the text 1-01 (Excel and Numbers evaluate it;
 * LibreOffice does when 「式を評価する」 is ticked in its import dialog — README says how to open
 * the file). Only digits and separators qualify, so the formula can never carry anything else.
 */
const LOOKS_LIKE_NUMBER_OR_DATE = /^[0-9][0-9\-/.:]*$/;

/**
 * Spreadsheets evaluate a CSV cell that starts with =, +, - or @ as a formula (tab and CR can
 * precede one), so a title typed by a department could run =HYPERLINK or DDE on the machine of
 * whoever opens the export. A leading apostrophe keeps such a cell text (OWASP's advice; the
 * apostrophe stays visible, which is the price). Numbers are not touched: a negative amount must
 * stay a number.
 */
function neutraliseFormula(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}
