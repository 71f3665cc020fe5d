import { useId } from 'react';
import type { Item } from '../api/client';
import { useProposalHistory } from '../proposals/proposal-queries';
import { InstantText } from '../ui/date-text';
import { useComments, type PaperRecordRef } from './papers-queries';

type HistoryEntry = Item<'/api/v1/proposals/{id}/history', 'get'>;

/**
 * A returned proposal (差戻し), as the bureau must read it: the reason the return gave and,
 * beside it, the comments written since (in the returned state), which say what to change.
 */
export function ReturnedNotice({ record }: { record: PaperRecordRef }) {
  const history = useProposalHistory(record.id);
  const comments = useComments(record);
  const headingId = useId();
  const entries = (history.data ?? []) as HistoryEntry[];
  const lastReturn = entries.filter((h) => h.action === 'return').at(-1);
  if (!lastReturn) return null;
  const since = new Date(lastReturn.at).getTime();
  const after = (comments.data?.items ?? []).filter(
    (c) => c.postedInState === 'returned' && new Date(c.createdAt).getTime() >= since,
  );
  return (
    <section
      aria-labelledby={headingId}
      className="flex flex-col gap-3 rounded-12 border-2 border-error-1 bg-red-50 p-6"
    >
      <h2 id={headingId} className="text-std-20B-150 text-solid-gray-900">
        差戻しの理由
      </h2>
      <p className="text-dns-16N-130 text-solid-gray-800">
        {lastReturn.actor.username ?? '—'}・<InstantText value={lastReturn.at} />
      </p>
      <p className="whitespace-pre-wrap break-words text-std-16N-170">
        {lastReturn.comment ?? '（理由の記載はありません）'}
      </p>
      {after.length > 0 && (
        <>
          <h3 className="text-std-17B-170">差戻し後の意見・協議（{after.length}件）</h3>
          <ul className="flex flex-col gap-2">
            {after.map((c) => (
              <li key={c.id} className="rounded-8 border border-solid-gray-300 bg-white p-3">
                <p className="text-dns-16B-130">
                  {c.author.displayName}・<InstantText value={c.createdAt} />
                </p>
                <p className="whitespace-pre-wrap break-words text-std-16N-170">{c.body}</p>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
