import { describe, expect, it } from '@jest/globals';
import { ERROR_STATUS } from '../../../../libs/platform/src/errors/error-codes.js';
import { ApiProblem, describeFieldProblem, fieldLabel, inJapanese, isConflict, PROBLEM_MESSAGES, problemMessage } from './problem';

const problem = (status: number, code: string, errors: Array<{ field: string; message: string }> = [], detail = 'The username "kenko.sato" is taken') =>
  new ApiProblem(status, code, detail, errors, null);

describe('the server’s field errors, in Japanese', () => {
  it('says the known phrasings again in Japanese', () => {
    expect(inJapanese({ field: 'title', message: 'title must be longer than or equal to 1 characters' })).toBe('入力してください。');
    expect(inJapanese({ field: 'comment', message: 'is required for this action' })).toBe('入力してください。');
    expect(inJapanese({ field: 'title', message: 'title must be shorter than or equal to 200 characters' })).toBe('200文字以内で入力してください。');
    expect(inJapanese({ field: 'expectedAmount', message: 'expectedAmount must not be greater than 1000000000' })).toBe('1,000,000,000以下の値を入力してください。');
    expect(inJapanese({ field: 'username', message: 'is taken' })).toBe('すでに使われています。別のものにしてください。');
    expect(inJapanese({ field: 'email', message: 'email must be an email' })).toBe('メールアドレスの形で入力してください。');
  });

  it('never repeats English it cannot translate: a Japanese request to check the field', () => {
    expect(inJapanese({ field: 'x', message: 'is odd' })).toBe('入力内容を確認してください。');
  });

  it('names the field in Japanese: the page’s own label first, then the shared one, array indices ignored', () => {
    expect(fieldLabel('username')).toBe('ユーザー名');
    expect(fieldLabel('grants[1].orgUnit')).toBe('権限の組織');
    expect(fieldLabel('grants[1].unknown')).toBe('権限');
    expect(fieldLabel('title', { title: '会議名' })).toBe('会議名');
    expect(describeFieldProblem({ field: 'username', message: 'is taken' })).toBe('ユーザー名：すでに使われています。別のものにしてください。');
  });

  it('finds a field’s error under its nested paths', async () => {
    const response = new Response(null, { status: 400, headers: { 'retry-after': '7' } });
    const problem = await ApiProblem.from(response, { code: 'VALIDATION_FAILED', detail: 'Invalid', errors: [{ field: 'schedule[1].step', message: 'step should not be empty' }] });
    expect(problem.fieldError('schedule')).toBe('入力してください。');
    expect(problem.fieldError('title')).toBeUndefined();
    expect(problem.retryAfter).toBe(7);
  });
});

describe('the stable problem codes, in Japanese', () => {
  it('has Japanese words for every code the server can answer, and for no code it does not have', () => {
    expect(Object.keys(PROBLEM_MESSAGES).sort()).toEqual(Object.keys(ERROR_STATUS).sort());
    for (const text of Object.values(PROBLEM_MESSAGES)) expect(text).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
  });

  it('says what the code means, never the English detail', () => {
    for (const code of Object.keys(ERROR_STATUS) as Array<keyof typeof ERROR_STATUS>) {
      const said = problemMessage(problem(ERROR_STATUS[code], code));
      expect(said).toBe(code === 'CONFLICT' ? PROBLEM_MESSAGES.CONFLICT : PROBLEM_MESSAGES[code]);
      expect(said).not.toMatch(/[A-Za-z]{3,}/);
    }
    expect(problemMessage(problem(418, 'SOMETHING_NEW'))).toBe('処理できませんでした。もう一度お試しください。');
    expect(problemMessage(problem(502, 'SOMETHING_NEW'))).toBe(PROBLEM_MESSAGES.INTERNAL_ERROR);
    expect(problemMessage(new TypeError('Failed to fetch'))).toMatch(/^通信できませんでした/);
    expect(problemMessage(new ApiProblem(429, 'RATE_LIMITED', 'Too many', [], 12))).toBe('操作が集中しています。12秒後にもう一度お試しください。');
  });

  it('a taken name is about the input (no reload offered); a conflict without a field is someone else’s change', () => {
    const taken = problem(409, 'CONFLICT', [{ field: 'username', message: 'is taken' }]);
    expect(problemMessage(taken)).toBe('入力内容を確認してください。');
    expect(isConflict(taken)).toBe(false);
    expect(isConflict(problem(409, 'CONFLICT'))).toBe(true);
    expect(isConflict(problem(412, 'VERSION_CONFLICT'))).toBe(true);
  });
});
