import { TextLink } from '../ui/button';
import { StateBadge } from '../ui/badge';
import { InstantText } from '../ui/date-text';
import { Loaded, Loading, PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { DeadlineTable } from './deadline-list';
import { useDeadlines, useNotifications, useWaitingProposals } from './inbox';
import { NotificationList, type NotificationRow } from './notification-list';

/** マイページ: what waits for me now. */
export function InboxPage() {
  const waiting = useWaitingProposals();
  const deadlines = useDeadlines();
  const notifications = useNotifications();
  return (
    <>
      <PageTitle title="マイページ">マイページ</PageTitle>
      <div className="flex flex-col gap-6">
        <Section id="waiting" title={`対応待ちの提案（${waiting.items.length}件）`}>
          {waiting.isPending ? (
            <Loading />
          ) : (
            <DataTable
              caption="あなたの段階で対応を待っている提案"
              rows={waiting.items}
              rowKey={(p) => p.id}
              empty="対応待ちの提案はありません。"
              columns={[
                { header: '件名', cell: (p) => <TextLink to={`/proposals/${p.id}`}>{p.title}</TextLink> },
                { header: '提案元', cell: (p) => p.owningUnit.nameJa },
                { header: '状態', cell: (p) => <StateBadge state={p.state} stateLabel={p.stateLabel} /> },
                { header: '更新', cell: (p) => <InstantText value={p.updatedAt} /> },
              ]}
            />
          )}
        </Section>
        <Section id="deadlines" title="期限（近い順）">
          <Loaded query={deadlines}>
            {(rows) => <DeadlineTable caption="あなたの期限" rows={rows.slice(0, 10)} />}
          </Loaded>
          <p>
            <TextLink to="/deadlines">すべての期限を見る</TextLink>
          </p>
        </Section>
        <Section id="unread" title={`未読のお知らせ（${notifications.data?.unread ?? 0}件）`}>
          <Loaded query={notifications}>
            {(page) => <NotificationList rows={page.items.filter((n: NotificationRow) => !n.readAt)} />}
          </Loaded>
          <p>
            <TextLink to="/notifications">お知らせをすべて見る</TextLink>
          </p>
        </Section>
      </div>
    </>
  );
}
