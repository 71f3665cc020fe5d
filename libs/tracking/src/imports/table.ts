import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';

export type TableFormat = 'csv' | 'xlsx';

export interface TableRow {
  /** The row's number as a person sees it in the file (the header is row 1). */
  row: number;
  cells: Record<string, string>;
}

export interface Table {
  headers: string[];
  rows: TableRow[];
}

/** Reads the first sheet (xlsx) or the whole file (CSV, UTF-8 with or without a BOM) as header + rows. */
export async function readTable(content: Buffer, format: TableFormat): Promise<Table> {
  if (format === 'csv') {
    const text = decodeCsv(content).replace(/^\uFEFF/, '');
    // Blank lines are kept while numbering, so that a row number in an error report is the row
    // Excel shows for the same file (a cell with a line break stays one row there).
    const records: string[][] = parse(text, { relax_column_count: true, skip_empty_lines: false, trim: true });
    const [head = [], ...body] = records;
    const headers = head.map((h) => h.trim());
    return {
      headers,
      rows: body
        .map((record, i) => ({
          row: i + 2,
          cells: Object.fromEntries(headers.map((h, c) => [h, (record[c] ?? '').trim()])),
        }))
        .filter((r) => Object.values(r.cells).some((v) => v !== '')),
    };
  }
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(content as unknown as ArrayBuffer);
  const sheet = workbook.worksheets[0];
  if (!sheet) return { headers: [], rows: [] };
  const text = (v: ExcelJS.CellValue): string => {
    if (v === null || v === undefined) return '';
    if (v instanceof Date) return v.toISOString().slice(0, 10);
    if (typeof v === 'object' && 'richText' in v) return v.richText.map((t) => t.text).join('');
    // A formula's cell reads as its computed value, as a spreadsheet shows it.
    if (typeof v === 'object' && 'result' in v) return text(v.result ?? null);
    if (typeof v === 'object' && 'text' in v) return String(v.text);
    if (typeof v === 'object' && 'error' in v) return v.error;
    // A formula stored without its computed value: nothing to read.
    if (typeof v === 'object') return '';
    return String(v).trim();
  };
  const headers: string[] = [];
  sheet.getRow(1).eachCell({ includeEmpty: true }, (cell, col) => (headers[col - 1] = text(cell.value)));
  const rows: TableRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (r, n) => {
    if (n === 1) return;
    const cells: Record<string, string> = {};
    headers.forEach((h, c) => (cells[h] = text(r.getCell(c + 1).value)));
    if (Object.values(cells).some((v) => v !== '')) rows.push({ row: n, cells });
  });
  return { headers, rows };
}

/**
 * UTF-8 when the bytes are valid UTF-8; otherwise Shift_JIS (Windows-31J), which is what Excel
 * on a Japanese Windows PC writes when someone chooses plain "CSV". Anything else is refused
 * rather than imported as mojibake.
 */
function decodeCsv(content: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    try {
      return new TextDecoder('shift_jis', { fatal: true }).decode(content);
    } catch {
      throw new Error('the file is neither UTF-8 nor Shift_JIS text');
    }
  }
}
