import { describe, expect, it } from '@jest/globals';
import { ApiProblem, inJapanese } from './problem';

describe('the server’s field errors, in Japanese', () => {
  it('says the known phrasings again in Japanese', () => {
    expect(inJapanese({ field: 'title', message: 'title must be longer than or equal to 1 characters' })).toBe('入力してください。');
    expect(inJapanese({ field: 'comment', message: 'is required for this action' })).toBe('入力してください。');
    expect(inJapanese({ field: 'title', message: 'title must be shorter than or equal to 200 characters' })).toBe('200文字以内で入力してください。');
    expect(inJapanese({ field: 'expectedAmount', message: 'expectedAmount must not be greater than 1000000000' })).toBe('1,000,000,000以下の値を入力してください。');
  });

  it('keeps what it cannot translate, after a Japanese lead', () => {
    expect(inJapanese({ field: 'x', message: 'is odd' })).toBe('入力内容を確認してください（is odd）。');
  });

  it('finds a field’s error under its nested paths', async () => {
    const response = new Response(null, { status: 400, headers: { 'retry-after': '7' } });
    const problem = await ApiProblem.from(response, { code: 'VALIDATION_FAILED', detail: 'Invalid', errors: [{ field: 'schedule[1].step', message: 'step should not be empty' }] });
    expect(problem.fieldError('schedule')).toBe('入力してください。');
    expect(problem.fieldError('title')).toBeUndefined();
    expect(problem.retryAfter).toBe(7);
  });
});
