import { useState } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ, type Body, type Item } from '../api/client';
import { fieldError } from '../api/problem';
import { rolesOf, useMe } from '../auth/me';
import { Badge, StateBadge } from '../ui/badge';
import { Button, ButtonLink } from '../ui/button';
import { DateText, InstantText } from '../ui/date-text';
import { TextArea } from '../ui/field';
import { Facts, Loaded, PageTitle, Section } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import { useWorkflow } from '../workflows/workflow';
import { transitionsFrom } from '../workflows/workflow-actions';
import { useInquiry, useResponses } from './inquiry-queries';

type ResponseRow = Item<'/api/v1/inquiries/{id}/responses', 'get'>;
type DeadlineRow = Item<'/api/v1/deadlines', 'get'>;

const ANSWER: Record<string, string> = { pending: '未回答', responded: '回答済', nil_return: '該当なし' };

/** One inquiry: its facts, the secretariat's transitions, and the response board per unit. */
export function InquiryPage() {
  const { id = '' } = useParams();
  const inquiry = useInquiry(id);
  return (
    <Loaded query={inquiry}>
      {(q) => (
        <>
          <PageTitle title={q.title} actions={<InquiryActions inquiry={q} />}>
            {q.title} <StateBadge state={q.state} stateLabel={q.stateLabel} />
          </PageTitle>
          <div className="flex flex-col gap-6">
            <Section id="facts" title="照会の内容">
              <Facts
                items={[
                  ['回答期限', <DateText value={q.dueDate} />],
                  ['照会先', `${q.targetUnits.length}局・区`],
                  ['開始', <InstantText value={q.openedAt} />],
                  ['締切', <InstantText value={q.closedAt} />],
                  ['説明', q.description || '—'],
                ]}
              />
              {q.state === 'open' && <ProposeHere inquiryId={q.id} />}
            </Section>
            <ResponseBoard inquiry={q} />
          </div>
        </>
      )}
    </Loaded>
  );
}

function ProposeHere({ inquiryId }: { inquiryId: string }) {
  const me = useMe();
  if (!rolesOf(me.data).has('bureau_editor')) return null;
  return (
    <p>
      <ButtonLink to={`/proposals/new?inquiryId=${inquiryId}`} variant="primary">
        この照会に提案する
      </ButtonLink>
    </p>
  );
}

function InquiryActions({ inquiry }: { inquiry: { id: string; state: string } }) {
  const me = useMe();
  const workflow = useWorkflow('inquiry');
  const [comment, setComment] = useState('');
  const [asking, setAsking] = useState<string | null>(null);
  const act = useAction(
    (v: Body<'/api/v1/inquiries/{id}/transitions', 'post'>) =>
      answer(
        api.POST('/api/v1/inquiries/{id}/transitions', {
          params: { path: { id: inquiry.id }, header: FROM_LAST_READ },
          body: v,
        }),
      ),
    [['inquiries'], ['deadlines']],
    () => setAsking(null),
  );
  const actions = transitionsFrom(workflow.data?.definition, inquiry.state, rolesOf(me.data));
  if (actions.length === 0) return null;
  return (
    <div className="flex flex-col gap-3">
      <div className="flex flex-wrap gap-3">
        {actions.map((t) => (
          <Button
            key={t.action}
            variant={t.action === 'cancel' ? 'danger' : 'primary'}
            disabled={act.isPending}
            onClick={() =>
              (t.requires ?? []).includes('comment')
                ? setAsking(t.action)
                : act.mutate({ action: t.action as Body<'/api/v1/inquiries/{id}/transitions', 'post'>['action'] })
            }
          >
            {t.label?.ja ?? t.action}
          </Button>
        ))}
      </div>
      {asking && (
        <form
          className="flex flex-col gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            act.mutate({ action: asking as Body<'/api/v1/inquiries/{id}/transitions', 'post'>['action'], comment });
          }}
        >
          <TextArea
            label="理由"
            required
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            error={fieldError(act.error, 'comment')}
          />
          <Button type="submit" variant="danger">
            理由を付けて実行
          </Button>
        </form>
      )}
      <ProblemAlert error={act.error} onReload={() => act.reset()} />
    </div>
  );
}

