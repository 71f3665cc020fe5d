import type { Item } from '../api/client';

type HistoryEntry = Item<'/api/v1/proposals/{id}/history', 'get'>;

/**
 * 代決・専決 beside a step of a record's history: who decided for whom (代決: a deputy for an
 * absent person), and under which rule of the 専決規程 a lower post decided.
 */
export function DecisionMarks({ entry }: { entry: HistoryEntry }) {
  if (entry.marks.length === 0) return null;
  return (
    <ul className="flex flex-col gap-1">
      {entry.onBehalfOf && (
        <li>
          <span className="mr-1 inline-block rounded-4 border border-orange-800 bg-orange-50 px-2 text-dns-14B-120 text-orange-1100">
            代決
          </span>
          {`${entry.onBehalfOf.username} さんの不在中、${entry.actor.username ?? '代決者'} さんが代決`}
        </li>
      )}
      {entry.delegated && (
        <li>
          <span className="mr-1 inline-block rounded-4 border border-purple-900 bg-purple-50 px-2 text-dns-14B-120 text-purple-1100">
            専決
          </span>
          {entry.delegated.label?.ja ?? entry.delegated.role}
        </li>
      )}
    </ul>
  );
}
