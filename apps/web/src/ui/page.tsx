import { useEffect, type ReactNode } from 'react';
import type { UseQueryResult } from '@tanstack/react-query';
import { ProblemPage } from './problem';

/** The page's one h1, also the document title (screen readers announce it on navigation). */
export function PageTitle({ children, title, actions }: { children: ReactNode; title: string; actions?: ReactNode }) {
  useEffect(() => {
    document.title = `${title}｜改革プラン 取組管理`;
  }, [title]);
  return (
    <div className="mb-6 flex flex-wrap items-end justify-between gap-4 border-b border-solid-gray-200 pb-4">
      <h1 className="text-std-32B-150 text-solid-gray-900">{children}</h1>
      {actions && <div className="flex flex-wrap gap-3">{actions}</div>}
    </div>
  );
}

export function Loading({ what = '読み込み中…' }: { what?: string }) {
  return (
    <p role="status" className="text-std-16N-170 text-solid-gray-700">
      {what}
    </p>
  );
}

/** Renders a query's data, or its loading state, or its problem (403/404 as a plain page). */
export function Loaded<T>({ query, children }: { query: UseQueryResult<T>; children: (data: T) => ReactNode }) {
  if (query.isPending) return <Loading />;
  if (query.isError) return <ProblemPage error={query.error} retry={() => void query.refetch()} />;
  return <>{children(query.data)}</>;
}

export function Section({ title, children, id }: { title: string; children: ReactNode; id: string }) {
  return (
    <section
      aria-labelledby={id}
      className="flex min-w-0 flex-col gap-3 rounded-12 border border-solid-gray-200 bg-white p-4 sm:p-6"
    >
      <h2 id={id} className="text-std-22B-150 text-solid-gray-900">
        {title}
      </h2>
      {children}
    </section>
  );
}

/**
 * A description list of label → value pairs: side by side from sm up; on a phone each value
 * under its label (beside a long label such as 年度別スケジュール a date had no room and ran out of the card).
 */
export function Facts({ items }: { items: Array<[string, ReactNode]> }) {
  return (
    <dl className="grid grid-cols-1 gap-y-0.5 text-std-16N-170 sm:grid-cols-[max-content_minmax(0,1fr)] sm:gap-x-6 sm:gap-y-2">
      {items.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-bold text-solid-gray-800">{k}</dt>
          <dd className="pb-2 whitespace-pre-wrap break-words sm:pb-0">{v}</dd>
        </div>
      ))}
    </dl>
  );
}
