import type { ReactNode } from 'react';
import { ApiProblem, describeFieldProblem, isConflict, problemMessage } from '../api/problem';
import { Button, TextLink } from './button';

// The words live with the codes in api/problem.ts; pages import them from here as before.
export { isConflict, problemMessage };

/**
 * A failed write, shown where the person acted. A conflict offers to reload (the page then
 * shows the current state); field errors are listed here and shown again at their fields.
 */
export function ProblemAlert({
  error,
  onReload,
  fieldLabels = {},
}: {
  error: unknown;
  onReload?: () => void;
  fieldLabels?: Record<string, string>;
}) {
  if (!error) return null;
  const problem = error instanceof ApiProblem ? error : null;
  return (
    <div
      role="alert"
      className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16N-130 text-solid-gray-900"
    >
      <p className="text-dns-16B-130 text-error-2">{problemMessage(error)}</p>
      {problem && problem.errors.length > 0 && (
        <ul className="mt-2 list-disc pl-6">
          {problem.errors.map((e) => (
            <li key={`${e.field}:${e.message}`}>{describeFieldProblem(e, fieldLabels)}</li>
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
          エラーコード：{problem.code}（お問い合わせの際にお伝えください）
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
    <div
      role="status"
      className={`rounded-8 border-2 px-4 py-3 text-dns-16N-130 ${tone === 'success' ? 'border-success-1 bg-green-50' : 'border-blue-900 bg-blue-50'}`}
    >
      {children}
    </div>
  );
}
