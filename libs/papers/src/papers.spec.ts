import { describe, expect, it } from '@jest/globals';
import { asciiFallback, attachmentDisposition, cleanFileName } from './content-disposition.js';
import { judgeKind, TextCheck } from './file-kinds.js';

describe('Content-Disposition (RFC 6266)', () => {
  it('carries a Japanese name in filename* and an ASCII stand-in in filename', () => {
    const header = attachmentDisposition('様式第1号 (見積).xlsx');
    expect(header).toBe(
      `attachment; filename="_1_ (_).xlsx"; filename*=UTF-8''%E6%A7%98%E5%BC%8F%E7%AC%AC1%E5%8F%B7%20%28%E8%A6%8B%E7%A9%8D%29.xlsx`,
    );
    const encoded = /filename\*=UTF-8''(.+)$/.exec(header)![1];
    expect(decodeURIComponent(encoded)).toBe('様式第1号 (見積).xlsx');
  });

  it('never lets a quote, backslash or semicolon into the quoted fallback', () => {
    expect(asciiFallback('a"b\\c;d.pdf')).toBe('a_b_c_d.pdf');
    expect(asciiFallback('見積.pdf')).toBe('attachment.pdf');
  });

  it('keeps the last path segment of a name and drops control characters', () => {
    expect(cleanFileName('C:\\Users\\市\\予算.pdf')).toBe('予算.pdf');
    expect(cleanFileName('../../etc/\u0000passwd.csv')).toBe('passwd.csv');
    expect(cleanFileName(`${'あ'.repeat(300)}.pdf`)).toHaveLength(255);
  });
});

describe('the kind of a file, by its bytes', () => {
  const text = (...chunks: Uint8Array[]) => {
    const check = new TextCheck();
    for (const c of chunks) check.push(c);
    return check.isText();
  };

  it('takes UTF-8 and Shift_JIS text as CSV, split anywhere between chunks', () => {
    const utf8 = Buffer.from('取組番号,取組名\r\n1-01,窓口DX\r\n', 'utf8');
    expect(text(utf8.subarray(0, 4), utf8.subarray(4))).toBe(true);
    const sjis = Buffer.from([0x8e, 0xe6, 0x91, 0x67, 0x2c, 0x31, 0x0d, 0x0a]); // 取組,1
    expect(text(sjis.subarray(0, 1), sjis.subarray(1))).toBe(true);
  });

  it('refuses bytes with a NUL, and bytes that are neither UTF-8 nor Shift_JIS', () => {
    expect(text(Buffer.from('a,b\u0000c'))).toBe(false);
    expect(text(Buffer.from([0xff, 0xfe, 0xfd, 0x80, 0x80]))).toBe(false);
  });

  it('refuses an executable whatever its name, and a name that contradicts the bytes', () => {
    expect(judgeKind('見積.pdf', { ext: 'exe', mime: 'application/x-msdownload' }, false)).toEqual({
      ok: false,
      reason: expect.stringContaining('x-msdownload'),
    });
    expect(judgeKind('見積.pdf', { ext: 'png', mime: 'image/png' }, false)).toEqual({
      ok: false,
      reason: expect.stringContaining('.pdf'),
    });
    expect(judgeKind('script.csv', undefined, false).ok).toBe(false);
    expect(judgeKind('一覧.CSV', undefined, true)).toEqual({ ok: true, kind: 'csv' });
    expect(judgeKind('写真.JPG', { ext: 'jpg', mime: 'image/jpeg' }, false)).toEqual({ ok: true, kind: 'jpeg' });
  });
});
