import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import type { components } from '../api/schema';
import { fieldError } from '../api/problem';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { InstantText } from '../ui/date-text';
import { SelectField, TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import type { ApiToken } from './admin-queries';

type Created = components['schemas']['CreatedApiTokenResponse'];

const KEY = ['me', 'api-tokens'];

function TokenState({ token }: { token: ApiToken }) {
  if (token.revokedAt) return <Badge state="withdrawn" label="失効済み" />;
  if (token.expiresAt && Date.parse(token.expiresAt) <= Date.now()) return <Badge state="overdue" label="期限切れ" />;
  return <Badge state="open" label="有効" />;
}

/** The secret, once: shown with a copy button, never again. */
function NewSecret({ created }: { created: Created }) {
  const [copied, setCopied] = useState<'yes' | 'no' | null>(null);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied('yes');
    } catch {
      // Without the clipboard (a plain-http intranet page), the person copies it by hand.
      setCopied('no');
    }
  };
  return (
    <Notice tone="success">
      <span className="block font-bold">{`APIトークン「${created.name}」を発行しました。`}</span>
      <span className="block">
        このトークンは今だけ表示されます。いま控えて、安全な場所に保管してください（画面を離れると二度と表示できません）。
      </span>
      <code
        className="my-2 block break-all rounded-4 bg-white px-2 py-1 text-dns-16N-130"
        aria-label="新しいAPIトークン"
      >
        {created.token}
      </code>
      <span className="flex flex-wrap items-center gap-3">
        <Button variant="secondary" onClick={() => void copy()}>
          トークンをコピー
        </Button>
        <span aria-live="polite">
          {copied === 'yes'
            ? 'コピーしました。'
            : copied === 'no'
              ? 'コピーできませんでした。上のトークンを選んでコピーしてください。'
              : ''}
        </span>
      </span>
    </Notice>
  );
}

/** APIトークン: the person's own tokens for integrations; create (the secret shown once) and revoke. */
export function ApiTokensPage() {
  const tokens = useQuery({ queryKey: KEY, queryFn: () => answer(api.GET('/api/v1/me/api-tokens')) });
  const [name, setName] = useState('');
  const [days, setDays] = useState('90');
  const [created, setCreated] = useState<Created | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const create = useAction(
    () => answer(api.POST('/api/v1/me/api-tokens', { body: { name, expiresInDays: days ? Number(days) : undefined } })),
    [KEY],
    (t) => {
      setCreated(t);
      setName('');
    },
  );
  const revoke = useAction(
    async (t: ApiToken) => {
      await answer(api.DELETE('/api/v1/me/api-tokens/{id}', { params: { path: { id: t.id } } }));
      return t;
    },
    [KEY],
    (t) => {
      setConfirming(null);
      setNotice(`APIトークン「${t.name}」を失効しました。このトークンはもう使えません。`);
    },
  );
  return (
    <>
      <PageTitle title="APIトークン">APIトークン</PageTitle>
      <div className="flex flex-col gap-6">
        <p className="text-std-16N-170">
          連携するシステムやスクリプトが、あなたとしてAPIを呼ぶためのトークンです。できることは、あなたの役割と同じです。
        </p>
        <Section title="トークンを発行" id="new-token">
          <form
            className="flex flex-col gap-4"
            noValidate
            onSubmit={(e) => {
              e.preventDefault();
              setCreated(null);
              setNotice(null);
              create.mutate(undefined);
            }}
          >
            <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
              <TextField
                label="トークンの名前"
                required
                hint="何に使うか分かる名前（例：局の集計表の同期）"
                value={name}
                maxLength={100}
                error={fieldError(create.error, 'name')}
                onChange={(e) => setName(e.target.value)}
              />
              <SelectField
                label="有効期間"
                value={days}
                error={fieldError(create.error, 'expiresInDays')}
                onChange={(e) => setDays(e.target.value)}
              >
                <option value="30">30日</option>
                <option value="90">90日</option>
                <option value="365">1年</option>
                <option value="730">2年</option>
                <option value="">期限なし</option>
              </SelectField>
            </div>
            <ProblemAlert error={create.error} fieldLabels={{ name: 'トークンの名前', expiresInDays: '有効期間' }} />
            <div>
              <Button type="submit" disabled={create.isPending}>
                トークンを発行
              </Button>
            </div>
          </form>
          {created && <NewSecret created={created} />}
        </Section>
        {notice && <Notice tone="success">{notice}</Notice>}
        <Loaded query={tokens}>
          {(list) => (
            <DataTable<ApiToken>
              caption={`自分のAPIトークン（${list.length}件）`}
              rows={list}
              rowKey={(t) => t.id}
              empty="APIトークンはまだありません。"
              columns={[
                { header: '名前', cell: (t) => t.name, className: 'min-w-32' },
                { header: '先頭の文字', cell: (t) => <code>{`${t.prefix}…`}</code>, className: 'whitespace-nowrap' },
                { header: '状態', cell: (t) => <TokenState token={t} />, className: 'whitespace-nowrap' },
                { header: '発行', cell: (t) => <InstantText value={t.createdAt} />, className: 'min-w-40' },
                {
                  header: '有効期限',
                  cell: (t) => (t.expiresAt ? <InstantText value={t.expiresAt} /> : '期限なし'),
                  className: 'min-w-40',
                },
                {
                  header: '最後に使った日時',
                  cell: (t) => (t.lastUsedAt ? <InstantText value={t.lastUsedAt} /> : 'まだ使われていません'),
                  className: 'min-w-40',
                },
                {
                  header: '操作',
                  className: 'whitespace-nowrap',
                  cell: (t) =>
                    t.revokedAt ? (
                      '—'
                    ) : confirming === t.id ? (
                      <span className="flex flex-wrap items-center gap-2">
                        <span>失効すると元に戻せません。</span>
                        <Button variant="danger" disabled={revoke.isPending} onClick={() => revoke.mutate(t)}>
                          {`「${t.name}」を失効する`}
                        </Button>
                        <Button variant="secondary" onClick={() => setConfirming(null)}>
                          やめる
                        </Button>
                      </span>
                    ) : (
                      <Button
                        variant="danger"
                        aria-label={`「${t.name}」を失効`}
                        onClick={() => {
                          setNotice(null);
                          setConfirming(t.id);
                        }}
                      >
                        失効
                      </Button>
                    ),
                },
              ]}
            />
          )}
        </Loaded>
        <ProblemAlert error={revoke.error} />
      </div>
    </>
  );
}
