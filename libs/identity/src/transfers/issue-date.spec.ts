import { describe, expect, it } from '@jest/globals';
import { parseIssueDate } from './issue-date.js';

describe('発令日', () => {
  it('reads the forms personnel systems write', () => {
    expect(parseIssueDate('2027-04-01')).toBe('2027-04-01');
    expect(parseIssueDate('2027/4/1')).toBe('2027-04-01');
    expect(parseIssueDate('令和9年4月1日')).toBe('2027-04-01');
    expect(parseIssueDate('令和元年5月1日')).toBe('2019-05-01');
    expect(parseIssueDate('２０２７／４／１')).toBe('2027-04-01');
  });

  it('refuses what is no day', () => {
    expect(parseIssueDate('2027-02-29')).toBeNull();
    expect(parseIssueDate('4月1日')).toBeNull();
    expect(parseIssueDate('')).toBeNull();
  });
});
