/**
 * What went wrong, as the server said it (RFC 9457 problem+json with a stable `code`).
 * Pages decide what to show from `code` and `status`, never from the English `detail`.
 */
export interface FieldProblem {
  field: string;
  message: string;
}

export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: FieldProblem[],
    /** Seconds to wait (429: the Retry-After header or `retryAfterSeconds`). */
    readonly retryAfter: number | null,
  ) {
    super(`${status} ${code}: ${detail}`);
    this.name = 'ApiProblem';
  }

  /** The server's message for one field, in Japanese (`schedule[0].step` also matches `schedule`). */
  fieldError(field: string): string | undefined {
    const hit = this.errors.find((e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`));
    return hit ? inJapanese(hit) : undefined;
  }

  static async from(response: Response, body: unknown): Promise<ApiProblem> {
    const doc = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
    const header = Number(response.headers.get('retry-after'));
    const ext = Number(doc['retryAfterSeconds']);
    const retryAfter = Number.isFinite(header) && header > 0 ? header : Number.isFinite(ext) && ext > 0 ? ext : null;
    const errors = Array.isArray(doc['errors']) ? (doc['errors'] as FieldProblem[]) : [];
    return new ApiProblem(response.status, String(doc['code'] ?? `HTTP_${response.status}`), String(doc['detail'] ?? response.statusText), errors, retryAfter);
  }
}

/**
 * The server names fields in English (class-validator's wording, or the service's own short
 * phrases); people read Japanese. Known phrasings are said again in Japanese, the rest shown
 * as sent after a Japanese lead, so nothing the server said is lost.
 */
const PHRASES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/must be longer than or equal to 1 characters|should not be empty|is required|must be defined|must be a string/, () => '入力してください。'],
  [/must be longer than or equal to (\d+) characters/, (m) => `${m[1]}文字以上で入力してください。`],
  [/must be shorter than or equal to (\d+) characters/, (m) => `${m[1]}文字以内で入力してください。`],
  [/must be an integer/, () => '整数で入力してください。'],
  [/must be a number|must be a number conforming/, () => '数値で入力してください。'],
  [/must not be less than (-?[\d.]+)/, (m) => `${Number(m[1]).toLocaleString('ja-JP')}以上の値を入力してください。`],
  [/must not be greater than (-?[\d.]+)/, (m) => `${Number(m[1]).toLocaleString('ja-JP')}以下の値を入力してください。`],
  [/must contain no more than (\d+) elements/, (m) => `${m[1]}件までにしてください。`],
  [/must be a UUID|names no open inquiry/, () => '受付中のものから選んでください。'],
  [/must be a valid ISO 8601 date|must match .*\\d\{4\}/, () => '日付を YYYY-MM-DD の形で入力してください。'],
  [/is not a target unit of this inquiry/, () => 'この全庁照会の照会先ではありません。'],
  [/is not a policy of the plan/, () => 'この計画の方針から選んでください。'],
  [/is not a theme of that policy/, () => '選んだ方針のテーマから選んでください。'],
  [/is needed with themeNumber/, () => 'テーマを選ぶときは方針も選んでください。'],
  [/must not include the owning unit/, () => '提案元の局・区は含めないでください。'],
  [/names a fiscal year twice/, () => '同じ年度が二度あります。'],
  [/names no proposal you can see/, () => '提案を選んでください。'],
  [/names no meeting of this plan/, () => 'この計画の会議を選んでください。'],
  [/all elements in .* must be unique/, () => '同じものが二度選ばれています。'],
];

export function inJapanese(error: FieldProblem): string {
  for (const [pattern, say] of PHRASES) {
    const m = error.message.match(pattern);
    if (m) return say(m);
  }
  return `入力内容を確認してください（${error.message}）。`;
}

/** A field's error from the last failed write, for the `<Field error>` next to it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiProblem ? error.fieldError(field) : undefined;
}
