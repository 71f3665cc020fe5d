import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useNavigate } from 'react-router';
import { answer, api, type Item } from '../api/client';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { pageOf } from './links';

export type NotificationRow = Item<'/api/v1/notifications', 'get'>;

/** Notifications, newest first; opening one marks it read. */
export function NotificationList({ rows }: { rows: NotificationRow[] }) {
  const queries = useQueryClient();
  const navigate = useNavigate();
  const read = useMutation({
    mutationFn: (id: string) => answer(api.POST('/api/v1/notifications/{id}/read', { params: { path: { id } } })),
    onSettled: () => queries.invalidateQueries({ queryKey: ['notifications'] }),
  });
  if (rows.length === 0) return <p className="text-std-16N-170 text-solid-gray-700">お知らせはありません。</p>;
  return (
    <ul className="flex flex-col gap-2" aria-label="お知らせ一覧">
      {rows.map((n) => {
        const page = pageOf(n.link);
        return (
          <li
            key={n.id}
            className={`rounded-8 border px-4 py-3 ${n.readAt ? 'border-solid-gray-200 bg-white' : 'border-blue-900 bg-blue-50'}`}
          >
            <div className="flex flex-wrap items-start justify-between gap-3">
              {/* min-w-0 and wrap-anywhere: a long link in the body (its URL) wraps inside the
                  card on a phone instead of widening it. */}
              <div className="flex min-w-0 flex-col gap-1">
                <p className="text-dns-16B-130">
                  {!n.readAt && (
                    <span className="mr-2 rounded-4 bg-blue-900 px-1 text-dns-14B-120 text-white">未読</span>
                  )}
                  {n.title}
                </p>
                <p className="whitespace-pre-wrap text-dns-16N-130 [overflow-wrap:anywhere]">{n.body}</p>
                <p className="text-dns-14N-130 text-solid-gray-700">
                  <InstantText value={n.createdAt} />
                </p>
              </div>
              <div className="flex gap-2">
                {page && (
                  <Button
                    variant="secondary"
                    aria-label={`${n.title} を開く`}
                    onClick={() => {
                      if (!n.readAt) read.mutate(n.id);
                      void navigate(page);
                    }}
                  >
                    開く
                  </Button>
                )}
                {!n.readAt && (
                  <Button variant="text" aria-label={`${n.title} を既読にする`} onClick={() => read.mutate(n.id)}>
                    既読にする
                  </Button>
                )}
              </div>
            </div>
          </li>
        );
      })}
    </ul>
  );
}
