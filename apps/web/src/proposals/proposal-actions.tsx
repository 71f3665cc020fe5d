import { useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ, type Item } from '../api/client';
import { fieldError } from '../api/problem';
import { Button } from '../ui/button';
import { SelectField, TextArea } from '../ui/field';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import { useWorkflow } from '../workflows/workflow';
import { FIELD_LABELS, useProposalActions } from './proposal-queries';

type AvailableAction = Item<'/api/v1/proposals/{id}/actions', 'get'>;

/** Actions that close a door get the danger style; the rest move the proposal forward. */
const DANGER = new Set(['reject', 'withdraw']);

/**
 * The caller's actions, exactly as `GET /proposals/{id}/actions` lists them. An action that
 * requires an input (a comment, the proposal to merge into) asks for it first; the council
 * meeting of 市議会報告 is offered when the plan has some.
 */
export function ProposalActions({ proposal }: { proposal: { id: string; planId: string; title: string } }) {
  const actions = useProposalActions(proposal.id);
  const [chosen, setChosen] = useState<AvailableAction | null>(null);
  const [comment, setComment] = useState('');
  const [target, setTarget] = useState('');
  const [meetingId, setMeetingId] = useState('');
  const act = useAction(
    (v: { action: string; comment?: string; targetProposalId?: string; meetingId?: string }) =>
      answer(
        api.POST('/api/v1/proposals/{id}/transitions', {
          params: { path: { id: proposal.id }, header: FROM_LAST_READ },
          body: v,
        }),
      ),
    [['proposals'], ['notifications'], ['deadlines'], ['meetings'], ['initiatives']],
    () => {
      setChosen(null);
      setComment('');
    },
  );
  const needs = (a: AvailableAction | null, input: string) => Boolean(a?.requires?.includes(input));
  const needsForm = (a: AvailableAction) =>
    (a.requires ?? []).length > 0 || a.action === 'report' || a.action === 'return' || a.action === 'reject';
  const list = (actions.data ?? []) as AvailableAction[];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!chosen) return;
    act.mutate({
      action: chosen.action,
      comment: comment.trim() || undefined,
      targetProposalId: needs(chosen, 'targetProposalId') ? target || undefined : undefined,
      meetingId: meetingId || undefined,
    });
  };

  return (
    <section
      aria-labelledby="actions-title"
      className="flex flex-col gap-3 rounded-12 border-2 border-blue-900 bg-white p-6"
    >
      <h2 id="actions-title" className="text-std-22B-150">
        あなたができる操作
      </h2>
      {actions.isPending ? null : list.length === 0 ? (
        <p className="text-std-16N-170 text-solid-gray-700">現在、あなたができる操作はありません。</p>
      ) : (
        <div className="flex flex-wrap gap-3">
          {list.map((a) => (
            <Button
              key={a.action}
              variant={DANGER.has(a.action) ? 'danger' : chosen?.action === a.action ? 'secondary' : 'primary'}
              disabled={act.isPending}
              aria-expanded={needsForm(a) ? chosen?.action === a.action : undefined}
              onClick={() => {
                act.reset();
                if (needsForm(a)) setChosen(a);
                else act.mutate({ action: a.action });
              }}
            >
              {a.label?.ja ?? a.action}
            </Button>
          ))}
        </div>
      )}
      {chosen && (
        <form
          onSubmit={submit}
          noValidate
          className="flex flex-col gap-4 border-t border-solid-gray-200 pt-4"
          aria-label={`${chosen.label?.ja ?? chosen.action}の入力`}
        >
          {needs(chosen, 'targetProposalId') && (
            <MergeTarget
              proposal={proposal}
              value={target}
              onChange={setTarget}
              error={fieldError(act.error, 'targetProposalId')}
            />
          )}
          {chosen.action === 'report' && (
            <CouncilMeeting
              planId={proposal.planId}
              value={meetingId}
              onChange={setMeetingId}
              error={fieldError(act.error, 'meetingId')}
            />
          )}
          <TextArea
            label={
              needs(chosen, 'comment') ? `${chosen.label?.ja ?? chosen.action}の理由（コメント）` : 'コメント（任意）'
            }
            required={needs(chosen, 'comment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            error={fieldError(act.error, 'comment')}
          />
          <div className="flex gap-3">
            <Button type="submit" variant={DANGER.has(chosen.action) ? 'danger' : 'primary'} disabled={act.isPending}>
              {chosen.label?.ja ?? chosen.action}を確定
            </Button>
            <Button variant="secondary" onClick={() => setChosen(null)}>
              やめる
            </Button>
          </div>
        </form>
      )}
      <ProblemAlert error={act.error} fieldLabels={FIELD_LABELS} onReload={() => act.reset()} />
    </section>
  );
}

function MergeTarget({
  proposal,
  value,
  onChange,
  error,
}: {
  proposal: { id: string; planId: string };
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  const candidates = useQuery({
    queryKey: ['proposals', 'list', { planId: proposal.planId, pageSize: 100 }],
    queryFn: () =>
      answer(api.GET('/api/v1/proposals', { params: { query: { planId: proposal.planId, pageSize: 100 } } })),
  });
  const workflow = useWorkflow();
  // A proposal can be merged only into a live one: not in a final state of the workflow.
  const final = new Set(
    ((workflow.data?.definition.states ?? []) as Array<{ name: string; final?: boolean }>)
      .filter((s) => s.final)
      .map((s) => s.name),
  );
  const rows = ((candidates.data?.items ?? []) as Array<Item<'/api/v1/proposals', 'get'>>).filter(
    (p) => p.id !== proposal.id && !final.has(p.state),
  );
  return (
    <SelectField label="統合先の提案" required value={value} onChange={(e) => onChange(e.target.value)} error={error}>
      <option value="">選択してください</option>
      {rows.map((p) => (
        <option key={p.id} value={p.id}>
          {p.title}（{p.owningUnit.nameJa}・{p.stateLabel?.ja ?? p.state}）
        </option>
      ))}
    </SelectField>
  );
}

function CouncilMeeting({
  planId,
  value,
  onChange,
  error,
}: {
  planId: string;
  value: string;
  onChange: (v: string) => void;
  error?: string;
}) {
  const meetings = useQuery({
    queryKey: ['meetings', 'list', { planId, kind: 'council' }],
    queryFn: () =>
      answer(api.GET('/api/v1/meetings', { params: { query: { planId, kind: 'council', pageSize: 100 } } })),
  });
  return (
    <SelectField
      label="報告する市議会"
      value={value}
      onChange={(e) => onChange(e.target.value)}
      error={error}
      hint="選ばない場合は、この提案を議題に含む市議会になります。"
    >
      <option value="">議題に含む市議会（自動）</option>
      {((meetings.data?.items ?? []) as Array<{ id: string; title: string; heldOn: string }>).map((m) => (
        <option key={m.id} value={m.id}>
          {m.title}（{m.heldOn}）
        </option>
      ))}
    </SelectField>
  );
}
