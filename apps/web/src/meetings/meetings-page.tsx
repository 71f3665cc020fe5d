import { useSearchParams } from 'react-router';
import type { Item } from '../api/client';
import { rolesOf, useMe } from '../auth/me';
import { ButtonLink, TextLink } from '../ui/button';
import { DateText } from '../ui/date-text';
import { SelectField } from '../ui/field';
import { Loaded, PageTitle } from '../ui/page';
import { DataTable } from '../ui/table';
import { MEETING_KINDS, useMeetings } from './meeting-queries';

type MeetingRow = Item<'/api/v1/meetings', 'get'>;

/** 会議: committee, HQ and council meetings. */
export function MeetingsPage() {
  const [params, setParams] = useSearchParams();
  const kind = (params.get('kind') ?? '') as '' | 'committee' | 'hq' | 'council';
  const meetings = useMeetings({ kind: kind || undefined });
  const me = useMe();
  return (
    <>
      <PageTitle
        title="会議"
        actions={
          rolesOf(me.data).has('secretariat') && (
            <ButtonLink to="/meetings/new" variant="primary">
              会議を登録
            </ButtonLink>
          )
        }
      >
        会議
      </PageTitle>
      <div className="mb-6 max-w-xs">
        <SelectField
          label="会議の種類"
          value={kind}
          onChange={(e) => setParams(e.target.value ? { kind: e.target.value } : {}, { replace: true })}
        >
          <option value="">すべて</option>
          {Object.entries(MEETING_KINDS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </SelectField>
      </div>
      <Loaded query={meetings}>
        {(page) => (
          <DataTable<MeetingRow>
            caption={`会議の一覧（${page.total}件）`}
            rows={page.items}
            rowKey={(m) => m.id}
            columns={[
              { header: '会議名', cell: (m) => <TextLink to={`/meetings/${m.id}`}>{m.title}</TextLink> },
              { header: '種類', cell: (m) => m.kindLabel ?? MEETING_KINDS[m.kind] },
              { header: '開催日', cell: (m) => <DateText value={m.heldOn} /> },
              { header: '議題', cell: (m) => `${m.agenda.length}件` },
            ]}
          />
        )}
      </Loaded>
    </>
  );
}
