import { Loaded, PageTitle } from '../ui/page';
import { useNotifications } from './inbox';
import { NotificationList } from './notification-list';

export function NotificationsPage() {
  const notifications = useNotifications();
  return (
    <>
      <PageTitle title="お知らせ">お知らせ</PageTitle>
      <Loaded query={notifications}>{(page) => <NotificationList rows={page.items} />}</Loaded>
    </>
  );
}
