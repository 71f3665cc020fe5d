import { DataTable } from '../ui/table';
import { DateText } from '../ui/date-text';
import { Badge } from '../ui/badge';
import { TextLink } from '../ui/button';
import { subjectPage } from './links';

import type { Item } from '../api/client';

export type DeadlineRow = Item<'/api/v1/deadlines', 'get'>;

const STATUS: Record<string, string> = { open: '対応中', satisfied: '対応済', overdue: '期限超過' };

/** Deadlines soonest first (the server's order); overdue ones in red, in words too. */
export function DeadlineTable({ rows, caption }: { rows: DeadlineRow[]; caption: string }) {
  return (
    <DataTable
      caption={caption}
      rows={rows}
      rowKey={(d) => d.id}
      empty="期限はありません。"
      rowClassName={(d) => (d.status === 'overdue' ? 'bg-red-50 text-error-2' : '')}
      columns={[
        {
          header: '件名',
          cell: (d) => {
            const page = subjectPage(d.subject);
            return page ? <TextLink to={page}>{d.title}</TextLink> : d.title;
          },
        },
        { header: '担当', cell: (d) => d.ownerUnit.nameJa },
        { header: '期限', cell: (d) => <DateText value={d.dueDate} /> },
        {
          header: '残り',
          cell: (d) =>
            d.status === 'overdue' ? (
              <strong>期限超過</strong>
            ) : d.status === 'satisfied' ? (
              '—'
            ) : (
              `${d.workingDaysLeft}営業日`
            ),
        },
        { header: '状況', cell: (d) => <Badge state={d.status} label={STATUS[d.status]} /> },
      ]}
    />
  );
}
