import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useSearchParams } from 'react-router';
import { answer, api } from '../api/client';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { SelectField, TextField } from '../ui/field';
import { Loaded, PageTitle } from '../ui/page';
import { Pager } from '../ui/pager';
import { DataTable } from '../ui/table';
import type { SecurityEvent, SecurityEventKind } from './admin-queries';
import { AdminOnly } from './settings-layout';

const PAGE_SIZE = 20;

/** Each kind of the security log in Japanese (a Record: a new kind fails the type check until it is named). */
export const SECURITY_EVENT_LABELS: Record<SecurityEventKind, string> = {
  'signin.succeeded': 'サインイン成功',
  'signin.failed': 'サインイン失敗',
  'token.created': 'APIトークンの発行',
  'token.revoked': 'APIトークンの失効',
  'user.created': '利用者の追加',
  'user.updated': '利用者の変更',
  'user.disabled': 'アカウントの停止',
  'user.enabled': 'アカウントの再開',
  'grants.changed': '権限の変更',
  'password.changed': 'パスワードの変更',
  'session.signed_out': 'サインアウト',
  'session.reuse_detected': 'セッションの不正な再利用',
  'transfer.scheduled': '人事異動の登録',
  'transfer.applied': '人事異動の発令',
  'reorganisation.scheduled': '機構改革の登録',
  'reorganisation.applied': '機構改革の施行',
};

const KINDS = Object.keys(SECURITY_EVENT_LABELS) as SecurityEventKind[];
const WARNING: ReadonlySet<SecurityEventKind> = new Set(['signin.failed', 'session.reuse_detected', 'user.disabled']);

/** The names the security log's details use, in Japanese; the values are shown as recorded. */
const DETAIL_LABELS: Record<string, string> = {
  reason: '理由',
  tokenId: 'トークンID',
  name: '名前',
  before: '変更前',
  after: '変更後',
  fields: '変更した項目',
  sessionsRevoked: '終了したセッション数',
};

/** The event's details as the server recorded them (names and values, not messages). */
function Details({ details }: { details: Record<string, unknown> }) {
  const entries = Object.entries(details);
  if (entries.length === 0) return <span>—</span>;
  return (
    <ul className="flex flex-col gap-0.5 text-dns-14N-130">
      {entries.map(([k, v]) => (
        <li key={k} className="break-all">
          {DETAIL_LABELS[k] ?? k}：<code>{typeof v === 'string' ? v : JSON.stringify(v)}</code>
        </li>
      ))}
    </ul>
  );
}

/** セキュリティイベント: sign-ins, tokens, grants and disabled accounts, newest first. */
export function SecurityEventsPage() {
  return (
    <AdminOnly title="セキュリティイベント">
      <SecurityEvents />
    </AdminOnly>
  );
}

function SecurityEvents() {
  const [params, setParams] = useSearchParams();
  const kind = (params.get('kind') ?? '') as SecurityEventKind | '';
  const username = params.get('username') ?? '';
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [text, setText] = useState(username);
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };
  const query = { kind: kind || undefined, username: username || undefined, page, pageSize: PAGE_SIZE };
  const events = useQuery({
    queryKey: ['security-events', query],
    queryFn: () => answer(api.GET('/api/v1/security-events', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ username: text.trim().toLowerCase() });
  };
  return (
    <>
      <PageTitle title="セキュリティイベント">セキュリティイベント</PageTitle>
      <p className="mb-4 text-std-16N-170">
        サインイン、APIトークン、利用者・権限の変更、アカウントの停止などの記録です。新しいものから表示します。
      </p>
      <form
        role="search"
        aria-label="セキュリティイベントの絞り込み"
        className="mb-6 grid grid-cols-1 gap-4 md:grid-cols-2"
        onSubmit={search}
      >
        <SelectField label="種類" value={kind} onChange={(e) => set({ kind: e.target.value })}>
          <option value="">すべて</option>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {SECURITY_EVENT_LABELS[k]}
            </option>
          ))}
        </SelectField>
        <div className="flex items-end gap-2">
          <div className="grow">
            <TextField
              label="ユーザー名"
              type="search"
              value={text}
              maxLength={64}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <Button type="submit" variant="secondary" className="mb-1 shrink-0 whitespace-nowrap">
            検索
          </Button>
        </div>
      </form>
      <Loaded query={events}>
        {(answer) => (
          <>
            <DataTable<SecurityEvent>
              caption={`セキュリティイベント（${answer.total.toLocaleString('ja-JP')}件）`}
              rows={answer.items}
              rowKey={(e) => e.id}
              empty="条件に合う記録はありません。"
              columns={[
                { header: '日時', cell: (e) => <InstantText value={e.occurredAt} />, className: 'min-w-40' },
                {
                  header: '種類',
                  cell: (e) => (
                    <span className={WARNING.has(e.kind) ? 'font-bold text-error-2' : ''}>
                      {SECURITY_EVENT_LABELS[e.kind] ?? e.kind}
                    </span>
                  ),
                  className: 'min-w-32',
                },
                { header: 'ユーザー名', cell: (e) => e.username ?? '—', className: 'whitespace-nowrap' },
                { header: '送信元', cell: (e) => e.sourceAddress ?? '—' },
                { header: '詳細', cell: (e) => <Details details={e.details} />, className: 'min-w-48' },
              ]}
            />
            <Pager
              label="セキュリティイベントのページ"
              page={answer.page}
              pageSize={answer.pageSize}
              total={answer.total}
              onPage={(p) => set({ page: String(p) })}
            />
          </>
        )}
      </Loaded>
    </>
  );
}
