import { describe, expect, it } from '@jest/globals';
import ExcelJS from 'exceljs';
import type { CouncilReport, ReportIndicator, ReportInitiative } from './council-report.js';
import { councilReportCsv } from './council-report.csv.js';
import { councilReportXlsx, PAPER_A4, REPORT_FONT } from './council-report.xlsx.js';

const ON_TRACK_GREEN = '#2E7D32';
const DELAYED_AMBER = '#FFC000';
const INJECTED_TITLE = '=HYPERLINK("https://example.invalid/x","詳細")';
const MULTILINE_TITLE = 'テレワーク, フレックスタイムの拡充\n（働き方改革）';

function initiative(code: string, title: string, over: Partial<ReportInitiative> = {}): ReportInitiative {
  return {
    code,
    title,
    unitName: '行政改革推進課',
    statusCode: 'A',
    statusLabel: '計画通り進捗',
    narrative: '計画どおり実施した。',
    reason: '',
    plannedAmount: null,
    actualAmount: null,
    ...over,
  };
}

const delayed = { statusCode: 'B', statusLabel: '一部変更・遅れ' } as const;

const FUTURE_BURDEN: ReportIndicator = {
  code: 'FIN-01',
  name: '将来負担比率',
  unit: '%',
  decimals: 1,
  direction: 'ceiling',
  baseline: { fiscalYear: 2021, label: '令和3年度', value: 104.6 },
  target: { fiscalYear: 2023, label: '令和5年度', value: 107.8 },
  actual: { fiscalYear: 2022, label: '令和4年度', value: 102.2 },
  achievementRate: null,
  grade: 'S',
};
const SATISFACTION: ReportIndicator = {
  code: 'SVC-01',
  name: '市役所のサービスに満足している市民の割合',
  unit: '%',
  decimals: 1,
  direction: 'higher_better',
  baseline: { fiscalYear: 2021, label: '令和3年度', value: 48.9 },
  target: { fiscalYear: 2023, label: '令和5年度', value: 65 },
  actual: { fiscalYear: 2022, label: '令和4年度', value: 44.1 },
  achievementRate: -29.8,
  grade: 'C',
};
const NOT_YET_MEASURED: ReportIndicator = {
  code: 'DX-01',
  name: 'オンラインで完結する手続の数',
  unit: '手続',
  decimals: 0,
  direction: 'higher_better',
  baseline: { fiscalYear: 2021, label: '令和3年度', value: 120 },
  target: { fiscalYear: 2023, label: '令和5年度', value: 1500 },
  actual: null,
  achievementRate: null,
  grade: '−',
};

/**
 * Shaped like Kumamoto's 令和4年度 figures: 137 initiatives reported, 108 on track and 29
 * changed or delayed. Only a few initiatives per policy are listed; the summary carries the counts.
 */
