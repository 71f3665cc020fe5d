import { useState } from 'react';
import { answer, api } from '../api/client';
import { rolesOf, useMe } from '../auth/me';
import { Button } from '../ui/button';
import { PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import type { components } from '../api/schema';

type VerifyResult = components['schemas']['VerifyResultDto'];

/** 管理: one's own calendar feed, and for administrators the audit log's verification. */
export function SettingsPage() {
  const me = useMe();
  const isAdmin = rolesOf(me.data).has('admin');
  const [feed, setFeed] = useState<string | null>(null);
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle title="管理">管理</PageTitle>
      <div className="flex flex-col gap-6">
        <Section title="期限のカレンダー配信" id="calendar">
          <p className="text-std-16N-170">自分の期限をカレンダーアプリで購読できるURLを発行します。新しく発行すると、前のURLは使えなくなります。</p>
          <div>
            <Button disabled={busy} onClick={() => void run(async () => setFeed(((await answer(api.POST('/api/v1/me/calendar-feed'))) as { url: string }).url))}>
              カレンダー配信URLを発行
            </Button>
          </div>
          {feed && (
            <Notice tone="success">
              <span className="block">このURLをカレンダーアプリに登録してください（他の人に知らせないでください）。</span>
              <code className="block break-all text-dns-16N-130" aria-label="カレンダー配信URL">
                {feed}
              </code>
            </Notice>
          )}
        </Section>
        {isAdmin && (
          <Section title="監査ログの検証" id="audit">
            <p className="text-std-16N-170">監査ログのハッシュの連鎖を先頭からたどり、変更・削除・並べ替えがないか確かめます。</p>
            <div>
              <Button disabled={busy} onClick={() => void run(async () => setVerify((await answer(api.GET('/api/v1/audit/verify'))) as VerifyResult))}>
                監査ログを検証
              </Button>
            </div>
            {verify &&
              (verify.ok ? (
                <Notice tone="success">{`${verify.entries.toLocaleString('ja-JP')}件を検証しました。改ざんはありません（最後の番号 ${verify.lastSeq ?? '—'}）。`}</Notice>
              ) : (
                <div role="alert" className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2">
                  {`番号 ${verify.brokenAt?.seq ?? '?'} の記録で連鎖が切れています。`}
                </div>
              ))}
          </Section>
        )}
        <ProblemAlert error={error} />
      </div>
    </>
  );
}
