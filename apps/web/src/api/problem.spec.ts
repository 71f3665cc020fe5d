import { describe, expect, it } from '@jest/globals';
import { ERROR_STATUS } from '../../../../libs/platform/src/errors/error-codes.js';
import {
  ApiProblem,
  describeFieldProblem,
  fieldLabel,
  inJapanese,
  isConflict,
  PROBLEM_MESSAGES,
  problemMessage,
  rowProblemInJapanese,
} from './problem.js';

const problem = (
  status: number,
  code: string,
  errors: Array<{ field: string; message: string }> = [],
  detail = 'The username "kenko.sato" is taken',
) => new ApiProblem(status, code, detail, errors, null);

describe('the server’s field errors, in Japanese', () => {
  it('says the known phrasings again in Japanese', () => {
    expect(inJapanese({ field: 'title', message: 'title must be longer than or equal to 1 characters' })).toBe(
      '入力してください。',
    );
    expect(inJapanese({ field: 'comment', message: 'is required for this action' })).toBe('入力してください。');
    expect(inJapanese({ field: 'title', message: 'title must be shorter than or equal to 200 characters' })).toBe(
      '200文字以内で入力してください。',
    );
    expect(inJapanese({ field: 'expectedAmount', message: 'expectedAmount must not be greater than 1000000000' })).toBe(
      '1,000,000,000以下の値を入力してください。',
    );
    expect(inJapanese({ field: 'username', message: 'is taken' })).toBe(
      'すでに使われています。別のものにしてください。',
    );
    expect(inJapanese({ field: 'email', message: 'email must be an email' })).toBe(
      'メールアドレスの形で入力してください。',
    );
  });

  it('never repeats English it cannot translate: a Japanese request to check the field', () => {
    expect(inJapanese({ field: 'x', message: 'is odd' })).toBe('入力内容を確認してください。');
  });

  it('names the field in Japanese: the page’s own label first, then the shared one, array indices ignored', () => {
    expect(fieldLabel('username')).toBe('ユーザー名');
    expect(fieldLabel('grants[1].orgUnit')).toBe('権限の組織');
    expect(fieldLabel('grants[1].unknown')).toBe('権限');
    expect(fieldLabel('title', { title: '会議名' })).toBe('会議名');
    expect(describeFieldProblem({ field: 'username', message: 'is taken' })).toBe(
      'ユーザー名：すでに使われています。別のものにしてください。',
    );
  });

  it('finds a field’s error under its nested paths', async () => {
    const response = new Response(null, { status: 400, headers: { 'retry-after': '7' } });
    const problem = await ApiProblem.from(response, {
      code: 'VALIDATION_FAILED',
      detail: 'Invalid',
      errors: [{ field: 'schedule[1].step', message: 'step should not be empty' }],
    });
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
    expect(problemMessage(new ApiProblem(429, 'RATE_LIMITED', 'Too many', [], 12))).toBe(
      '操作が集中しています。12秒後にもう一度お試しください。',
    );
  });

  it('a taken name is about the input (no reload offered); a conflict without a field is someone else’s change', () => {
    const taken = problem(409, 'CONFLICT', [{ field: 'username', message: 'is taken' }]);
    expect(problemMessage(taken)).toBe('入力内容を確認してください。');
    expect(isConflict(taken)).toBe(false);
    expect(isConflict(problem(409, 'CONFLICT'))).toBe(true);
    expect(isConflict(problem(412, 'VERSION_CONFLICT'))).toBe(true);
  });
});