const KUMAMOTO_FY2022: CouncilReport = {
  plan: { code: 'KUMAMOTO-GYOKAKU-R2', name: '熊本市行政改革計画', periodLabel: '令和2年度～令和5年度' },
  fiscalYear: 2022,
  fiscalYearLabel: '令和4年度',
  scale: [
    { code: 'A', labelJa: '計画通り進捗', normalized: 'on_track', colour: ON_TRACK_GREEN },
    { code: 'B', labelJa: '一部変更・遅れ', normalized: 'delayed', colour: DELAYED_AMBER },
  ],
  summary: {
    rows: [
      { policyNumber: 1, policyTitle: '組織・人づくり改革', counts: { A: 40, B: 10 }, total: 50 },
      { policyNumber: 2, policyTitle: '行政サービス改革', counts: { A: 38, B: 11 }, total: 49 },
      { policyNumber: 3, policyTitle: '財政マネジメント改革', counts: { A: 30, B: 8 }, total: 38 },
    ],
    totals: { A: 108, B: 29 },
    total: 137,
    unreported: 2,
  },
  policies: [
    {
      number: 1,
      title: '組織・人づくり改革',
      initiatives: [
        initiative('1-1', '職員の人材育成の推進', { unitName: '人材育成課' }),
        initiative('1-2', MULTILINE_TITLE, {
          unitName: '人事課',
          ...delayed,
          reason: '庁内システムの更新が遅れたため。',
        }),
        initiative('1-3', '内部統制の推進', { statusCode: null, statusLabel: null, narrative: '', unitName: '総務課' }),
      ],
    },
    {
      number: 2,
      title: '行政サービス改革',
      initiatives: [
        initiative('2-1', INJECTED_TITLE, { unitName: '情報政策課' }),
        initiative('2-2', '窓口のキャッシュレス決済', {
          ...delayed,
          narrative: '+12手続に拡大した。',
          reason: '"決済端末"の調達が翌年度になったため。',
          plannedAmount: 1200,
          actualAmount: -500,
        }),
      ],
    },
    {
      number: 3,
      title: '財政マネジメント改革',
      initiatives: [
        initiative('3-1', '市債残高の縮減', { unitName: '財政課', plannedAmount: 120000, actualAmount: 98500 }),
        initiative('3-2', '使用料・手数料の見直し', {
          unitName: '財政課',
          narrative: '@受益者負担の適正化を検討した。',
          plannedAmount: 3000.5,
        }),
      ],
    },
  ],
  indicators: [FUTURE_BURDEN, SATISFACTION, NOT_YET_MEASURED],
  // 31 May 15:30 UTC is already 1 June in Japan.
  generatedAt: '2023-05-31T15:30:00.000Z',
  snapshotId: 'snap-2023-0601',
  auditCheckpoint: {
    id: '5f0c1d2e-0000-4000-8000-000000000042',
    seq: 4210,
    headHash: 'ab'.repeat(32),
    signedAt: '2023-05-31T15:05:00.000Z',
    keyId: '0123456789abcdef',
  },
};

const INITIATIVE_COUNT = KUMAMOTO_FY2022.policies.reduce((n, p) => n + p.initiatives.length, 0);

/** RFC 4180 records, to check the quoting by reading it back rather than by pattern. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record.map(unwrapText));
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) throw new Error('CSV does not end with CRLF');
  return records;
}

/** The text of a cell written as ="…" (read as =… by an RFC 4180 reader) to keep codes like 1-01 text. */
function unwrapText(cell: string): string {
  return /^=[0-9][0-9\-/.:]*$/.test(cell) ? cell.slice(1) : cell;
}

function csvText(report: CouncilReport): string {
  // Past the BOM, which the byte-level tests check.
  return councilReportCsv(report).subarray(3).toString('utf8');
}

async function reopen(report: CouncilReport): Promise<ExcelJS.Workbook> {
  const buffer = await councilReportXlsx(report);
  const workbook = new ExcelJS.Workbook();
  // exceljs types its Buffer as an ArrayBuffer; at run time it takes Node's.
  await workbook.xlsx.load(buffer as unknown as ArrayBuffer);
  return workbook;
}

function sheet(workbook: ExcelJS.Workbook, name: string): ExcelJS.Worksheet {
  const found = workbook.getWorksheet(name);
  if (!found) throw new Error(`no sheet ${name}; have ${workbook.worksheets.map((w) => w.name).join(', ')}`);
  return found;
}

function rowValues(ws: ExcelJS.Worksheet, rowNumber: number): unknown[] {
  const row = ws.getRow(rowNumber);
  return Array.from({ length: ws.columnCount }, (_, i) => row.getCell(i + 1).value);
}

function rowStartingWith(ws: ExcelJS.Worksheet, first: string): ExcelJS.Row {
  for (let r = 1; r <= ws.rowCount; r++) if (ws.getRow(r).getCell(1).value === first) return ws.getRow(r);
  throw new Error(`no row starting with ${first} in ${ws.name}`);
}

function fillOf(cell: ExcelJS.Cell): string | undefined {
  return cell.fill?.type === 'pattern' ? cell.fill.fgColor?.argb : undefined;
}

