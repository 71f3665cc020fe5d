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
    const hit = this.errors.find(
      (e) => e.field === field || e.field.startsWith(`${field}.`) || e.field.startsWith(`${field}[`),
    );
    return hit ? inJapanese(hit) : undefined;
  }

  static async from(response: Response, body: unknown): Promise<ApiProblem> {
    const doc = (typeof body === 'object' && body ? body : {}) as Record<string, unknown>;
    const header = Number(response.headers.get('retry-after'));
    const ext = Number(doc['retryAfterSeconds']);
    const retryAfter = Number.isFinite(header) && header > 0 ? header : Number.isFinite(ext) && ext > 0 ? ext : null;
    const errors = Array.isArray(doc['errors']) ? (doc['errors'] as FieldProblem[]) : [];
    const text = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback);
    return new ApiProblem(
      response.status,
      text(doc['code'], `HTTP_${response.status}`),
      text(doc['detail'], response.statusText),
      errors,
      retryAfter,
    );
  }
}

/**
 * What each stable problem `code` means to the person at the page, in Japanese: the one place
 * where the codes of libs/platform/src/errors/error-codes.ts meet their words (a unit spec
 * keeps the two lists in step). The server's English `title` and `detail` are never shown.
 */
export const PROBLEM_MESSAGES = {
  VALIDATION_FAILED: '入力内容を確認してください。',
  MALFORMED_JSON: '送信した内容を読み取れませんでした。画面を再読み込みして、もう一度お試しください。',
  BODY_TOO_DEEP: '送信した内容の形が正しくありません。',
  MALFORMED_REQUEST: '送信した内容の形が正しくありません。',
  MULTIPART_TRUNCATED: 'ファイルを最後まで受け取れませんでした。もう一度お試しください。',
  UNAUTHENTICATED: 'サインインが必要です。',
  FORBIDDEN: 'この操作を行う権限がありません。',
  NOT_FOUND: '対象が見つかりません。削除されたか、閲覧する権限がありません。',
  METHOD_NOT_ALLOWED: 'この操作は行えません。',
  NOT_ACCEPTABLE: 'この形式ではお渡しできません。',
  CONFLICT: '他の人が先に更新しました。再読み込みしてください。',
  TRANSITION_NOT_ALLOWED: 'この操作は、現在の状態では行えません。',
  DECIDED_IMMUTABLE: '決定済みのため、内容は変更できません。訂正は事務局が行います。',
  PROPOSAL_NOT_EDITABLE: 'この提案は、現在の状態では編集できません。',
  AUDIT_CHECKPOINT_MISMATCH: '監査ログが記録済みのチェックポイントと一致しません。改ざんの可能性があります。',
  DEPUTY_PERIOD_OVERLAP: 'この期間と重なる代決者の指定がすでにあります。先に取り消してください。',
  DEPUTY_CANNOT_NAME_DEPUTY: '代決者は、さらに代決者を指定できません（代決の期間が重なっています）。',
  DEPUTY_PERIOD_BACKDATED: '代決の期間は今日以降の日付から始めてください。',
  VERSION_CONFLICT: '他の人が先に更新しました。再読み込みしてください。',
  PAYLOAD_TOO_LARGE: 'ファイルまたは入力が大きすぎます。',
  URI_TOO_LONG: '条件が長すぎます。短くしてください。',
  UNSUPPORTED_MEDIA_TYPE: 'この種類のファイルは受け付けていません。',
  ATTACHMENT_TYPE_NOT_ALLOWED:
    'この種類のファイルは添付できません。添付できるファイルの種類は、ファイル欄の説明をご覧ください。',
  IDEMPOTENCY_KEY_MISMATCH: '同じ操作が別の内容で送られました。画面を再読み込みしてください。',
  PRECONDITION_REQUIRED: '最新の内容を読み込んでから操作してください。',
  RATE_LIMITED: '操作が集中しています。しばらく待ってからもう一度お試しください。',
  HEADERS_TOO_LARGE: '送信した内容が大きすぎます。サインインし直してください。',
  INTERNAL_ERROR: 'サーバーで問題が起きました。時間をおいてもう一度お試しください。',
  SERVICE_UNAVAILABLE: 'サービスが一時的に利用できません。しばらく待ってからお試しください。',
  OVERLOADED: 'サーバーが混み合っています。しばらく待ってからお試しください。',
  SHUTTING_DOWN: 'サーバーが再起動中です。しばらく待ってからお試しください。',
} as const satisfies Record<string, string>;

