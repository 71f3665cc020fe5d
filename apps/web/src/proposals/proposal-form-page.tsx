import { useState, type FormEvent } from 'react';
import { useNavigate, useParams, useSearchParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ } from '../api/client';
import { fieldError } from '../api/problem';
import { answeringUnits, useOrgUnits, usePlans } from '../api/reference';
import { useMe } from '../auth/me';
import { useInquiries } from '../inquiries/inquiry-queries';
import { Button } from '../ui/button';
import { CheckboxGroup, SelectField, TextArea, TextField } from '../ui/field';
import { fiscalYearLabel } from '../ui/dates';
import { Loaded, PageTitle } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import { FIELD_LABELS, useProposal } from './proposal-queries';

/** The form's state: the content fields of a proposal, as the API names them. */
interface Content {
  title: string;
  summary: string;
  policyNumber: number | null;
  themeNumber: number | null;
  expectedEffect: string;
  expectedAmount: string;
  schedule: Array<{ fiscalYear: number; step: string }>;
  collaboratingUnits: string[];
  relatedIndicators: string[];
}

const EMPTY: Content = {
  title: '',
  summary: '',
  policyNumber: null,
  themeNumber: null,
  expectedEffect: '',
  expectedAmount: '',
  schedule: [],
  collaboratingUnits: [],
  relatedIndicators: [],
};

/** What the API takes: numbers as numbers, blanks left out (the server says what is missing). */
function body(c: Content) {
  return {
    title: c.title,
    summary: c.summary,
    policyNumber: c.policyNumber ?? undefined,
    themeNumber: c.themeNumber ?? undefined,
    expectedEffect: c.expectedEffect,
    expectedAmount: c.expectedAmount.trim() === '' ? undefined : Number(c.expectedAmount.replace(/[,，]/g, '')),
    schedule: c.schedule,
    collaboratingUnits: c.collaboratingUnits,
    relatedIndicators: c.relatedIndicators,
  };
}

export function ProposalNewPage() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const inquiries = useInquiries({ state: 'open' });
  const me = useMe();
  const [inquiryId, setInquiryId] = useState(params.get('inquiryId') ?? '');
  const chosen = inquiryId || inquiries.data?.items?.[0]?.id || '';
  const planId = (inquiries.data?.items ?? []).find((q: { id: string }) => q.id === chosen)?.planId;
  const create = useAction(
    (c: Content) => answer(api.POST('/api/v1/proposals', { body: { inquiryId: chosen, ...body(c) } })),
    [['proposals']],
    (created) => void navigate(`/proposals/${created.id}`),
  );
  return (
    <>
      <PageTitle title="提案の作成">提案の作成</PageTitle>
      <Loaded query={inquiries}>
        {(page) =>
          page.items.length === 0 ? (
            <p className="text-std-16N-170">現在、受付中の全庁照会はありません。</p>
          ) : (
            <ProposalForm
              ownUnit={me.data?.orgUnit?.code}
              planId={planId}
              initial={EMPTY}
              pending={create.isPending}
              error={create.error}
              submitLabel="下書きを保存"
              onSubmit={(c) => create.mutate(c)}
              onCancel={() => void navigate('/proposals')}
              before={
                <SelectField
                  label="回答する全庁照会"
                  required
                  value={chosen}
                  onChange={(e) => setInquiryId(e.target.value)}
                  error={fieldError(create.error, 'inquiryId')}
                >
                  {page.items.map((q: { id: string; title: string }) => (
                    <option key={q.id} value={q.id}>
                      {q.title}
                    </option>
                  ))}
                </SelectField>
              }
            />
          )
        }
      </Loaded>
    </>
  );
}

