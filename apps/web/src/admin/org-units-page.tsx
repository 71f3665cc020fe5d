import { useState } from 'react';
import { answer, api } from '../api/client';
import { fieldError } from '../api/problem';
import { Badge } from '../ui/badge';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { Notice, ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import {
  byKindThenCode,
  treeOrder,
  UNIT_KIND_LABELS,
  unitOptionLabel,
  useAllOrgUnits,
  type Unit,
} from './admin-queries';
import { AdminOnly } from './settings-layout';

type NewKind = 'bureau' | 'ward' | 'division';

const LABELS = { code: '組織コード', nameJa: '名称', nameEn: '英語名称', kind: '種類', parent: '上位の組織' };

/** Which parents a new unit of a kind may sit under (the server checks the same rule). */
const PARENT_KINDS: Record<NewKind, Array<Unit['kind']>> = {
  bureau: ['city'],
  ward: ['city'],
  division: ['bureau', 'ward', 'division'],
};

/** 組織: the city's tree of bureaus, wards and divisions; add a unit, rename one. */
export function OrgUnitsPage() {
  return (
    <AdminOnly title="組織">
      <OrgUnits />
    </AdminOnly>
  );
}

function OrgUnits() {
  const units = useAllOrgUnits();
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <>
      <PageTitle title="組織">組織</PageTitle>
      <Loaded query={units}>
        {(all) => (
          <div className="flex flex-col gap-6">
            {notice && <Notice tone="success">{notice}</Notice>}
            <Section title="組織の構成" id="tree">
              <p className="text-dns-16N-130 text-solid-gray-700">
                市の下に局・区、その下に課があります。役割は組織に与え、その下の組織にも及びます。
              </p>
              <UnitTree units={all} onRenamed={(u) => setNotice(`「${u.nameJa}」に名称を変更しました。`)} />
            </Section>
            <NewUnit units={all} onCreated={(u) => setNotice(`「${u.nameJa}」を追加しました。`)} />
          </div>
        )}
      </Loaded>
    </>
  );
}