function ResponseBoard({ inquiry }: { inquiry: { id: string; state: string } }) {
  const me = useMe();
  const responses = useResponses(inquiry.id);
  const deadlines = useQuery({ queryKey: ['deadlines'], queryFn: () => answer(api.GET('/api/v1/deadlines')) });
  const approverOf = new Set(
    ((me.data?.grants ?? []) as Array<{ role: string; orgUnit: { code: string } }>)
      .filter((g) => g.role === 'bureau_approver')
      .map((g) => g.orgUnit.code),
  );
  const deadlineOf = (code: string): DeadlineRow | undefined =>
    (deadlines.data ?? []).find(
      (d: DeadlineRow) => d.subject.type === 'inquiry' && d.subject.id === inquiry.id && d.ownerUnit.code === code,
    );
  return (
    <Section id="board" title="回答状況">
      <Loaded query={responses}>
        {(rows) => {
          const count = (s: string) => rows.filter((r: ResponseRow) => r.status === s).length;
          return (
            <>
              <p className="text-std-16N-170">
                未回答 {count('pending')}件・回答済 {count('responded')}件・該当なし {count('nil_return')}件
              </p>
              <DataTable<ResponseRow>
                caption="局・区ごとの回答状況"
                rows={rows}
                rowKey={(r) => r.orgUnit.code}
                columns={[
                  { header: '局・区', cell: (r) => r.orgUnit.nameJa },
                  {
                    header: '回答',
                    cell: (r) => (
                      <Badge
                        state={r.status}
                        label={r.status === 'responded' ? `回答済 ${r.proposals}件` : (ANSWER[r.status] ?? r.status)}
                      />
                    ),
                  },
                  {
                    header: '回答期限',
                    cell: (r) => {
                      const d = deadlineOf(r.orgUnit.code);
                      return d ? <DateText value={d.dueDate} /> : '—';
                    },
                  },
                  {
                    header: '督促',
                    cell: (r) => {
                      const d = deadlineOf(r.orgUnit.code);
                      if (r.status !== 'pending') return '不要';
                      if (!d) return '—';
                      return d.status === 'overdue' ? (
                        <strong className="text-error-2">期限超過（督促中）</strong>
                      ) : (
                        `期限まで${d.workingDaysLeft}営業日`
                      );
                    },
                  },
                  {
                    header: '操作',
                    cell: (r) =>
                      r.status === 'pending' && inquiry.state === 'open' && approverOf.has(r.orgUnit.code) ? (
                        <NilReturn inquiryId={inquiry.id} unit={r.orgUnit} />
                      ) : r.nilReturn ? (
                        <span className="text-dns-14N-130">
                          {r.nilReturn.by ?? ''} <InstantText value={r.nilReturn.at} />
                        </span>
                      ) : (
                        ''
                      ),
                  },
                ]}
              />
            </>
          );
        }}
      </Loaded>
    </Section>
  );
}

function NilReturn({ inquiryId, unit }: { inquiryId: string; unit: { code: string; nameJa: string } }) {
  const act = useAction(
    () =>
      answer(
        api.POST('/api/v1/inquiries/{id}/nil-return', {
          params: { path: { id: inquiryId } },
          body: { orgUnit: unit.code, comment: '該当なし' },
        }),
      ),
    [['inquiries'], ['deadlines']],
  );
  return (
    <div className="flex flex-col gap-2">
      <Button
        variant="secondary"
        disabled={act.isPending}
        onClick={() => act.mutate(undefined)}
        aria-label={`${unit.nameJa}として該当なしを回答`}
      >
        該当なしを回答
      </Button>
      <ProblemAlert error={act.error} />
    </div>
  );
}