export function ProposalEditPage() {
  const { id = '' } = useParams();
  const navigate = useNavigate();
  const proposal = useProposal(id);
  const save = useAction(
    (changes: Record<string, unknown>) =>
      answer(api.PATCH('/api/v1/proposals/{id}', { params: { path: { id }, header: FROM_LAST_READ }, body: changes })),
    [['proposals', id]],
    () => void navigate(`/proposals/${id}`),
  );
  return (
    <Loaded query={proposal}>
      {(p) => {
        const initial: Content = {
          title: p.title,
          summary: p.summary,
          policyNumber: p.policy?.number ?? null,
          themeNumber: p.theme?.number ?? null,
          expectedEffect: p.expectedEffect,
          expectedAmount: p.expectedAmount == null ? '' : String(p.expectedAmount),
          schedule: p.schedule.map((s: { fiscalYear: number; step: string }) => ({
            fiscalYear: s.fiscalYear,
            step: s.step,
          })),
          collaboratingUnits: p.collaboratingUnits.map((u: { code: string }) => u.code),
          relatedIndicators: p.relatedIndicators,
        };
        const before = body(initial) as Record<string, unknown>;
        return (
          <>
            <PageTitle title={`${p.title} の編集`}>提案の編集</PageTitle>
            <ProposalForm
              ownUnit={p.owningUnit.code}
              planId={p.planId}
              initial={initial}
              pending={save.isPending}
              error={save.error}
              submitLabel="変更を保存"
              onCancel={() => void navigate(`/proposals/${id}`)}
              onSubmit={(c) => {
                // Only what changed: the revision then names exactly the fields that were edited.
                const after = body(c) as Record<string, unknown>;
                const changes = Object.fromEntries(
                  Object.entries(after).filter(([k, v]) => JSON.stringify(v) !== JSON.stringify(before[k])),
                );
                save.mutate(changes);
              }}
            />
          </>
        );
      }}
    </Loaded>
  );
}

