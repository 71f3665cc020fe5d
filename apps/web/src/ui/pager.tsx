import { Button } from './button';

/** Page turning for a list the server pages (`page`, `pageSize`, `total`): where we are, and back / forward. */
export function Pager({
  page,
  pageSize,
  total,
  onPage,
  label,
}: {
  page: number;
  pageSize: number;
  total: number;
  onPage: (page: number) => void;
  label: string;
}) {
  const last = Math.max(1, Math.ceil(total / pageSize));
  const from = total === 0 ? 0 : (page - 1) * pageSize + 1;
  const to = Math.min(total, page * pageSize);
  return (
    <nav aria-label={label} className="mt-4 flex flex-wrap items-center gap-3">
      <Button variant="secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        前のページ
      </Button>
      <p className="text-dns-16N-130" aria-live="polite">
        {`全${total.toLocaleString('ja-JP')}件中 ${from.toLocaleString('ja-JP')}〜${to.toLocaleString('ja-JP')}件目（${page}／${last}ページ）`}
      </p>
      <Button variant="secondary" disabled={page >= last} onClick={() => onPage(page + 1)}>
        次のページ
      </Button>
    </nav>
  );
}