export type ProblemCode = keyof typeof PROBLEM_MESSAGES;

const isKnownCode = (code: string): code is ProblemCode => Object.hasOwn(PROBLEM_MESSAGES, code);

/** What a problem means to the person in front of the page (network failures included). */
export function problemMessage(error: unknown): string {
  if (!(error instanceof ApiProblem)) return '通信できませんでした。ネットワークを確認して、もう一度お試しください。';
  if (error.code === 'RATE_LIMITED' && error.retryAfter)
    return `操作が集中しています。${error.retryAfter}秒後にもう一度お試しください。`;
  // A conflict that names a field (a user name already taken) is about the input, not someone else's edit.
  if (error.code === 'CONFLICT' && error.errors.length > 0) return PROBLEM_MESSAGES.VALIDATION_FAILED;
  if (isKnownCode(error.code)) return PROBLEM_MESSAGES[error.code];
  return error.status >= 500 ? PROBLEM_MESSAGES.INTERNAL_ERROR : '処理できませんでした。もう一度お試しください。';
}

/** A conflict with someone else's change (reload and look again), as opposed to a taken name. */
export const isConflict = (error: unknown) =>
  error instanceof ApiProblem &&
  ((error.code === 'CONFLICT' && error.errors.length === 0) ||
    error.code === 'VERSION_CONFLICT' ||
    error.status === 412);

/**
 * The fields' names in Japanese, as the API names them (`displayName`, `grants[0].orgUnit`).
 * A page may name its own fields more precisely (`fieldLabels`); these are the defaults.
 */
export const FIELD_LABELS: Record<string, string> = {
  username: 'ユーザー名',
  displayName: '氏名',
  email: 'メールアドレス',
  password: 'パスワード',
  currentPassword: '現在のパスワード',
  newPassword: '新しいパスワード',
  orgUnit: '所属',
  grants: '権限',
  'grants.role': '権限の役割',
  'grants.orgUnit': '権限の組織',
  role: '役割',
  active: '状態',
  code: '組織コード',
  nameJa: '名称',
  nameEn: '英語名称',
  kind: '種類',
  parent: '上位の組織',
  parentId: '上位の組織',
  name: '名前',
  expiresInDays: '有効期間（日）',
  webhookUrl: 'WebhookのURL',
  emailEnabled: 'メール',
  inAppEnabled: 'アプリ内のお知らせ',
  webhookEnabled: 'Webhook',
  title: '件名',
  comment: 'コメント',
  planId: '計画',
  fiscalYear: '年度',
  status: '進捗状況',
  reason: '理由',
  file: 'ファイル',
  definition: '定義',
};

/**
 * The Japanese name of a field the server named: the page's own label first, then the shared
 * one; `grants[1].orgUnit` is looked up as `grants.orgUnit`, then as `grants`.
 */
export function fieldLabel(field: string, own: Record<string, string> = {}): string {
  const general = field.replace(/\[\d+\]/g, '');
  const head = general.replace(/\..*$/, '');
  return own[field] ?? own[general] ?? own[head] ?? FIELD_LABELS[general] ?? FIELD_LABELS[head] ?? field;
}

/** One field problem as a line: 「ユーザー名：すでに使われています。」 */
export function describeFieldProblem(error: FieldProblem, own: Record<string, string> = {}): string {
  return `${fieldLabel(error.field, own)}：${inJapanese(error)}`;
}

/**
 * The server names fields in English (class-validator's wording, or the service's own short
 * phrases); people read Japanese. Known phrasings are said again in Japanese; the rest get a
 * plain Japanese request to check the field (the field itself is named beside it).
 */