function ProposalForm({
  planId,
  initial,
  onSubmit,
  onCancel,
  pending,
  error,
  submitLabel,
  before,
  ownUnit,
}: {
  /** The owning unit's code: it does not collaborate with itself. */
  ownUnit?: string;
  planId: string | undefined;
  initial: Content;
  onSubmit: (c: Content) => void;
  onCancel: () => void;
  pending: boolean;
  error: unknown;
  submitLabel: string;
  before?: React.ReactNode;
}) {
  const [c, setC] = useState<Content>(initial);
  const set = <K extends keyof Content>(key: K, value: Content[K]) => setC((old) => ({ ...old, [key]: value }));
  const plans = usePlans();
  const units = useOrgUnits();
  const indicators = useQuery({
    queryKey: ['indicators', planId],
    enabled: Boolean(planId),
    queryFn: () => answer(api.GET('/api/v1/indicators', { params: { query: { planId, pageSize: 100 } } })),
  });
  const plan = (plans.data ?? []).find((p: { id: string }) => p.id === planId);
  const policy = plan?.policies.find((p: { number: number }) => p.number === c.policyNumber);
  const years: Array<{ fiscalYear: number; label: string }> = plan?.fiscalYears ?? [];
  const err = (f: string) => fieldError(error, f);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(c);
  };

  return (
    <form onSubmit={submit} className="flex max-w-4xl flex-col gap-6" noValidate aria-label="提案の内容">
      {before}
      <TextField
        label="件名"
        required
        maxLength={200}
        value={c.title}
        onChange={(e) => set('title', e.target.value)}
        error={err('title')}
      />
      <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
        <SelectField
          label="方針"
          required
          value={c.policyNumber ?? ''}
          onChange={(e) =>
            setC((old) => ({ ...old, policyNumber: e.target.value ? Number(e.target.value) : null, themeNumber: null }))
          }
          error={err('policyNumber')}
        >
          <option value="">選択してください</option>
          {(plan?.policies ?? []).map((p: { number: number; title: string }) => (
            <option key={p.number} value={p.number}>
              方針{p.number} {p.title}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="想定テーマ"
          value={c.themeNumber ?? ''}
          onChange={(e) => set('themeNumber', e.target.value ? Number(e.target.value) : null)}
          error={err('themeNumber')}
        >
          <option value="">選択してください</option>
          {(policy?.themes ?? []).map((t: { number: number; title: string }) => (
            <option key={t.number} value={t.number}>
              {t.number}. {t.title}
            </option>
          ))}
        </SelectField>
      </div>
      <TextArea
        label="概要"
        required
        value={c.summary}
        onChange={(e) => set('summary', e.target.value)}
        error={err('summary')}
        maxLength={4000}
      />
      <TextArea
        label="期待される効果"
        required
        value={c.expectedEffect}
        onChange={(e) => set('expectedEffect', e.target.value)}
        error={err('expectedEffect')}
        maxLength={4000}
      />
      <TextField
        label="効果額（千円）"
        inputMode="numeric"
        value={c.expectedAmount}
        onChange={(e) => set('expectedAmount', e.target.value)}
        error={err('expectedAmount')}
        hint="年間の見込額を千円単位の整数で入力します（例：1200）。"
      />
      <fieldset className="flex flex-col gap-3">
        <legend className="text-std-17B-170">
          年度別スケジュール <span className="ml-2 rounded-4 bg-error-2 px-1 text-dns-14B-120 text-white">必須</span>
        </legend>
        {c.schedule.map((s, i) => (
          <div key={i} className="grid grid-cols-[1fr_2fr_auto] items-end gap-3">
            <SelectField
              label={`${i + 1}行目の年度`}
              value={s.fiscalYear}
              onChange={(e) =>
                set(
                  'schedule',
                  c.schedule.map((x, j) => (j === i ? { ...x, fiscalYear: Number(e.target.value) } : x)),
                )
              }
              error={err(`schedule[${i}].fiscalYear`)}
            >
              {(years.length ? years : [{ fiscalYear: s.fiscalYear, label: fiscalYearLabel(s.fiscalYear) }]).map(
                (y) => (
                  <option key={y.fiscalYear} value={y.fiscalYear}>
                    {y.label}
                  </option>
                ),
              )}
            </SelectField>
            <TextField
              label={`${i + 1}行目の取組内容`}
              value={s.step}
              placeholder="検討・試行・実施・拡充 など"
              onChange={(e) =>
                set(
                  'schedule',
                  c.schedule.map((x, j) => (j === i ? { ...x, step: e.target.value } : x)),
                )
              }
              error={err(`schedule[${i}].step`)}
            />
            <Button
              variant="danger"
              aria-label={`${i + 1}行目を削除`}
              onClick={() =>
                set(
                  'schedule',
                  c.schedule.filter((_, j) => j !== i),
                )
              }
            >
              削除
            </Button>
          </div>
        ))}
        {err('schedule') && !c.schedule.length && <p className="text-dns-16B-130 text-error-2">＊{err('schedule')}</p>}
        <div>
          <Button
            variant="secondary"
            onClick={() => {
              const used = new Set(c.schedule.map((s) => s.fiscalYear));
              const next =
                years.find((y) => !used.has(y.fiscalYear))?.fiscalYear ??
                years[0]?.fiscalYear ??
                new Date().getFullYear();
              set('schedule', [...c.schedule, { fiscalYear: next, step: '' }]);
            }}
          >
            年度を追加
          </Button>
        </div>
      </fieldset>
      <CheckboxGroup
        legend="連携する局・区"
        options={answeringUnits(units.data)
          .filter((u) => u.code !== ownUnit)
          .map((u) => ({ value: u.code, label: u.nameJa }))}
        value={c.collaboratingUnits}
        onChange={(v) => set('collaboratingUnits', v)}
        error={err('collaboratingUnits')}
      />
      <CheckboxGroup
        legend="関連する検証指標"
        options={(indicators.data?.items ?? []).map((i: { name: string }) => ({ value: i.name, label: i.name }))}
        value={c.relatedIndicators}
        onChange={(v) => set('relatedIndicators', v)}
        error={err('relatedIndicators')}
      />
      <ProblemAlert error={error} fieldLabels={FIELD_LABELS} />
      <div className="flex gap-3">
        <Button type="submit" disabled={pending}>
          {submitLabel}
        </Button>
        <Button variant="secondary" onClick={onCancel}>
          キャンセル
        </Button>
      </div>
    </form>
  );
}
