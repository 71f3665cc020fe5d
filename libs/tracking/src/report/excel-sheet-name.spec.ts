import { describe, expect, it } from '@jest/globals';
import { excelSheetName } from './excel-sheet-name.js';

describe('Excel sheet names', () => {
  it('keep a valid name as it is', () => {
    expect(excelSheetName('方針1')).toBe('方針1');
    expect(excelSheetName('検証指標')).toBe('検証指標');
  });

  it('replace the characters Excel forbids, and apostrophes, which exceljs misquotes', () => {
    expect(excelSheetName('a[b]c:d*e?f/g\\h')).toBe('a_b_c_d_e_f_g_h');
    expect(excelSheetName("'方針'")).toBe('_方針_');
    expect(excelSheetName("D'Alsace")).toBe('D_Alsace');
    expect(excelSheetName('')).toBe('Sheet');
    expect(excelSheetName('History')).toBe('History_');
  });

  it('cut at 31 UTF-16 units without splitting a surrogate pair', () => {
    expect(excelSheetName('あ'.repeat(40))).toBe('あ'.repeat(31));
    const name = excelSheetName('あ'.repeat(30) + '𠮷');
    expect(name).toBe('あ'.repeat(30));
  });

  it('avoid names already taken, as Excel compares them, ignoring case', () => {
    expect(excelSheetName('Sheet', new Set(['sheet']))).toBe('Sheet(2)');
    expect(excelSheetName('方針1', new Set(['方針1', '方針1(2)']))).toBe('方針1(3)');
    const long = 'x'.repeat(40);
    expect(excelSheetName(long, new Set(['x'.repeat(31)]))).toBe('x'.repeat(28) + '(2)');
  });
});