describe('an import file’s row problems, in Japanese', () => {
  it('says each phrasing of the import service again in Japanese, keeping what it quotes from the file', () => {
    const said: Array<[string, string]> = [
      ['this column is missing from the header row', '見出し行（1行目）にこの列がありません。'],
      ['the file has no rows', 'ファイルにデータの行がありません。'],
      ['is empty', '空欄です。入力してください。'],
      [
        '"R6 検討" is not "year: step" (e.g. 令和6年度:検討)',
        '「R6 検討」は「年度:内容」の形ではありません（例：令和6年度:検討）。',
      ],
      ['令和9年度 lies outside the plan period', '令和9年度は計画の期間の外です。'],
      [
        '令和9年度 lies outside the plan period 令和6年度–令和8年度',
        '令和9年度は計画の期間（令和6年度〜令和8年度）の外です。',
      ],
      ['令和7年度 is given twice', '令和7年度が二度書かれています。'],
      ['"12.5" is not a whole number', '「12.5」は整数ではありません。'],
      ['"たくさん" is not a number', '「たくさん」は数値ではありません。'],
      [
        '"R4" is not a fiscal year (2022, 令和4年度 …)',
        '「R4」を年度として読めません（令和4年度 や 2022 のように書きます）。',
      ],
      [
        '"令和" is not a fiscal year in 和暦 (令和4年度 …)',
        '「令和」を和暦の年度として読めません（令和4年度 のように書きます）。',
      ],
      [
        '令和5年度 is 令和5年度 (FY2023), but 年度 says 2022 (令和4年度): which one is right?',
        '和暦年度（令和5年度＝令和5年度）と年度（2022＝令和4年度）が食い違っています。どちらかを直してください。',
      ],
      ['no indicator "K-99" in this plan', 'この計画に指標コード「K-99」の検証指標はありません。'],
      [
        'the plan has no indicator "満足度" (give its code or its exact name)',
        'この計画に検証指標「満足度」はありません（指標コードか、指標名をそのまま書きます）。',
      ],
      ['the plan has no policy 7', 'この計画に方針7はありません。'],
      ['policy 2 has no theme 9', '方針2にテーマ9はありません。'],
      [
        'no organisation unit "健康局" (a code such as kenko, or a name such as 健康福祉局)',
        '組織「健康局」が見つかりません（健康福祉局 のような名称か、kenko のような組織コードで書きます）。',
      ],
      ['no organisation unit "keizai2"', '組織「keizai2」が見つかりません。'],
      ['no initiative "9-99" in this plan', 'この計画に取組番号「9-99」の取組はありません。'],
      [
        '"順調" is not on this plan\'s scale (計画通り進捗 / 一部変更・遅れ)',
        '「順調」はこの計画の進捗状況にありません（計画通り進捗、一部変更・遅れ のどれかを書きます）。',
      ],
      ['is required when the status is 一部変更・遅れ', '進捗状況が一部変更・遅れのときは入力してください。'],
      ['no active person has the employee number K0099', '職員番号「K0099」の在職中の職員はいません。'],
      [
        'the person with K0002 is 中央区 担当者, not 別の人',
        '職員番号K0002の職員は「中央区 担当者」です（ファイルでは「別の人」）。',
      ],
      [
        '"4月1日" is not a day (2027-04-01 or 令和9年4月1日)',
        '「4月1日」を日付として読めません（2027-04-01 や 令和9年4月1日 のように書きます）。',
      ],
      [
        'a transfer is entered ahead: 2026-04-01 is not after today (2026-12-02)',
        '人事異動は発令日より前に登録します。2026-04-01は今日（2026-12-02）より後の日ではありません。',
      ],
      [
        '"課長" is not a role (担当者, 承認者, or one of editor, approver)',
        '「課長」を役割として読めません（担当者、承認者 のように書きます）。',
      ],
      [
        'administrators are appointed by an admin, never by a personnel file',
        'システム管理者は人事異動のファイルでは任命できません。',
      ],
      ['is the same unit as 旧所属', '旧所属と同じ組織です。'],
      [
        'on the day before, 中央区 担当者 belongs to 中央区, not kenko',
        '発令日の前日、中央区 担当者さんの所属は中央区です（ファイルでは「kenko」）。',
      ],
      ['K0002 already has a transfer on 2027-04-01', '職員番号K0002には2027-04-01の人事異動がすでにあります。'],
      ['no unit is called 存在しない局', '組織「存在しない局」が見つかりません（組織の名称か組織コードで書きます）。'],
      ["総務課 names 2 units; use the unit's code", '「総務課」という組織が2つあります。組織コードで書いてください。'],
    ];
    for (const [problem, japanese] of said) expect(rowProblemInJapanese(problem)).toBe(japanese);
  });

  it('never shows a phrasing it does not know in English', () => {
    expect(rowProblemInJapanese('is odd')).toBe('この欄の値を確認してください。');
  });
});
