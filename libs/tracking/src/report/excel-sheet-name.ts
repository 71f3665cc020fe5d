/**
 * Excel refuses a workbook whose sheet names break its rules (exceljs only truncates and throws),
 * so names built from data are made valid before they reach it.
 */
const MAX_LENGTH = 31;
/**
 * Excel forbids []:*?/\ anywhere and an apostrophe at either end. Apostrophes are replaced
 * everywhere: exceljs 4.4 writes the print-titles name as '<sheet>'!$2:$2 without doubling an
 * apostrophe inside, which makes Excel "repair" the file (exceljs PR #3071).
 */
const FORBIDDEN = /[[\]:*?/\\']/g;

/**
 * A valid sheet name close to `wanted`, not equal (case-insensitively, as Excel compares) to any
 * in `taken`; the caller adds the result to `taken`.
 */
export function excelSheetName(wanted: string, taken: ReadonlySet<string> = new Set()): string {
  let base = wanted.replace(FORBIDDEN, '_').trim();
  if (base === '') base = 'Sheet';
  // 'History' is reserved by Excel for change tracking.
  if (base.toLowerCase() === 'history') base = `${base}_`;
  const takenLower = new Set([...taken].map((name) => name.toLowerCase()));
  for (let n = 1; ; n++) {
    const suffix = n === 1 ? '' : `(${n})`;
    const name = truncate(base, MAX_LENGTH - suffix.length) + suffix;
    if (!takenLower.has(name.toLowerCase())) return name;
  }
}

/**
 * Excel and exceljs count UTF-16 code units; cutting by whole code points keeps a character outside
 * the BMP (some 人名用 kanji are) from being split into a lone surrogate.
 */
function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = '';
  for (const char of text) {
    if (cut.length + char.length > max) break;
    cut += char;
  }
  return cut;
}
