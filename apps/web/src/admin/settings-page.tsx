import { useState } from 'react';
import { Link } from 'react-router';
import { answer, api } from '../api/client';
import { rolesOf, useMe } from '../auth/me';
import { Button } from '../ui/button';
import { PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import type { components } from '../api/schema';
import { ADMIN_AREAS, AdminOnly, OWN_AREAS } from './settings-layout';

type VerifyResult = components['schemas']['VerifyResultDto'];

function AreaCards({ areas }: { areas: typeof OWN_AREAS }) {
  return (
    <ul className="grid grid-cols-1 gap-3 md:grid-cols-2">
      {areas.map((a) => (
        <li key={a.to}>
          <Link
            to={a.to}
            className="flex h-full flex-col gap-1 rounded-8 border border-solid-gray-300 bg-white px-4 py-3 hover:border-blue-900 hover:bg-blue-50 focus-visible:bg-yellow-300 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black"
          >
            <span className="text-std-18B-160 text-blue-1000 underline underline-offset-2">{a.label}</span>
            <span className="text-dns-16N-130 text-solid-gray-800">{a.what}</span>
          </Link>
        </li>
      ))}
    </ul>
  );
}

/** 管理のトップ: what a person can set here (their own settings; for administrators, the administration too). */
export function SettingsPage() {
  const me = useMe();
  const isAdmin = rolesOf(me.data).has('admin');
  return (
    <>
      <PageTitle title="管理">管理</PageTitle>
      <div className="flex flex-col gap-6">
        <Section title="自分の設定" id="own">
          <AreaCards areas={OWN_AREAS} />
        </Section>
        {isAdmin && (
          <Section title="システム管理" id="administration">
            <AreaCards areas={ADMIN_AREAS} />
          </Section>
        )}
      </div>
    </>
  );
}

/** A new secret URL of one's deadline calendar feed. */
export function CalendarFeedPage() {
  const [feed, setFeed] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const issue = async () => {
    setBusy(true);
    setError(null);
    try {
      setFeed((await answer(api.POST('/api/v1/me/calendar-feed'))).url);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageTitle title="カレンダー配信">カレンダー配信</PageTitle>
      <Section title="期限のカレンダー配信" id="calendar">
        <p className="text-std-16N-170">
          自分の期限をカレンダーアプリで購読できるURLを発行します。新しく発行すると、前のURLは使えなくなります。
        </p>
        <div>
          <Button disabled={busy} onClick={() => void issue()}>
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
        <ProblemAlert error={error} />
      </Section>
    </>
  );
}

/** 監査の検証 (administrators): the audit log's hash chain, followed from its start. */
export function AuditPage() {
  const [verify, setVerify] = useState<VerifyResult | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setVerify(await answer(api.GET('/api/v1/audit/verify')));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <AdminOnly title="監査の検証">
      <PageTitle title="監査の検証">監査の検証</PageTitle>
      <Section title="監査ログの検証" id="audit">
        <p className="text-std-16N-170">
          監査ログのハッシュの連鎖を先頭からたどり、変更・削除・並べ替えがないか確かめます。
        </p>
        <div>
          <Button disabled={busy} onClick={() => void run()}>
            監査ログを検証
          </Button>
        </div>
        {verify &&
          (verify.ok ? (
            <Notice tone="success">{`${verify.entries.toLocaleString('ja-JP')}件を検証しました。改ざんはありません（最後の番号 ${verify.lastSeq ?? '—'}）。`}</Notice>
          ) : (
            <div
              role="alert"
              className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
            >
              {`番号 ${verify.brokenAt?.seq ?? '?'} の記録で連鎖が切れています。`}
            </div>
          ))}
        <ProblemAlert error={error} />
      </Section>
    </AdminOnly>
  );
}