const PHRASES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [
    /must be longer than or equal to 1 characters|should not be empty|is required|must be defined|must be a string/,
    () => '入力してください。',
  ],
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
  // 代決 (libs/identity deputies.service.ts)
  [/^is before today \((\d{4}-\d{2}-\d{2})\)/, (m) => `今日（${m[1]}）以降の日付にしてください。`],
  [/^is before from/, () => '開始日以降の日付にしてください。'],
  [/^overlaps the period (\S+)/, (m) => `指定済みの期間（${m[1]}）と重なっています。`],
  [/^names no active user/, () => 'このユーザー名の利用者はいません。'],
  [/^names the absent person themselves/, () => '自分以外の人を指定してください。'],
  [/is away .* with a deputy of their own/, () => 'この人は同じ期間に不在で、代決者を指定しています。'],
  [
    /stands in for someone .*: a deputy cannot name a deputy/,
    () => '同じ期間に代決者を務めているため、代決者を指定できません。',
  ],
  [/is not a policy of the plan/, () => 'この計画の方針から選んでください。'],
  [/is not a theme of that policy/, () => '選んだ方針のテーマから選んでください。'],
  [/is needed with themeNumber/, () => 'テーマを選ぶときは方針も選んでください。'],
  [/must not include the owning unit/, () => '提案元の局・区は含めないでください。'],
  [/names a fiscal year twice/, () => '同じ年度が二度あります。'],
  [/names no proposal you can see/, () => '提案を選んでください。'],
  [/names no meeting of this plan/, () => 'この計画の会議を選んでください。'],
  [/all elements in .* must be unique/, () => '同じものが二度選ばれています。'],
  [/^is taken$/, () => 'すでに使われています。別のものにしてください。'],
  [/names no organisation unit/, () => '一覧にある組織から選んでください。'],
  [/^username: /, () => '英小文字・数字と . _ - で、2〜64文字にしてください（先頭は英小文字か数字）。'],
  [/must be an email/, () => 'メールアドレスの形で入力してください。'],
  [/must be a URL address/, () => 'http:// か https:// で始まるURLを入力してください。'],
  [/must be one of the following values/, () => '一覧から選んでください。'],
  [
    /must match .* regular expression/,
    () => '使えない文字が含まれています。英小文字・数字と . _ - で入力してください。',
  ],
  [/^is wrong$/, () => '正しくありません。'],
  [/must be a boolean/, () => 'はい・いいえで選んでください。'],
  [/cannot move under itself/, () => '自分自身や下位の組織は上位にできません。'],
  [
    /^A (bureau|ward|division) cannot sit under a/,
    () => 'この種類の組織は、選んだ組織の下に置けません（局・区は市の下、課は局・区の下）。',
  ],
  [/^The city has no parent$/, () => '市には上位の組織がありません。'],
  [/^mentions (@.+): no such user or unit$/, (m) => `${m[1]} という人・組織は見つかりません。`],
  [
    /^mentions (@\S+), who may not see this record$/,
    (m) => `${m[1]} さんはこの記録を閲覧できないため、知らせることができません。`,
  ],
  [
    /^mentions (@\S+), whose members may not see this record$/,
    (m) => `${m[1]} の職員はこの記録を閲覧できないため、知らせることができません。`,
  ],
  [/^mentions more than 20 people or units$/, () => '一度に知らせられるのは20件までです。'],
];

export function inJapanese(error: FieldProblem): string {
  for (const [pattern, say] of PHRASES) {
    const m = error.message.match(pattern);
    if (m) return say(m);
  }
  return '入力内容を確認してください。';
}

/**
 * A rejected import file's row problems (libs/tracking/src/imports/imports.service.ts, and the
 * personnel system's file of libs/identity/src/transfers/personnel-transfers.service.ts) in
 * Japanese, keeping what the problem quotes from the file (the value, the year, the code), so
 * the person can find it in their spreadsheet. A phrasing not known here is not shown in English.
 */
