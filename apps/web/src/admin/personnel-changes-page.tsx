import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import { fileImportAnswer, rawFileBody } from '../api/file-import';
import { fieldError } from '../api/problem';
import type { components } from '../api/schema';
import { ROLE_LABELS } from '../auth/me';
import { Button } from '../ui/button';
import { DateText } from '../ui/date-text';
import { FileImport } from '../ui/file-import';
import { CheckboxGroup, SelectField, TextField } from '../ui/field';
import { PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { AdminOnly } from './settings-layout';
import { useAllOrgUnits } from './admin-queries';

type ImportResult = components['schemas']['TransferImportResponse'];
type Transfer = components['schemas']['TransferResponse'];
type Reorganisation = components['schemas']['ReorganisationResponse'];
type ReorganisationInput = components['schemas']['CreateReorganisationDto'];
type NewUnit = components['schemas']['NewUnitDto'];
type Kind = ReorganisationInput['kind'];

const KIND_LABELS: Record<Kind, string> = { rename: '名称変更', merge: '統合', split: '分割' };
const STATUS_LABELS: Record<string, string> = { scheduled: '発令予定', applied: '発令済み', cancelled: '取消し' };
/** The server's field names, as this page labels its fields (for its field errors). */
const FIELD_LABELS: Record<string, string> = {
  kind: '種類',
  effectiveOn: '施行日',
  unit: '対象の組織',
  nameJa: '新しい名称',
  nameEn: '新しい英語名称',
  units: '統合する組織',
  into: '統合後の組織',
  'into.code': '統合後のコード',
  'into.nameJa': '統合後の名称',
  'into.nameEn': '統合後の英語名称',
  successors: '分割後の組織',
};

/** Sends the personnel system's file as it is, for a check (`dryRun`) or for good. */
function sendTransfers(file: File, dryRun: boolean): Promise<ImportResult> {
  return fileImportAnswer<ImportResult>(
    api.POST('/api/v1/personnel-transfers/import', { params: { query: { dryRun } }, ...rawFileBody(file) }),
  );
}

/** 人事異動の取込: the file checked first (nothing written), then entered, all rows or none. */
function TransferImport() {
  const queries = useQueryClient();
  return (
    <Section title="人事異動の取込" id="transfer-import">
      <p className="text-std-16N-170">
        人事システムから出力したファイルを取り込みます。発令日の午前0時（日本時間）に権限が切り替わります。
      </p>
      <FileImport<ImportResult>
        fileLabel="ファイル（CSV（UTF-8またはShift_JIS）または Excel（xlsx））"
        fileHint="1行目は見出し。列：職員番号、氏名、旧所属、新所属、役割、発令日"
        checkLabel="内容を確認（まだ登録しません）"
        nothingWritten="何も登録していません。"
        send={sendTransfers}
        checkedNotice={(r) =>
          `${r.rows}行を確認しました。問題はありません。登録すると${r.scheduled}件の人事異動が発令予定になります（まだ登録していません）。`
        }
        applyLabel={(r) => `${r.scheduled}件の人事異動を登録`}
        appliedNotice={(r) => `${r.scheduled}件の人事異動を登録しました。発令日の午前0時に切り替わります。`}
        onApplied={() => queries.invalidateQueries({ queryKey: ['personnel-transfers'] })}
      />
    </Section>
  );
}

/** 発令予定: the transfers still to take effect, by 発令日. */
function PendingTransfers() {
  const pending = useQuery({
    queryKey: ['personnel-transfers', 'scheduled'],
    queryFn: () =>
      answer(api.GET('/api/v1/personnel-transfers', { params: { query: { status: 'scheduled', pageSize: 100 } } })),
  });
  const rows = [...((pending.data?.items ?? []) as Transfer[])].sort(
    (a, b) =>
      a.effectiveOn.localeCompare(b.effectiveOn) || (a.employeeNumber ?? '').localeCompare(b.employeeNumber ?? ''),
  );
  const days = [...new Set(rows.map((t) => t.effectiveOn))];
  return (
    <Section title="発令予定の人事異動" id="pending-transfers">
      <ProblemAlert error={pending.error} />
      {pending.data && (
        <>
          <p className="text-std-16N-170">
            {pending.data.total === 0
              ? '発令予定の人事異動はありません。'
              : `${pending.data.total}件（発令日 ${days.length}日分）。`}
            {pending.data.total > rows.length && `最初の${rows.length}件を表示しています。`}
          </p>
          {days.map((day) => (
            <DataTable<Transfer>
              key={day}
              caption={`発令日 ${day}（${rows.filter((t) => t.effectiveOn === day).length}件）`}
              rows={rows.filter((t) => t.effectiveOn === day)}
              rowKey={(t) => t.id}
              columns={[
                { header: '職員番号', cell: (t) => t.employeeNumber ?? '—', className: 'tabular-nums' },
                { header: '氏名', cell: (t) => t.user.displayName },
                { header: '旧所属', cell: (t) => t.fromUnit.nameJa },
                { header: '新所属', cell: (t) => t.toUnit.nameJa },
                { header: '役割', cell: (t) => ROLE_LABELS[t.role] ?? t.role },
              ]}
            />
          ))}
        </>
      )}
    </Section>
  );
}

const emptyUnit = (): NewUnit => ({ code: '', nameJa: '', nameEn: '' });

function NewUnitFields({
  legend,
  value,
  onChange,
}: {
  legend: string;
  value: NewUnit;
  onChange: (unit: NewUnit) => void;
}) {
  return (
    <fieldset className="grid gap-3 rounded-8 border border-solid-gray-300 p-4 md:grid-cols-3">
      <legend className="px-1 text-std-17B-170">{legend}</legend>
      <TextField
        label={`${legend}のコード`}
        required
        value={value.code}
        onChange={(e) => onChange({ ...value, code: e.target.value })}
        hint="半角英小文字（例：kenko-byoin）"
      />
      <TextField
        label={`${legend}の名称`}
        required
        value={value.nameJa}
        onChange={(e) => onChange({ ...value, nameJa: e.target.value })}
      />
      <TextField
        label={`${legend}の英語名称`}
        required
        value={value.nameEn}
        onChange={(e) => onChange({ ...value, nameEn: e.target.value })}
      />
    </fieldset>
  );
}

/** 機構改革の登録: a rename, a merge or a split, in force from 00:00 JST of its date. */
function ReorganisationForm() {
  const queries = useQueryClient();
  const units = useAllOrgUnits();
  const active = (units.data ?? []).filter((u) => u.active && u.kind !== 'city');
  const [kind, setKind] = useState<Kind>('rename');
  const [effectiveOn, setEffectiveOn] = useState('');
  const [unit, setUnit] = useState('');
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [merged, setMerged] = useState<string[]>([]);
  const [into, setInto] = useState<NewUnit>(emptyUnit);
  const [successors, setSuccessors] = useState<NewUnit[]>([emptyUnit(), emptyUnit()]);
  const [done, setDone] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: ReorganisationInput) => answer(api.POST('/api/v1/reorganisations', { body })),
    onSuccess: async (r) => {
      setDone(`${KIND_LABELS[r.kind]}を登録しました。${r.effectiveOn}の午前0時（日本時間）に切り替わります。`);
      await queries.invalidateQueries({ queryKey: ['reorganisations'] });
    },
  });
  const body = (): ReorganisationInput => {
    switch (kind) {
      case 'rename':
        return { kind, effectiveOn, unit, nameJa, ...(nameEn ? { nameEn } : {}) };
      case 'merge':
        return { kind, effectiveOn, units: merged, into };
      case 'split':
        return { kind, effectiveOn, unit, successors };
    }
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    create.mutate(body());
  };
  const errorOf = (field: string) => fieldError(create.error, field);
  return (
    <Section title="機構改革の登録" id="reorganisation">
      <p className="text-std-16N-170">
        組織の名称変更・統合・分割を、施行日とともに前もって登録します。過去の記録と報告書は当時の名称のまま残ります。
      </p>
      <form className="flex flex-col gap-4" onSubmit={submit} noValidate>
        <div className="grid gap-4 md:grid-cols-2">
          <SelectField label="種類" value={kind} onChange={(e) => (setKind(e.target.value as Kind), setDone(null))}>
            {(Object.keys(KIND_LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </SelectField>
          <TextField
            label="施行日"
            type="date"
            required
            value={effectiveOn}
            onChange={(e) => setEffectiveOn(e.target.value)}
            error={errorOf('effectiveOn')}
          />
        </div>
        {(kind === 'rename' || kind === 'split') && (
          <SelectField
            label="対象の組織"
            required
            value={unit}
            onChange={(e) => setUnit(e.target.value)}
            error={errorOf('unit')}
          >
            <option value="">選んでください</option>
            {active.map((u) => (
              <option key={u.id} value={u.code}>
                {u.nameJa}
              </option>
            ))}
          </SelectField>
        )}
        {kind === 'rename' && (
          <div className="grid gap-4 md:grid-cols-2">
            <TextField
              label="新しい名称"
              required
              value={nameJa}
              onChange={(e) => setNameJa(e.target.value)}
              error={errorOf('nameJa')}
            />
            <TextField
              label="新しい英語名称"
              value={nameEn}
              onChange={(e) => setNameEn(e.target.value)}
              error={errorOf('nameEn')}
            />
          </div>
        )}
        {kind === 'merge' && (
          <>
            <CheckboxGroup
              legend="統合する組織（2つ以上）"
              options={active.map((u) => ({ value: u.code, label: u.nameJa }))}
              value={merged}
              onChange={setMerged}
              error={errorOf('units')}
            />
            <NewUnitFields legend="統合後の組織" value={into} onChange={setInto} />
          </>
        )}
        {kind === 'split' && (
          <>
            {successors.map((s, i) => (
              <NewUnitFields
                key={i}
                legend={`分割後の組織 ${i + 1}${i === 0 ? '（進行中の仕事を引き継ぐ）' : ''}`}
                value={s}
                onChange={(next) => setSuccessors(successors.map((x, j) => (j === i ? next : x)))}
              />
            ))}
            <div>
              <Button
                variant="secondary"
                onClick={() => setSuccessors([...successors, emptyUnit()])}
                disabled={successors.length >= 20}
              >
                分割後の組織を追加
              </Button>
            </div>
          </>
        )}
        <ProblemAlert error={create.error} fieldLabels={FIELD_LABELS} />
        {done && <Notice tone="success">{done}</Notice>}
        <div>
          <Button type="submit" disabled={create.isPending}>
            機構改革を登録
          </Button>
        </div>
      </form>
    </Section>
  );
}

interface NamedUnit {
  code: string;
  nameJa: string;
}

/** What a reorganisation changes, in the names it records. */
function describeReorganisation(r: Reorganisation): string {
  const d = r.details as {
    from?: string;
    to?: string;
    units?: NamedUnit[];
    into?: NamedUnit;
    nameJa?: string;
    successors?: NamedUnit[];
  };
  switch (r.kind) {
    case 'rename':
      return `${d.from ?? '—'} → ${d.to ?? '—'}`;
    case 'merge':
      return `${(d.units ?? []).map((u) => u.nameJa).join('・')} → ${d.into?.nameJa ?? '—'}`;
    case 'split':
      return `${d.nameJa ?? '—'} → ${(d.successors ?? []).map((u) => u.nameJa).join('・')}`;
  }
}

/** 機構改革の一覧: entered, scheduled and applied. */
function Reorganisations() {
  const list = useQuery({ queryKey: ['reorganisations'], queryFn: () => answer(api.GET('/api/v1/reorganisations')) });
  const rows = [...((list.data ?? []) as Reorganisation[])].sort((a, b) => a.effectiveOn.localeCompare(b.effectiveOn));
  return (
    <Section title="登録済みの機構改革" id="reorganisations">
      <ProblemAlert error={list.error} />
      {list.data && (
        <DataTable<Reorganisation>
          caption={`機構改革（${rows.length}件、施行日順）`}
          rows={rows}
          rowKey={(r) => r.id}
          empty="登録された機構改革はありません。"
          columns={[
            { header: '施行日', cell: (r) => <DateText value={r.effectiveOn} />, className: 'whitespace-nowrap' },
            { header: '種類', cell: (r) => KIND_LABELS[r.kind] },
            { header: '内容', cell: (r) => describeReorganisation(r) },
            { header: '状態', cell: (r) => STATUS_LABELS[r.status] ?? r.status },
          ]}
        />
      )}
    </Section>
  );
}

/** 人事異動・機構改革 (administrators): the April changes, entered ahead. */
export function PersonnelChangesPage() {
  return (
    <AdminOnly title="人事異動・機構改革">
      <PageTitle title="人事異動・機構改革">人事異動・機構改革</PageTitle>
      <div className="flex flex-col gap-6">
        <TransferImport />
        <PendingTransfers />
        <ReorganisationForm />
        <Reorganisations />
      </div>
    </AdminOnly>
  );
}
