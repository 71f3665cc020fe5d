import { useState } from 'react';
import { api } from '../api/client';
import { fileImportAnswer, rawFileBody } from '../api/file-import';
import { usePlans } from '../api/reference';
import { SelectField } from '../ui/field';
import { FileImport } from '../ui/file-import';
import { PageTitle, Section } from '../ui/page';
import type { components } from '../api/schema';

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

/** Sends the file as it is (CSV or xlsx) for a check (`dryRun`) or for good. */
function send(kind: string, planId: string, file: File, dryRun: boolean): Promise<ImportResult> {
  return fileImportAnswer<ImportResult>(
    api.POST('/api/v1/imports/{kind}', {
      params: { path: { kind }, query: { planId, dryRun } },
      ...rawFileBody(file),
    }),
  );
}

/** 取込: a CSV or xlsx file checked first (nothing written), then applied, all rows or none. */
export function ImportsPage() {
  const plans = usePlans().data;
  const [planId, setPlanId] = useState('');
  const [kind, setKind] = useState<string>('initiatives');
  const plan = planId || plans?.[0]?.id || '';
  const chosen = KINDS.find((k) => k.value === kind)!;
  return (
    <>
      <PageTitle title="取込">取込</PageTitle>
      <Section title="ファイルを取り込む" id="file">
        <FileImport<ImportResult>
          fields={
            <div className="grid gap-4 md:grid-cols-2">
              <SelectField label="計画" value={plan} onChange={(e) => setPlanId(e.target.value)}>
                {(plans ?? []).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </SelectField>
              <SelectField label="取り込む内容" value={kind} onChange={(e) => setKind(e.target.value)}>
                {KINDS.map((k) => (
                  <option key={k.value} value={k.value}>
                    {k.label}
                  </option>
                ))}
              </SelectField>
            </div>
          }
          choices={`${plan}/${kind}`}
          ready={Boolean(plan)}
          fileLabel="ファイル（CSV（UTF-8）または Excel（xlsx））"
          fileHint={`1行目は見出し。列：${chosen.columns}`}
          checkLabel="内容を確認（まだ取り込みません）"
          nothingWritten="何も取り込んでいません。"
          send={(file, dryRun) => send(kind, plan, file, dryRun)}
          checkedNotice={(r) =>
            `${r.rows}行を確認しました。問題はありません。取り込むと新規${r.created}件、更新${r.updated}件になります（まだ取り込んでいません）。`
          }
          applyLabel={(r) => `${r.rows}行を取り込む`}
          appliedNotice={(r) => `${r.rows}行を取り込みました（新規${r.created}件、更新${r.updated}件）。`}
        />
      </Section>
    </>
  );
}