const ROW_PHRASES: Array<[RegExp, (m: RegExpMatchArray) => string]> = [
  [/^this column is missing from the header row$/, () => '見出し行（1行目）にこの列がありません。'],
  [/^the file has no rows$/, () => 'ファイルにデータの行がありません。'],
  [/^is empty$/, () => '空欄です。入力してください。'],
  [/^"(.*)" is not "year: step"/s, (m) => `「${m[1]}」は「年度:内容」の形ではありません（例：令和6年度:検討）。`],
  [/^(\S+) lies outside the plan period (\S+)–(\S+)$/, (m) => `${m[1]}は計画の期間（${m[2]}〜${m[3]}）の外です。`],
  [/^(\S+) lies outside the plan period$/, (m) => `${m[1]}は計画の期間の外です。`],
  [/^(\S+) is given twice$/, (m) => `${m[1]}が二度書かれています。`],
  [/^"(.*)" is not a whole number$/s, (m) => `「${m[1]}」は整数ではありません。`],
  [/^"(.*)" is not a number$/s, (m) => `「${m[1]}」は数値ではありません。`],
  [
    /^"(.*)" is not a fiscal year in 和暦/s,
    (m) => `「${m[1]}」を和暦の年度として読めません（令和4年度 のように書きます）。`,
  ],
  [/^"(.*)" is not a fiscal year/s, (m) => `「${m[1]}」を年度として読めません（令和4年度 や 2022 のように書きます）。`],
  [
    /^(.+) is (\S+) \(FY\d+\), but 年度 says (.+) \((\S+)\): which one is right\?$/s,
    (m) => `和暦年度（${m[1]}＝${m[2]}）と年度（${m[3]}＝${m[4]}）が食い違っています。どちらかを直してください。`,
  ],
  [/^no indicator "(.*)" in this plan$/s, (m) => `この計画に指標コード「${m[1]}」の検証指標はありません。`],
  [
    /^the plan has no indicator "(.*)"/s,
    (m) => `この計画に検証指標「${m[1]}」はありません（指標コードか、指標名をそのまま書きます）。`,
  ],
  [/^the plan has no policy (\S+)$/, (m) => `この計画に方針${m[1]}はありません。`],
  [/^policy (\S+) has no theme (\S+)$/, (m) => `方針${m[1]}にテーマ${m[2]}はありません。`],
  [
    /^no organisation unit "(.*)" \(/s,
    (m) => `組織「${m[1]}」が見つかりません（健康福祉局 のような名称か、kenko のような組織コードで書きます）。`,
  ],
  [/^no organisation unit "(.*)"$/s, (m) => `組織「${m[1]}」が見つかりません。`],
  [/^no initiative "(.*)" in this plan$/s, (m) => `この計画に取組番号「${m[1]}」の取組はありません。`],
  [
    /^"(.*)" is not on this plan.s scale \((.*)\)$/s,
    (m) => `「${m[1]}」はこの計画の進捗状況にありません（${m[2].split(' / ').join('、')} のどれかを書きます）。`,
  ],
  [/^is required when the status is (.+)$/, (m) => `進捗状況が${m[1]}のときは入力してください。`],
  // The personnel system's file (人事異動の取込).
  [/^no active person has the employee number (.+)$/s, (m) => `職員番号「${m[1]}」の在職中の職員はいません。`],
  [
    /^the person with (.+?) is (.+), not (.+)$/s,
    (m) => `職員番号${m[1]}の職員は「${m[2]}」です（ファイルでは「${m[3]}」）。`,
  ],
  [
    /^"(.*)" is not a day \(/s,
    (m) => `「${m[1]}」を日付として読めません（2027-04-01 や 令和9年4月1日 のように書きます）。`,
  ],
  [
    /^a transfer is entered ahead: (\S+) is not after today \((\S+)\)$/,
    (m) => `人事異動は発令日より前に登録します。${m[1]}は今日（${m[2]}）より後の日ではありません。`,
  ],
  [/^"(.*)" is not a role \(/s, (m) => `「${m[1]}」を役割として読めません（担当者、承認者 のように書きます）。`],
  [/^administrators are appointed by an admin/, () => 'システム管理者は人事異動のファイルでは任命できません。'],
  [/^is the same unit as 旧所属$/, () => '旧所属と同じ組織です。'],
  [
    /^on the day before, (.+) belongs to (.+), not (.+)$/s,
    (m) => `発令日の前日、${m[1]}さんの所属は${m[2]}です（ファイルでは「${m[3]}」）。`,
  ],
  [/^(.+) already has a transfer on (\S+)$/s, (m) => `職員番号${m[1]}には${m[2]}の人事異動がすでにあります。`],
  [/^no unit is called (.+)$/s, (m) => `組織「${m[1]}」が見つかりません（組織の名称か組織コードで書きます）。`],
  [
    /^(.+) names (\d+) units; use the unit's code$/s,
    (m) => `「${m[1]}」という組織が${m[2]}つあります。組織コードで書いてください。`,
  ],
];

export function rowProblemInJapanese(problem: string): string {
  for (const [pattern, say] of ROW_PHRASES) {
    const m = problem.match(pattern);
    if (m) return say(m);
  }
  return 'この欄の値を確認してください。';
}

/** A field's error from the last failed write, for the `<Field error>` next to it. */
export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiProblem ? error.fieldError(field) : undefined;
}
