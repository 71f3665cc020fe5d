const ERA_START: Record<string, number> = { 令和: 2019, R: 2019, 平成: 1989, H: 1989 };

/**
 * A fiscal year as people write it in a sheet: `2022`, `2022年度`, `令和4年度`, `令和元年度`,
 * `R4`, `H30`. Answers the Gregorian year it starts in, or null if it is not one.
 */
export function parseFiscalYear(text: string): number | null {
  const s = text.normalize('NFKC').replace(/\s/g, '');
  let m = /^(\d{4})(年度)?$/.exec(s);
  if (m) return Number(m[1]);
  m = /^(令和|平成|R|H)(元|\d{1,2})(年度|年)?$/i.exec(s);
  if (m) {
    const era = ERA_START[m[1].toUpperCase() === 'R' ? 'R' : m[1].toUpperCase() === 'H' ? 'H' : m[1]];
    const n = m[2] === '元' ? 1 : Number(m[2]);
    return n >= 1 ? era + n - 1 : null;
  }
  return null;
}
