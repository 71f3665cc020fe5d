import type { ReactNode } from 'react';
import { NavLink, Outlet } from 'react-router';
import { rolesOf, useMe } from '../auth/me';
import { TextLink } from '../ui/button';
import { Loading, PageTitle } from '../ui/page';

interface Area {
  to: string;
  label: string;
  what: string;
}

/** What everyone sets for themselves. */
export const OWN_AREAS: Area[] = [
  { to: '/settings/notifications', label: '通知設定', what: 'お知らせをメール・アプリ内・Webhookのどれで受け取るか' },
  { to: '/settings/calendar', label: 'カレンダー配信', what: '自分の期限をカレンダーアプリで購読するURL' },
  { to: '/settings/tokens', label: 'APIトークン', what: '連携するシステムやスクリプトのための自分のトークン' },
];

/** What only a system administrator (システム管理者) does; the API refuses everyone else too. */
export const ADMIN_AREAS: Area[] = [
  { to: '/settings/users', label: '利用者と権限', what: '利用者の追加、所属・役割・権限の変更、アカウントの停止' },
  { to: '/settings/org-units', label: '組織', what: '局・区・課の一覧（ツリー）、追加、名称の変更' },
  {
    to: '/settings/personnel',
    label: '人事異動・機構改革',
    what: '人事異動ファイルの取込（事前確認つき）、発令予定の一覧、組織の名称変更・統合・分割の登録',
  },
  { to: '/settings/workflows', label: 'ワークフロー定義', what: '審議・進捗の流れの定義（図と表）' },
  { to: '/settings/audit', label: '監査の検証', what: '監査ログが改ざんされていないかの検証' },
  {
    to: '/settings/security-events',
    label: 'セキュリティイベント',
    what: 'サインイン、トークン、権限の変更などの記録',
  },
];

const subLink = ({ isActive }: { isActive: boolean }) =>
  `block rounded-6 px-2 py-1.5 md:px-3 md:py-2 text-dns-16B-130 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black focus-visible:bg-yellow-300 focus-visible:text-black ${
    isActive ? 'bg-blue-900 text-white' : 'text-blue-1000 underline-offset-4 hover:bg-blue-50 hover:underline'
  }`;

function AreaLinks({ heading, areas, id }: { heading: string; areas: Area[]; id: string }) {
  return (
    <div className="flex flex-col gap-1">
      <h2 id={id} className="px-3 text-dns-14B-120 text-solid-gray-700">
        {heading}
      </h2>
      <ul aria-labelledby={id} className="flex flex-wrap gap-1 md:flex-col">
        {areas.map((a) => (
          <li key={a.to}>
            <NavLink to={a.to} className={subLink}>
              {a.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </div>
  );
}

/**
 * 管理: one's own settings for everyone, and the administration for システム管理者. The
 * sub-navigation shows a person only what they may use; a page they may not use says so.
 */
export function SettingsLayout() {
  const me = useMe();
  const isAdmin = rolesOf(me.data).has('admin');
  return (
    <div className="grid grid-cols-1 gap-6 md:grid-cols-[14rem_1fr]">
      <nav
        aria-label="管理メニュー"
        className="flex flex-col gap-3 rounded-12 border border-solid-gray-200 bg-white p-3 md:gap-4 md:self-start"
      >
        <AreaLinks heading="自分の設定" areas={OWN_AREAS} id="settings-own" />
        {isAdmin && <AreaLinks heading="システム管理" areas={ADMIN_AREAS} id="settings-admin" />}
      </nav>
      <div className="min-w-0">
        <Outlet />
      </div>
    </div>
  );
}

/** An administrator's page, or for anyone else a plain Japanese explanation (never an empty page). */
export function AdminOnly({ title, children }: { title: string; children: ReactNode }) {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (!rolesOf(me.data).has('admin')) {
    return (
      <>
        <PageTitle title={title}>{title}</PageTitle>
        <div
          role="alert"
          className="flex flex-col gap-3 rounded-8 border-2 border-blue-900 bg-blue-50 px-4 py-3 text-std-16N-170"
        >
          <p className="font-bold">この画面はシステム管理者だけが使えます。</p>
          <p>
            「{title}
            」の確認や変更が必要なときは、システム管理者に依頼してください。自分の通知設定・カレンダー配信・APIトークンは、管理メニューの「自分の設定」から変更できます。
          </p>
          <p>
            <TextLink to="/settings">管理のトップに戻る</TextLink>
          </p>
        </div>
      </>
    );
  }
  return <>{children}</>;
}
