import { rolesOf, useMe } from '../auth/me';
import { StateBadge } from '../ui/badge';
import { ButtonLink, TextLink } from '../ui/button';
import { DateText } from '../ui/date-text';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import type { Item } from '../api/client';
import { useInquiries } from './inquiry-queries';

type InquiryRow = Item<'/api/v1/inquiries', 'get'>;

/** 全庁照会 list; the secretariat starts new ones here. */
export function InquiriesPage() {
  const me = useMe();
  const inquiries = useInquiries();
  const secretariat = rolesOf(me.data).has('secretariat');
  return (
    <>
      <PageTitle
        title="全庁照会"
        actions={
          secretariat && (
            <ButtonLink to="/inquiries/new" variant="primary">
              新しい全庁照会を作成
            </ButtonLink>
          )
        }
      >
        全庁照会
      </PageTitle>
      <Loaded query={inquiries}>
        {(page) => (
          <DataTable<InquiryRow>
            caption={`全庁照会の一覧（${page.total}件）`}
            rows={page.items}
            rowKey={(q) => q.id}
            columns={[
              { header: '件名', cell: (q) => <TextLink to={`/inquiries/${q.id}`}>{q.title}</TextLink> },
              { header: '回答期限', cell: (q) => <DateText value={q.dueDate} /> },
              { header: '照会先', cell: (q) => `${q.targetUnits.length}局・区` },
              { header: '状態', cell: (q) => <StateBadge state={q.state} stateLabel={q.stateLabel} /> },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
