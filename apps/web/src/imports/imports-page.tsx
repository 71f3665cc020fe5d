import { useId, useState } from 'react';
import { api } from '../api/client';
import { ApiProblem, rowProblemInJapanese } from '../api/problem';
import { usePlans } from '../api/reference';
import { Button } from '../ui/button';
import { SelectField } from '../ui/field';
import { PageTitle, Section } from '../ui/page';
import { DataTable } from '../ui/table';
import { Notice, ProblemAlert } from '../ui/problem';
import type { components } from '../api/schema';

type RowError = components['schemas']['RowErrorResponse'];
type ImportResult = components['schemas']['ImportResultResponse'];

const KINDS = [
  {
    value: 'initiatives',
    label: '取組（年度の進捗状況つき）',
    columns: '取組番号、取組名、方針、所管（任意：テーマ、概要、年次計画、関連指標、年度、進捗状況、理由 …）',
  },
  {
    value: 'progress-reports',
    label: '進捗報告',
    columns: '取組番号、年度、進捗状況（任意：理由、進捗説明、計画効果額、実績効果額）',
  },
  { value: 'measurements', label: '検証指標の実績値', columns: '指標コード、年度、値（任意：備考）' },
] as const;

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** Sends the file as it is (CSV or xlsx); a rejected file answers its row errors (`rowErrors`). */
async function send(kind: string, planId: string, file: File, dryRun: boolean): Promise<ImportResult> {
  const type = /\.xlsx$/i.test(file.name) ? XLSX : 'text/csv';
  const { data, error, response } = await api.POST('/api/v1/imports/{kind}', {
    params: { path: { kind }, query: { planId, dryRun } },
    body: file as never,
    bodySerializer: (body: unknown) => body as Blob,
    headers: { 'content-type': type },
  });
  if (!response.ok) {
    const problem = await ApiProblem.from(response, error);
    const rows = (error as { rowErrors?: RowError[] } | undefined)?.rowErrors;
    throw Object.assign(problem, { rowErrors: rows ?? null });
  }
  return data as unknown as ImportResult;
}

/** 取込: a CSV or xlsx file checked first (nothing written), then applied, all rows or none. */
export function ImportsPage() {
  const plans = usePlans().data;
  const [planId, setPlanId] = useState('');
  const [kind, setKind] = useState<string>('initiatives');
  const [file, setFile] = useState<File | null>(null);
  const [checked, setChecked] = useState<ImportResult | null>(null);
  const [applied, setApplied] = useState<ImportResult | null>(null);
  const [rowErrors, setRowErrors] = useState<RowError[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fileId = useId();
  const plan = planId || plans?.[0]?.id || '';
  const reset = () => {
    setChecked(null);
    setApplied(null);
    setRowErrors(null);
    setError(null);
  };
  async function run(dryRun: boolean) {
    if (!file || !plan) return;
    setBusy(true);
    reset();
    try {
      const result = await send(kind, plan, file, dryRun);
      if (dryRun) setChecked(result);
      else setApplied(result);
    } catch (e) {
      const rows = (e as { rowErrors?: RowError[] | null }).rowErrors;
      if (rows && rows.length > 0) setRowErrors(rows);
      else setError(e);
    } finally {
      setBusy(false);
    }
  }
  const chosen = KINDS.find((k) => k.value === kind)!;
  return (
    <>
      <PageTitle title="取込">取込</PageTitle>
      <div className="flex flex-col gap-6">
        <Section title="ファイルを選ぶ" id="file">
          <form
            className="grid gap-4 md:grid-cols-2"
            onSubmit={(e) => {
              e.preventDefault();
              void run(true);
            }}
          >
            <SelectField label="計画" value={plan} onChange={(e) => (setPlanId(e.target.value), reset())}>
              {(plans ?? []).map((p) => (
                <option key={p.id} value={p.id}>
                  {p.name}
                </option>
              ))}
            </SelectField>
            <SelectField
              label="取り込む内容"
              value={kind}
              onChange={(e) => (setKind(e.target.value), reset())}
              hint={`列：${chosen.columns}`}
            >
              {KINDS.map((k) => (
                <option key={k.value} value={k.value}>
                  {k.label}
                </option>
              ))}
            </SelectField>
            <div className="flex flex-col gap-1 md:col-span-2">
              <label htmlFor={fileId} className="text-std-17B-170">
                ファイル（CSV（UTF-8）または Excel（xlsx））
              </label>
              <input
                id={fileId}
                type="file"
                accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                className="block w-full rounded-8 border border-solid-gray-600 bg-white px-4 py-3 text-std-16N-170 focus:outline-4 focus:outline-offset-2 focus:outline-black"
                onChange={(e) => (setFile(e.target.files?.[0] ?? null), reset())}
              />
            </div>
            <div className="flex flex-wrap gap-3 md:col-span-2">
              <Button type="submit" disabled={!file || busy}>
                内容を確認（まだ取り込みません）
              </Button>
            </div>
          </form>
        </Section>
        {Boolean(checked || applied || rowErrors || error) && (
          <Section title="結果" id="result">
            <div aria-live="polite" className="flex flex-col gap-4">
              {rowErrors && (
                <>
                  <div
                    role="alert"
                    className="rounded-8 border-2 border-error-1 bg-red-50 px-4 py-3 text-dns-16B-130 text-error-2"
                  >
                    {rowErrors.length}
                    件の問題があります。ファイルを直してからもう一度確認してください。何も取り込んでいません。
                  </div>
                  <DataTable
                    caption={`ファイルの問題（${rowErrors.length}件）`}
                    rows={rowErrors.map((e, n) => ({ ...e, n }))}
                    rowKey={(e) => String(e.n)}
                    columns={[
                      { header: '行', cell: (e) => e.row, className: 'tabular-nums' },
                      { header: '列', cell: (e) => e.column || '—', className: 'whitespace-nowrap' },
                      { header: '問題', cell: (e) => rowProblemInJapanese(e.problem) },
                    ]}
                  />
                </>
              )}
              {checked && (
                <>
                  <Notice>
                    {checked.rows}行を確認しました。問題はありません。取り込むと新規{checked.created}件、更新
                    {checked.updated}件になります（まだ取り込んでいません）。
                  </Notice>
                  <div>
                    <Button onClick={() => void run(false)} disabled={busy}>
                      {checked.rows}行を取り込む
                    </Button>
                  </div>
                </>
              )}
              {applied && (
                <Notice tone="success">
                  {applied.rows}行を取り込みました（新規{applied.created}件、更新{applied.updated}件）。
                </Notice>
              )}
              <ProblemAlert error={error} />
            </div>
          </Section>
        )}
      </div>
    </>
  );
}