describe('council report CSV', () => {
  it('starts with the UTF-8 byte order mark, once, so that Excel reads the Japanese as UTF-8', () => {
    const csv = councilReportCsv(KUMAMOTO_FY2022);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.subarray(3, 6).toString('utf8')).toBe('年');
  });

  it('ends every record with CRLF, newlines inside a quoted field aside', () => {
    const text = csvText(KUMAMOTO_FY2022);
    const outsideQuotes = text.replace(/"(?:[^"]|"")*"/g, '');
    expect(outsideQuotes.match(/\r\n/g)).toHaveLength(INITIATIVE_COUNT + 1);
    expect(outsideQuotes.replaceAll('\r\n', '')).not.toMatch(/[\r\n]/);
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('has a Japanese header row and one row per initiative in 和暦', () => {
    const [header, ...rows] = parseCsv(csvText(KUMAMOTO_FY2022));
    expect(header).toEqual([
      '年度',
      '方針番号',
      '方針',
      '取組番号',
      '取組名',
      '所管',
      '進捗状況',
      '進捗説明',
      '遅れ・変更の理由',
      '計画効果額（千円）',
      '実績効果額（千円）',
    ]);
    expect(rows).toHaveLength(INITIATIVE_COUNT);
    expect(rows.map((r) => r[0])).toEqual(Array(INITIATIVE_COUNT).fill('令和4年度'));
    expect(rows[0]).toEqual([
      '令和4年度',
      '1',
      '組織・人づくり改革',
      '1-1',
      '職員の人材育成の推進',
      '人材育成課',
      '計画通り進捗',
      '計画どおり実施した。',
      '',
      '',
      '',
    ]);
  });

  it('quotes a title containing a comma and a newline, and doubles quotes', () => {
    const text = csvText(KUMAMOTO_FY2022);
    expect(text).toContain(`,"${MULTILINE_TITLE}",`);
    expect(text).toContain(',"""決済端末""の調達が翌年度になったため。",');
    const rows = parseCsv(text);
    expect(rows.find((r) => r[3] === '1-2')?.[4]).toBe(MULTILINE_TITLE);
    expect(rows.find((r) => r[3] === '2-2')?.[8]).toBe('"決済端末"の調達が翌年度になったため。');
  });

  it('writes codes that a spreadsheet would take for a date or a number as ="…", so they stay text', () => {
    const text = csvText(KUMAMOTO_FY2022);
    expect(text).toContain(',="1-1",');
    const report: CouncilReport = {
      ...KUMAMOTO_FY2022,
      policies: [
        {
          number: 1,
          title: '方針',
          initiatives: ['1-01', '0012', '2024/4/1', 'A-01', '１-01', '1-01a'].map((code) => initiative(code, 't')),
        },
      ],
    };
    const codes = csvText(report)
      .split('\r\n')
      .slice(1, -1)
      .map((line) => line.split(',')[3]);
    expect(codes).toEqual(['="1-01"', '="0012"', '="2024/4/1"', 'A-01', '１-01', '1-01a']);
  });

  it('leaves an unreported status and a missing amount empty', () => {
    const row = parseCsv(csvText(KUMAMOTO_FY2022)).find((r) => r[3] === '1-3');
    expect(row?.slice(6)).toEqual(['', '', '', '', '']);
  });

  it('neutralises text that a spreadsheet would run as a formula, but keeps numbers numbers', () => {
    const text = csvText(KUMAMOTO_FY2022);
    expect(text).toContain(`,"'=HYPERLINK(""https://example.invalid/x"",""詳細"")",`);
    const rows = parseCsv(text);
    expect(rows.find((r) => r[3] === '2-1')?.[4]).toBe(`'${INJECTED_TITLE}`);
    expect(rows.find((r) => r[3] === '2-2')?.[7]).toBe("'+12手続に拡大した。");
    expect(rows.find((r) => r[3] === '3-2')?.[7]).toBe("'@受益者負担の適正化を検討した。");
    // A negative amount is a number, and is written as one.
    expect(text).toContain(',1200,-500\r\n');
    expect(text).toContain(',120000,98500\r\n');
    expect(text).toContain(',3000.5,\r\n');
  });

  it('neutralises every formula prefix and nothing else', () => {
    const titles = ['=1+1', '+1', '-1', '@SUM(A1)', '\t=1', '\r=1', 'a=1', '１＝１', "'quoted"];
    const report: CouncilReport = {
      ...KUMAMOTO_FY2022,
      policies: [{ number: 1, title: '方針', initiatives: titles.map((t, i) => initiative(`X-${i}`, t)) }],
    };
    const cells = parseCsv(csvText(report))
      .slice(1)
      .map((r) => r[4]);
    expect(cells).toEqual(["'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\t=1", "'\r=1", 'a=1', '１＝１', "'quoted"]);
  });

  it('refuses an amount that is not a finite number rather than print it', () => {
    const report: CouncilReport = {
      ...KUMAMOTO_FY2022,
      policies: [{ number: 1, title: '方針', initiatives: [initiative('X-1', 't', { actualAmount: Number.NaN })] }],
    };
    expect(() => councilReportCsv(report)).toThrow(RangeError);
  });
});

