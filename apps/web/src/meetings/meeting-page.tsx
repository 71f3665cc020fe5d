import { useState } from 'react';
import { useParams } from 'react-router';
import { useQueries, useQuery } from '@tanstack/react-query';
import { answer, api, type Item } from '../api/client';
import { rolesOf, useMe } from '../auth/me';
import { StateBadge } from '../ui/badge';
import { Button, TextLink } from '../ui/button';
import { DateText, InstantText } from '../ui/date-text';
import { CheckboxGroup } from '../ui/field';
import { Facts, Loaded, PageTitle, Section } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import { stateLabels, useWorkflow } from '../workflows/workflow';
import { AGENDA_STAGE, MEETING_KINDS, useMeeting } from './meeting-queries';

type Meeting = NonNullable<ReturnType<typeof useMeeting>['data']>;
type AgendaItem = Meeting['agenda'][number];
type HistoryEntry = Item<'/api/v1/proposals/{id}/history', 'get'>;

/** One meeting: its agenda, the decisions taken at it, and (secretariat) adding proposals at its stage. */
export function MeetingPage() {
  const { id = '' } = useParams();
  const meeting = useMeeting(id);
  const me = useMe();
  return (
    <Loaded query={meeting}>
      {(m) => (
        <>
          <PageTitle title={m.title}>{m.title}</PageTitle>
          <div className="flex flex-col gap-6">
            <Section id="facts" title="会議の概要">
              <Facts
                items={[
                  ['種類', m.kindLabel ?? MEETING_KINDS[m.kind]],
                  ['開催日', <DateText value={m.heldOn} />],
                  ['議題', `${m.agenda.length}件`],
                ]}
              />
            </Section>
            <Agenda meeting={m} />
            {rolesOf(me.data).has('secretariat') && <AddToAgenda meeting={m} />}
          </div>
        </>
      )}
    </Loaded>
  );
}

function Agenda({ meeting }: { meeting: Meeting }) {
  const workflow = useWorkflow();
  const transitions = (workflow.data?.definition.transitions ?? []) as Array<{
    action: string;
    label?: { ja: string };
  }>;
  // The decision on each item is the step of its history that names this meeting.
  const histories = useQueries({
    queries: meeting.agenda.map((a: AgendaItem) => ({
      queryKey: ['proposals', a.proposalId, 'history'],
      queryFn: () => answer(api.GET('/api/v1/proposals/{id}/history', { params: { path: { id: a.proposalId } } })),
    })),
  });
  const decisionOf = (i: number): HistoryEntry | undefined =>
    ((histories[i]?.data ?? []) as HistoryEntry[])
      .filter((h) => (h.details?.meeting as { id?: string } | undefined)?.id === meeting.id)
      .at(-1);
  const rows = meeting.agenda.map((a: AgendaItem, i: number) => ({ ...a, decision: decisionOf(i) }));
  return (
    <Section id="agenda" title="議題と決定">
      <DataTable<(typeof rows)[number]>
        caption="議題（順番）と、この会議での決定"
        rows={rows}
        rowKey={(a) => a.proposalId}
        empty="議題はまだありません。"
        columns={[
          { header: '順', cell: (a) => a.position },
          { header: '提案', cell: (a) => <TextLink to={`/proposals/${a.proposalId}`}>{a.title}</TextLink> },
          {
            header: '現在の状態',
            cell: (a) => (
              <StateBadge
                state={a.state}
                stateLabel={{ ja: stateLabels(workflow.data?.definition)[a.state] ?? a.state }}
              />
            ),
          },
          {
            header: 'この会議での決定',
            cell: (a) =>
              a.decision ? (
                <span>
                  {transitions.find((t) => t.action === a.decision!.action)?.label?.ja ?? a.decision.action}（
                  {a.decision.actor.username}・<InstantText value={a.decision.at} />）
                  {a.decision.comment && <span className="block text-dns-14N-130">{a.decision.comment}</span>}
                </span>
              ) : (
                '未決定'
              ),
          },
        ]}
      />
    </Section>
  );
}

function AddToAgenda({ meeting }: { meeting: Meeting }) {
  const stage = AGENDA_STAGE[meeting.kind];
  const workflow = useWorkflow();
  const [chosen, setChosen] = useState<string[]>([]);
  const candidates = useQuery({
    queryKey: ['proposals', 'list', { planId: meeting.planId, state: stage, pageSize: 100 }],
    queryFn: () =>
      answer(
        api.GET('/api/v1/proposals', { params: { query: { planId: meeting.planId, state: stage, pageSize: 100 } } }),
      ),
  });
  const onAgenda = new Set(meeting.agenda.map((a: AgendaItem) => a.proposalId));
  const options = ((candidates.data?.items ?? []) as Array<Item<'/api/v1/proposals', 'get'>>)
    .filter((p) => !onAgenda.has(p.id))
    .map((p) => ({ value: p.id, label: `${p.title}（${p.owningUnit.nameJa}）` }));
  const add = useAction(
    () =>
      answer(
        api.POST('/api/v1/meetings/{id}/agenda', {
          params: { path: { id: meeting.id } },
          body: { proposalIds: chosen },
        }),
      ),
    [['meetings'], ['proposals']],
    () => setChosen([]),
  );
  return (
    <Section id="add" title="議題に追加">
      <p className="text-std-16N-170">
        「{stateLabels(workflow.data?.definition)[stage] ?? stage}」の段階にある提案を追加できます。
      </p>
      {options.length === 0 ? (
        <p className="text-std-16N-170 text-solid-gray-700">追加できる提案はありません。</p>
      ) : (
        <form
          className="flex flex-col gap-4"
          onSubmit={(e) => {
            e.preventDefault();
            add.mutate(undefined);
          }}
        >
          <CheckboxGroup legend="追加する提案" options={options} value={chosen} onChange={setChosen} />
          <div>
            <Button type="submit" disabled={chosen.length === 0 || add.isPending}>
              選んだ提案を議題に追加
            </Button>
          </div>
        </form>
      )}
      <ProblemAlert error={add.error} />
    </Section>
  );
}
