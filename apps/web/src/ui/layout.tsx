import { NavLink, Outlet } from 'react-router';
import { ROLE_LABELS, useMe } from '../auth/me';
import { session } from '../auth/token';
import { useDeadlines, useNotifications, useWaitingProposals } from '../inbox/inbox';
import { useFirstPageAnswered } from '../start/first-page';
import { Button } from './button';

const navLink = ({ isActive }: { isActive: boolean }) =>
  `inline-flex items-center gap-2 rounded-6 px-2 py-1.5 sm:px-3 sm:py-2 text-oln-16B-100 focus-visible:outline-4 focus-visible:outline-offset-2 focus-visible:outline-black focus-visible:bg-yellow-300 ${
    isActive ? 'bg-blue-900 text-white' : 'text-blue-1000 hover:bg-blue-50 underline-offset-4 hover:underline'
  }`;

function Count({ n, what }: { n: number | undefined; what: string }) {
  if (!n) return null;
  return (
    <span className="rounded-full bg-error-2 px-2 py-0.5 text-dns-14B-120 text-white">
      {n}
      <span className="sr-only">{what}</span>
    </span>
  );
}

/** The frame of every signed-in page: skip link, header with counts, navigation, main. */
export function Layout() {
  // The header's person and counts wait until the first page's own queries are answered: on a
  // page load they would otherwise compete with them for the server and the browser's connections.
  const enabled = useFirstPageAnswered();
  const me = useMe({ enabled });
  const notifications = useNotifications({ enabled });
  const deadlines = useDeadlines({ enabled });
  const waiting = useWaitingProposals({ enabled });
  const unread = notifications.data?.unread;
  const due = ((deadlines.data ?? []) as Array<{ status: string }>).filter((d) => d.status !== 'satisfied').length;
  const isSecretariat = ((me.data?.grants ?? []) as Array<{ role: string }>).some((g) => g.role === 'secretariat');
  const roles = [
    ...new Set(((me.data?.grants ?? []) as Array<{ role: string }>).map((g) => ROLE_LABELS[g.role] ?? g.role)),
  ];

  return (
    <div className="min-h-screen bg-solid-gray-50 text-solid-gray-900">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded-6 focus:bg-yellow-300 focus:px-4 focus:py-2 focus:text-black focus:outline-4 focus:outline-black"
      >
        本文へスキップ
      </a>
      <header className="border-b border-solid-gray-200 bg-white">
        {/* On a phone the title and サインアウト share the first line and the person goes below
            them, so the page itself starts higher; from sm up the person sits beside the button. */}
        <div className="mx-auto flex max-w-7xl flex-wrap items-center gap-x-4 gap-y-1 px-4 py-3 sm:px-6">
          <p className="mr-auto text-std-20B-150">改革プラン 取組管理</p>
          {me.data && (
            <p className="order-last w-full text-dns-14N-130 sm:order-none sm:w-auto sm:text-dns-16N-130">
              <span className="font-bold">{me.data.displayName}</span>（{me.data.orgUnit?.nameJa}・{roles.join('、')}）
            </p>
          )}
          <Button variant="secondary" onClick={() => void session.signOut()}>
            サインアウト
          </Button>
        </div>
        <nav aria-label="メインメニュー" className="mx-auto max-w-7xl px-4 pb-2">
          <ul className="flex flex-wrap gap-1">
            <li>
              <NavLink to="/" end className={navLink}>
                マイページ
                <Count n={waiting.items.length} what="件の対応待ち" />
              </NavLink>
            </li>
            <li>
              <NavLink to="/notifications" className={navLink}>
                お知らせ
                <Count n={unread} what="件の未読" />
              </NavLink>
            </li>
            <li>
              <NavLink to="/deadlines" className={navLink}>
                期限
                <Count n={due} what="件の期限" />
              </NavLink>
            </li>
            <li>
              <NavLink to="/deputies" className={navLink}>
                代決
              </NavLink>
            </li>
            <li>
              <NavLink to="/inquiries" className={navLink}>
                全庁照会
              </NavLink>
            </li>
            <li>
              <NavLink to="/proposals" className={navLink}>
                提案
              </NavLink>
            </li>
            <li>
              <NavLink to="/meetings" className={navLink}>
                会議
              </NavLink>
            </li>
            <li>
              <NavLink to="/tracking" className={navLink}>
                進捗
              </NavLink>
            </li>
            <li>
              <NavLink to="/dashboard" className={navLink}>
                ダッシュボード
              </NavLink>
            </li>
            <li>
              <NavLink to="/reports" className={navLink}>
                市議会報告
              </NavLink>
            </li>
            {isSecretariat && (
              <li>
                <NavLink to="/imports" className={navLink}>
                  取込
                </NavLink>
              </li>
            )}
            <li>
              <NavLink to="/initiatives" className={navLink}>
                取組
              </NavLink>
            </li>
            <li>
              <NavLink to="/settings" className={navLink}>
                管理
              </NavLink>
            </li>
            <li>
              <NavLink to="/workflow" className={navLink}>
                審議の流れ
              </NavLink>
            </li>
          </ul>
        </nav>
      </header>
      <main id="main" tabIndex={-1} className="mx-auto max-w-7xl px-4 py-6 focus:outline-none sm:px-6 sm:py-8">
        <Outlet />
      </main>
    </div>
  );
}
