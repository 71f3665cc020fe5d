import type { ReactNode } from 'react';
import { ApiProblem, inJapanese } from '../api/problem';
import { Button, TextLink } from './button';

/** What a problem+json `code` means to the person in front of the page. */
export function problemMessage(error: unknown): string {
  if (!(error instanceof ApiProblem)) return '通信できませんでした。ネットワークを確認して、もう一度お試しください。';
  switch (error.code) {
    case 'VALIDATION_FAILED':
    case 'MALFORMED_JSON':
      return '入力内容を確認してください。';
    case 'VERSION_CONFLICT':
    case 'CONFLICT':
      return '他の人が先に更新しました。再読み込みしてください。';
    case 'TRANSITION_NOT_ALLOWED':
      return 'この操作は、現在の状態では行えません。';
    case 'DECIDED_IMMUTABLE':
      return '決定済みのため、内容は変更できません。訂正は事務局が行います。';
    case 'PRECONDITION_REQUIRED':
      return '最新の内容を読み込んでから操作してください。';
    case 'RATE_LIMITED':
      return error.retryAfter ? `操作が集中しています。${error.retryAfter}秒後にもう一度お試しください。` : '操作が集中しています。しばらく待ってからもう一度お試しください。';
    case 'UNAUTHENTICATED':
      return 'サインインが必要です。';
    case 'FORBIDDEN':
      return 'この操作を行う権限がありません。';
    case 'NOT_FOUND':
      return '対象が見つかりません。削除されたか、閲覧する権限がありません。';
    case 'PAYLOAD_TOO_LARGE':
      return 'ファイルまたは入力が大きすぎます。';
    case 'IDEMPOTENCY_KEY_MISMATCH':
      return '同じ操作が別の内容で送られました。画面を再読み込みしてください。';
    case 'SERVICE_UNAVAILABLE':
      return 'サービスが一時的に利用できません。しばらく待ってからお試しください。';
    default:
      return '処理できませんでした。もう一度お試しください。';
  }
}

export const isConflict = (error: unknown) => error instanceof ApiProblem && (error.code === 'VERSION_CONFLICT' || error.code === 'CONFLICT' || error.status === 412);

/**
 * A failed write, shown where the person acted. A conflict offers to reload (the page then
 * shows the current state); field errors are listed here and shown again at their fields.
 */
export function ProblemAlert({ error, onReload, fieldLabels = {} }: { error: unknown; onReload?: () => void; fieldLabels?: Record<string, string> }) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : null;
  return (
    <div role="alert" className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16N-130 text-solid-gray-900">
      <p className="text-dns-16B-130 text-error-2">{problemMessage(error)}</p>
      {problem && problem.errors.length > 0 && (
        <ul className="mt-2 list-disc pl-6">
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>
              {fieldLabels[e.field.replace(/\[\d+\].*$/, '').replace(/\..*$/, '')] ?? e.field}：{inJapanese(e)}
            </li>
          ))}
        </ul>
      )}
      {isConflict(error) && onReload && (
        <Button variant="secondary" className="mt-3" onClick={onReload}>
          再読み込み
        </Button>
      )}
      {problem && problem.code !== 'VALIDATION_FAILED' && (
        <details className="mt-2 text-dns-14N-130 text-solid-gray-700">
          <summary>技術的な詳細</summary>
          {problem.code}: {problem.detail}
        </details>
      )}
    </div>
  );
}

/** A read that failed: 403/404 as a plain page, anything else as a message with a retry. */
export function ProblemPage({ error, retry }: { error: unknown; retry?: () => void }) {
  const status = error instanceof ApiProblem ? error.status : 0;
  if (status === 404 || status === 403) {
    return (
      <section aria-labelledby="problem-title" className="flex flex-col gap-4">
        <h1 id="problem-title" className="text-std-32B-150">
          {status === 404 ? 'ページが見つかりません' : '閲覧する権限がありません'}
        </h1>
        <p className="text-std-16N-170">
          {status === 404
            ? 'お探しのページは存在しないか、閲覧する権限がありません。'
            : 'このページを見るための役割が割り当てられていません。必要な場合は事務局に連絡してください。'}
        </p>
        <p>
          <TextLink to="/">マイページに戻る</TextLink>
        </p>
      </section>
    );
  }
  return (
    <div className="flex flex-col gap-3">
      <ProblemAlert error={error} />
      {retry && (
        <div>
          <Button variant="secondary" onClick={retry}>
            もう一度読み込む
          </Button>
        </div>
      )}
    </div>
  );
}

export function Notice({ children, tone = 'info' }: { children: ReactNode; tone?: 'info' | 'success' }) {
  return (
    <div role="status" className={`rounded-8 border-2 px-4 py-3 text-dns-16N-130 ${tone === 'success' ? 'border-success-1 bg-green-50' : 'border-blue-900 bg-blue-50'}`}>
      {children}
    </div>
  );
}
