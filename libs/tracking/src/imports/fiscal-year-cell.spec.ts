import { describe, expect, it } from '@jest/globals';
import { parseFiscalYear } from './fiscal-year-cell.js';

describe('parseFiscalYear', () => {
  it.each([
    ['2022', 2022],
    ['2022年度', 2022],
    ['令和4年度', 2022],
    ['令和元年度', 2019],
    ['平成31年度', 2019],
    ['平成30年度', 2018],
    ['R4', 2022],
    ['Ｒ４', 2022],
    ['H30', 2018],
  ])('%s → %d', (text, year) => expect(parseFiscalYear(text)).toBe(year));

  it.each(['', '令和', '22', 'FY2022', '令和0年度'])('refuses %p', (text) => expect(parseFiscalYear(text)).toBeNull());
});