/** The tree as nested lists (a screen reader says each level and how many it holds). */
function UnitTree({ units, onRenamed }: { units: Unit[]; onRenamed: (u: Unit) => void }) {
  const byParent = new Map<string | null, Unit[]>();
  const ids = new Set(units.map((u) => u.id));
  for (const u of units) {
    const parent = u.parent && ids.has(u.parent.id) ? u.parent.id : null;
    byParent.set(parent, [...(byParent.get(parent) ?? []), u]);
  }
  const level = (parent: string | null, depth: number) => {
    const children = (byParent.get(parent) ?? []).sort(byKindThenCode);
    if (children.length === 0) return null;
    return (
      <ul
        className={
          depth === 0 ? 'flex flex-col gap-2' : 'mt-2 flex flex-col gap-2 border-l-2 border-solid-gray-200 pl-4 sm:pl-6'
        }
      >
        {children.map((u) => (
          <li key={u.id}>
            <UnitRow unit={u} onRenamed={onRenamed} />
            {level(u.id, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return (
    <div aria-label="組織のツリー" role="group">
      {level(null, 0)}
    </div>
  );
}

function UnitRow({ unit, onRenamed }: { unit: Unit; onRenamed: (u: Unit) => void }) {
  const [editing, setEditing] = useState(false);
  const [nameJa, setNameJa] = useState(unit.nameJa);
  const [nameEn, setNameEn] = useState(unit.nameEn);
  // The version the person saw is the one they change (412 if someone renamed it meanwhile).
  const rename = useAction(
    () =>
      answer(
        api.PATCH('/api/v1/org-units/{id}', {
          params: { path: { id: unit.id }, header: { 'If-Match': `"${unit.version}"` } },
          body: { nameJa, nameEn },
        }),
      ),
    [['org-units']],
    (u) => {
      setEditing(false);
      onRenamed(u);
    },
  );
  return (
    <div className="flex flex-col gap-2 rounded-8 border border-solid-gray-200 bg-white px-3 py-2">
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1">
        <span className="text-std-17B-170">{unit.nameJa}</span>
        <span className="text-dns-14N-130 text-solid-gray-700">
          {UNIT_KIND_LABELS[unit.kind]}・{unit.code}
        </span>
        {!unit.active && <Badge state="withdrawn" label="廃止" />}
        {!editing && (
          <Button
            variant="text"
            className="ml-auto"
            aria-label={`${unit.nameJa}の名称を変更`}
            onClick={() => setEditing(true)}
          >
            名称を変更
          </Button>
        )}
      </div>
      {editing && (
        <form
          className="flex flex-col gap-3"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            rename.mutate(undefined);
          }}
        >
          <div className="grid grid-cols-1 gap-3 md:grid-cols-2">
            <TextField
              label={`${unit.nameJa}の新しい名称`}
              required
              value={nameJa}
              maxLength={100}
              error={fieldError(rename.error, 'nameJa')}
              onChange={(e) => setNameJa(e.target.value)}
            />
            <TextField
              label={`${unit.nameJa}の英語名称`}
              required
              value={nameEn}
              maxLength={100}
              error={fieldError(rename.error, 'nameEn')}
              onChange={(e) => setNameEn(e.target.value)}
            />
          </div>
          <ProblemAlert error={rename.error} fieldLabels={LABELS} onReload={() => rename.reset()} />
          <div className="flex flex-wrap gap-3">
            <Button type="submit" disabled={rename.isPending}>
              名称を保存
            </Button>
            <Button
              variant="secondary"
              onClick={() => {
                setEditing(false);
                setNameJa(unit.nameJa);
                setNameEn(unit.nameEn);
                rename.reset();
              }}
            >
              やめる
            </Button>
          </div>
        </form>
      )}
    </div>
  );
}

function NewUnit({ units, onCreated }: { units: Unit[]; onCreated: (u: Unit) => void }) {
  const [kind, setKind] = useState<NewKind>('division');
  const [parent, setParent] = useState('');
  const [code, setCode] = useState('');
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  const parents = treeOrder(units).filter(({ unit }) => unit.active && PARENT_KINDS[kind].includes(unit.kind));
  const chosenParent = parents.some(({ unit }) => unit.code === parent) ? parent : '';
  const create = useAction(
    () =>
      answer(
        api.POST('/api/v1/org-units', { body: { kind, parent: chosenParent, code: code.trim(), nameJa, nameEn } }),
      ),
    [['org-units']],
    (u) => {
      setCode('');
      setNameJa('');
      setNameEn('');
      onCreated(u);
    },
  );
  return (
    <Section title="組織を追加" id="new-unit">
      <form
        className="flex flex-col gap-4"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(undefined);
        }}
      >
        <div className="grid grid-cols-1 gap-4 md:grid-cols-2">
          <SelectField
            label="種類"
            required
            value={kind}
            error={fieldError(create.error, 'kind')}
            onChange={(e) => setKind(e.target.value as NewKind)}
          >
            <option value="bureau">局</option>
            <option value="ward">区</option>
            <option value="division">課</option>
          </SelectField>
          <SelectField
            label="上位の組織"
            required
            value={chosenParent}
            error={fieldError(create.error, 'parent')}
            onChange={(e) => setParent(e.target.value)}
          >
            <option value="">選んでください</option>
            {parents.map(({ unit, depth }) => (
              <option key={unit.id} value={unit.code}>
                {unitOptionLabel(unit, depth)}
              </option>
            ))}
          </SelectField>
          <TextField
            label="組織コード"
            required
            hint="英小文字で始まる英小文字・数字と . _ -（例：kenko.kenkozukuri）。後から変更できません。"
            value={code}
            maxLength={64}
            error={fieldError(create.error, 'code')}
            onChange={(e) => setCode(e.target.value)}
          />
          <TextField
            label="名称"
            required
            value={nameJa}
            maxLength={100}
            error={fieldError(create.error, 'nameJa')}
            onChange={(e) => setNameJa(e.target.value)}
          />
          <TextField
            label="英語名称"
            required
            value={nameEn}
            maxLength={100}
            error={fieldError(create.error, 'nameEn')}
            onChange={(e) => setNameEn(e.target.value)}
          />
        </div>
        <ProblemAlert error={create.error} fieldLabels={LABELS} />
        <div>
          <Button type="submit" disabled={create.isPending}>
            組織を追加
          </Button>
        </div>
      </form>
    </Section>
  );
}