describe('council report workbook', () => {
  it('re-opens with exceljs, with the summary, one sheet per policy and the indicators', async () => {
    const workbook = await reopen(KUMAMOTO_FY2022);
    expect(workbook.worksheets.map((w) => w.name)).toEqual(['概要', '方針1', '方針2', '方針3', '検証指標']);
    expect(workbook.creator).toBe('Kaikaku');
    expect(workbook.created.toISOString()).toBe(KUMAMOTO_FY2022.generatedAt);
  });

  it('summarises in the layout of the plan: scale labels as columns, a 合計 row of numbers', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '概要');
    expect(ws.getCell(1, 1).text).toContain('熊本市行政改革計画');
    expect(ws.getCell(1, 1).text).toContain('令和4年度');
    expect(rowValues(ws, 2)).toEqual(['方針', '計画通り進捗', '一部変更・遅れ', '合計']);
    expect(rowValues(ws, 3)).toEqual(['方針1 組織・人づくり改革', 40, 10, 50]);
    expect(rowValues(ws, 4)).toEqual(['方針2 行政サービス改革', 38, 11, 49]);
    expect(rowValues(ws, 5)).toEqual(['方針3 財政マネジメント改革', 30, 8, 38]);
    const totals = rowStartingWith(ws, '合計');
    expect([2, 3, 4].map((c) => totals.getCell(c).value)).toEqual([108, 29, 137]);
    expect([2, 3, 4].map((c) => typeof totals.getCell(c).value)).toEqual(['number', 'number', 'number']);
    expect(ws.getRow(totals.number + 1).getCell(1).value).toBe('未報告 2 件');
  });

  it('colours the scale headers, freezes the header and sizes the columns', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '概要');
    expect(fillOf(ws.getCell(2, 2))).toBe('FF2E7D32');
    expect(fillOf(ws.getCell(2, 3))).toBe('FFFFC000');
    expect(ws.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });
    for (let c = 1; c <= 4; c++) expect(ws.getColumn(c).width).toBeGreaterThanOrEqual(10);
    expect(ws.getColumn(1).width).toBeGreaterThan(ws.getColumn(2).width ?? 0);
  });

  it('dates the summary in 和暦 on the day in Japan, and names its snapshot', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '概要');
    const texts = Array.from({ length: ws.rowCount }, (_, i) => ws.getRow(i + 1).getCell(1).value);
    expect(texts).toContain('作成日 令和5年6月1日');
    expect(texts).toContain('計画期間 令和2年度～令和5年度');
    expect(texts).toContain('スナップショット snap-2023-0601');
    expect(texts).toContain(
      '監査ログ確認点 #4210（署名 令和5年6月1日、鍵 0123456789abcdef、先頭ハッシュ abababababababab…、ID 5f0c1d2e-0000-4000-8000-000000000042）',
    );
  });

  it('leaves out the 未報告 note when every initiative reported', async () => {
    const report = { ...KUMAMOTO_FY2022, summary: { ...KUMAMOTO_FY2022.summary, unreported: 0 } };
    const ws = sheet(await reopen(report), '概要');
    const texts = Array.from({ length: ws.rowCount }, (_, i) => ws.getRow(i + 1).getCell(1).text);
    expect(texts.some((t) => t.startsWith('未報告'))).toBe(false);
  });

  it('lists each policy’s initiatives with the status filled in the scale colour', async () => {
    const workbook = await reopen(KUMAMOTO_FY2022);
    const first = sheet(workbook, '方針1');
    expect(first.getCell(1, 1).value).toBe('方針1 組織・人づくり改革');
    expect(rowValues(first, 2)).toEqual([
      '取組番号',
      '取組名',
      '所管',
      '進捗状況',
      '進捗説明',
      '遅れ・変更の理由',
      '計画効果額（千円）',
      '実績効果額（千円）',
    ]);
    expect([3, 4, 5].map((r) => first.getCell(r, 1).value)).toEqual(['1-1', '1-2', '1-3']);
    expect(first.getCell(4, 2).value).toBe(MULTILINE_TITLE);
    expect(fillOf(first.getCell(3, 4))).toBe('FF2E7D32');
    expect(fillOf(first.getCell(4, 4))).toBe('FFFFC000');
    expect(first.getCell(5, 4).value).toBe('未報告');
    expect(first.views[0]).toMatchObject({ state: 'frozen', ySplit: 2 });

    const second = sheet(workbook, '方針2');
    // Cells in a workbook are typed: the text stays text, with no apostrophe shown.
    expect(second.getCell(3, 2).value).toBe(INJECTED_TITLE);
    expect([second.getCell(4, 7).value, second.getCell(4, 8).value]).toEqual([1200, -500]);
    expect(second.getCell(4, 7).numFmt).toBe('#,##0');

    const third = sheet(workbook, '方針3');
    expect(rowValues(third, 3).slice(6)).toEqual([120000, 98500]);
    expect(rowValues(third, 4).slice(6)).toEqual([3000.5, null]);
  });

  it('shows the indicators with their precision, 和暦 years, direction and grade', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '検証指標');
    expect(rowValues(ws, 2)).toEqual([
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
    ]);
    const burden = rowStartingWith(ws, '将来負担比率');
    expect(rowValues(ws, burden.number)).toEqual([
      '将来負担比率',
      '%',
      104.6,
      '令和3年度',
      102.2,
      '令和4年度',
      107.8,
      '令和5年度',
      '上限',
      '−',
      'S',
    ]);
    expect([3, 5, 7].map((c) => burden.getCell(c).numFmt)).toEqual(['#,##0.0', '#,##0.0', '#,##0.0']);

    const satisfaction = rowStartingWith(ws, '市役所のサービスに満足している市民の割合');
    expect(rowValues(ws, satisfaction.number)).toEqual([
      '市役所のサービスに満足している市民の割合',
      '%',
      48.9,
      '令和3年度',
      44.1,
      '令和4年度',
      65,
      '令和5年度',
      '高いほど良い',
      -29.8,
      'C',
    ]);
    expect(satisfaction.getCell(10).numFmt).toBe('0.0');

    const unmeasured = rowStartingWith(ws, 'オンラインで完結する手続の数');
    expect(rowValues(ws, unmeasured.number).slice(2)).toEqual([
      120,
      '令和3年度',
      '−',
      '−',
      1500,
      '令和5年度',
      '高いほど良い',
      '−',
      '−',
    ]);
    expect(unmeasured.getCell(3).numFmt).toBe('#,##0');
  });

  it('gives every sheet a valid Excel name, even for odd policy numbers', async () => {
    const report: CouncilReport = {
      ...KUMAMOTO_FY2022,
      policies: [
        { number: 1, title: 'a', initiatives: [] },
        { number: 1, title: 'duplicate', initiatives: [] },
        { number: 12345678901234567890123456789, title: 'long', initiatives: [] },
      ],
    };
    const names = (await reopen(report)).worksheets.map((w) => w.name);
    expect(names.slice(0, 3)).toEqual(['概要', '方針1', '方針1(2)']);
    for (const name of names) {
      expect(name.length).toBeLessThanOrEqual(31);
      expect(name).not.toMatch(/[[\]:*?/\\]/);
    }
    expect(new Set(names).size).toBe(names.length);
  });

  it('prints every sheet on A4 landscape, one page wide, with the title and headers repeated', async () => {
    const workbook = await reopen(KUMAMOTO_FY2022);
    for (const ws of workbook.worksheets) {
      expect(ws.pageSetup).toMatchObject({
        paperSize: PAPER_A4,
        orientation: 'landscape',
        fitToPage: true,
        fitToWidth: 1,
        fitToHeight: 0,
        printTitlesRow: '1:2',
      });
    }
    expect(PAPER_A4).toBe(9);
  });

  it('wraps 取組名 and gives each row the height its wrapped lines need', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '方針1');
    const titleColumn = 2;
    for (let r = 3; r <= ws.rowCount; r++)
      expect(ws.getCell(r, titleColumn).alignment).toMatchObject({ wrapText: true });
    const multiline = ws.getRow(4);
    expect(multiline.getCell(titleColumn).value).toBe(MULTILINE_TITLE);
    // Two lines of the title at least: taller than a one-line row.
    expect(multiline.height).toBeGreaterThan(ws.getRow(3).height);
    const long = {
      ...KUMAMOTO_FY2022,
      policies: [{ number: 1, title: 'p', initiatives: [initiative('1-1', '長い取組名'.repeat(20))] }],
    };
    const longSheet = sheet(await reopen(long), '方針1');
    const width = longSheet.getColumn(titleColumn).width!;
    // 100 full-width characters at two units each, over the column's width: that many lines.
    expect(longSheet.getRow(3).height).toBeGreaterThanOrEqual(Math.ceil(200 / width) * 14);
  });

  it('names the font of every cell that has text, bold totals included', async () => {
    const workbook = await reopen(KUMAMOTO_FY2022);
    let checked = 0;
    for (const ws of workbook.worksheets) {
      ws.eachRow((row) =>
        row.eachCell((cell) => {
          expect({ sheet: ws.name, cell: cell.address, font: cell.font?.name }).toEqual({
            sheet: ws.name,
            cell: cell.address,
            font: REPORT_FONT,
          });
          checked++;
        }),
      );
    }
    expect(checked).toBeGreaterThan(100);
    expect(rowStartingWith(sheet(workbook, '概要'), '合計').getCell(4).font).toMatchObject({
      name: REPORT_FONT,
      bold: true,
    });
  });

  it('explains the grades under the indicators, with the band used', async () => {
    const ws = sheet(await reopen(KUMAMOTO_FY2022), '検証指標');
    const texts = Array.from({ length: ws.rowCount }, (_, i) => ws.getRow(i + 1).getCell(1).text);
    expect(texts).toEqual(
      expect.arrayContaining([
        'S：目標を達成（達成率100％以上）',
        'A：達成率が10％を超える（目標に向けて前進）',
        'C：達成率が−10％未満（基準値より後退）',
      ]),
    );
    const narrow = { ...KUMAMOTO_FY2022, indicators: [{ ...SATISFACTION, gradingBand: 0.05 }, FUTURE_BURDEN] };
    const narrowSheet = sheet(await reopen(narrow), '検証指標');
    const narrowTexts = Array.from(
      { length: narrowSheet.rowCount },
      (_, i) => narrowSheet.getRow(i + 1).getCell(1).text,
    );
    expect(narrowTexts.some((t) => t.startsWith('幅が異なる指標') && t.includes('±5％'))).toBe(true);
  });

  it('refuses an indicator precision Excel cannot show', async () => {
    const report = { ...KUMAMOTO_FY2022, indicators: [{ ...FUTURE_BURDEN, decimals: 1.5 }] };
    await expect(councilReportXlsx(report)).rejects.toThrow(RangeError);
  });
});
