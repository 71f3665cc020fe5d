import { useState, type FormEvent } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { components } from '../api/schema';
import { useLocation, useNavigate, useParams, useSearchParams } from 'react-router';
import { answer, api, FROM_LAST_READ } from '../api/client';
import { fieldError } from '../api/problem';
import { ROLE_LABELS } from '../auth/me';
import { Badge } from '../ui/badge';
import { Button, ButtonLink, TextLink } from '../ui/button';
import { SelectField, TextField } from '../ui/field';
import { Loaded, PageTitle, Section } from '../ui/page';
import { Pager } from '../ui/pager';
import { Notice, ProblemAlert } from '../ui/problem';
import { DataTable } from '../ui/table';
import { useAction } from '../workflows/use-action';
import { ROLES, treeOrder, unitOptionLabel, useAllOrgUnits, type Role, type Unit, type User } from './admin-queries';
import { AdminOnly } from './settings-layout';

const PAGE_SIZE = 20;

function UnitOptions({ units }: { units: Unit[] | undefined }) {
  return (
    <>
      {treeOrder(units ?? []).map(({ unit, depth }) => (
        <option key={unit.id} value={unit.code}>
          {unitOptionLabel(unit, depth)}
        </option>
      ))}
    </>
  );
}

const grantText = (g: User['grants'][number]) => `${ROLE_LABELS[g.role] ?? g.roleLabel}（${g.orgUnit.nameJa}）`;

/** 利用者と権限: users by unit, role, state or name, a page at a time. */
export function UsersPage() {
  return (
    <AdminOnly title="利用者と権限">
      <UserList />
    </AdminOnly>
  );
}

function UserList() {
  const [params, setParams] = useSearchParams();
  const filter = {
    unit: params.get('unit') ?? '',
    role: params.get('role') ?? '',
    active: params.get('active') ?? '',
    q: params.get('q') ?? '',
  };
  const page = Math.max(1, Number(params.get('page')) || 1);
  const [text, setText] = useState(filter.q);
  const set = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [key, value] of Object.entries(changes)) {
      if (value) next.set(key, value);
      else next.delete(key);
    }
    // A new filter starts again at its first page.
    if (!('page' in changes)) next.delete('page');
    setParams(next, { replace: true });
  };
  const units = useAllOrgUnits();
  const query = {
    orgUnit: filter.unit || undefined,
    role: (filter.role || undefined) as Role | undefined,
    active: filter.active === '' ? undefined : filter.active === 'true',
    q: filter.q || undefined,
    page,
    pageSize: PAGE_SIZE,
  };
  const users = useQuery({
    queryKey: ['users', 'list', query],
    queryFn: () => answer(api.GET('/api/v1/users', { params: { query } })),
    placeholderData: keepPreviousData,
  });
  const search = (e: FormEvent) => {
    e.preventDefault();
    set({ q: text.trim() });
  };
  return (
    <>
      <PageTitle
        title="利用者と権限"
        actions={
          <ButtonLink to="/settings/users/new" variant="primary">
            利用者を追加
          </ButtonLink>
        }
      >
        利用者と権限
      </PageTitle>
      <form
        role="search"
        aria-label="利用者の絞り込み"
        className="mb-6 grid grid-cols-1 gap-4 md:grid-cols-2 xl:grid-cols-4"
        onSubmit={search}
      >
        <SelectField label="所属" value={filter.unit} onChange={(e) => set({ unit: e.target.value })}>
          <option value="">すべて</option>
          <UnitOptions units={units.data} />
        </SelectField>
        <SelectField label="役割" value={filter.role} onChange={(e) => set({ role: e.target.value })}>
          <option value="">すべて</option>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {ROLE_LABELS[r]}
            </option>
          ))}
        </SelectField>
        <SelectField label="状態" value={filter.active} onChange={(e) => set({ active: e.target.value })}>
          <option value="">すべて</option>
          <option value="true">有効</option>
          <option value="false">停止中</option>
        </SelectField>
        <div className="flex items-end gap-2">
          <div className="grow">
            <TextField
              label="ユーザー名・氏名"
              type="search"
              value={text}
              maxLength={64}
              onChange={(e) => setText(e.target.value)}
            />
          </div>
          <Button type="submit" variant="secondary" className="mb-1 shrink-0 whitespace-nowrap">
            検索
          </Button>
        </div>
      </form>
      <Loaded query={users}>
        {(answer) => (
          <>
            <DataTable<User>
              caption={`利用者の一覧（${answer.total.toLocaleString('ja-JP')}件）`}
              rows={answer.items}
              rowKey={(u) => u.id}
              columns={[
                {
                  header: 'ユーザー名',
                  cell: (u) => <TextLink to={`/settings/users/${u.id}`}>{u.username}</TextLink>,
                  className: 'whitespace-nowrap',
                },
                { header: '氏名', cell: (u) => u.displayName, className: 'min-w-32' },
                { header: '所属', cell: (u) => u.orgUnit.nameJa, className: 'min-w-28' },
                {
                  header: '権限',
                  cell: (u) => (u.grants.length ? u.grants.map(grantText).join('、') : '—'),
                  className: 'min-w-48',
                },
                {
                  header: '状態',
                  cell: (u) =>
                    u.active ? <Badge state="open" label="有効" /> : <Badge state="rejected" label="停止中" />,
                  className: 'whitespace-nowrap',
                },
              ]}
            />
            <Pager
              label="利用者の一覧のページ"
              page={answer.page}
              pageSize={answer.pageSize}
              total={answer.total}
              onPage={(p) => set({ page: String(p) })}
            />
          </>
        )}
      </Loaded>
    </>
  );
}

interface Grant {
  role: Role;
  orgUnit: string;
}

interface Form {
  username: string;
  displayName: string;
  email: string;
  password: string;
  orgUnit: string;
  grants: Grant[];
}

const LABELS = {
  username: 'ユーザー名',
  displayName: '氏名',
  email: 'メールアドレス',
  password: 'パスワード',
  orgUnit: '所属',
  grants: '権限',
};

/** Role grants as rows: a role held on a unit (and the units below it). */
function GrantsEditor({
  grants,
  onChange,
  units,
  error,
}: {
  grants: Grant[];
  onChange: (grants: Grant[]) => void;
  units: Unit[] | undefined;
  error: unknown;
}) {
  const change = (i: number, g: Partial<Grant>) => onChange(grants.map((x, j) => (j === i ? { ...x, ...g } : x)));
  return (
    <fieldset className="flex flex-col gap-3">
      <legend className="text-std-17B-170 text-solid-gray-900">権限（役割と、その役割を持つ組織）</legend>
      <p className="text-dns-16N-130 text-solid-gray-700">
        組織に与えた役割は、その下の組織にも及びます。市に与えると市全体です。
      </p>
      {grants.length === 0 && <p className="text-dns-16N-130">権限はありません（サインインしても何もできません）。</p>}
      <ol className="flex flex-col gap-3">
        {grants.map((g, i) => (
          <li
            key={i}
            className="grid grid-cols-1 items-end gap-3 rounded-8 border border-solid-gray-200 p-3 md:grid-cols-[1fr_1fr_auto]"
          >
            <SelectField
              label={`権限${i + 1}の役割`}
              value={g.role}
              error={fieldError(error, `grants[${i}].role`)}
              onChange={(e) => change(i, { role: e.target.value as Role })}
            >
              {ROLES.map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABELS[r]}
                </option>
              ))}
            </SelectField>
            <SelectField
              label={`権限${i + 1}の組織`}
              value={g.orgUnit}
              error={fieldError(error, `grants[${i}].orgUnit`)}
              onChange={(e) => change(i, { orgUnit: e.target.value })}
            >
              <UnitOptions units={units} />
            </SelectField>
            <Button variant="danger" className="mb-1" onClick={() => onChange(grants.filter((_, j) => j !== i))}>
              {`権限${i + 1}を外す`}
            </Button>
          </li>
        ))}
      </ol>
      <div>
        <Button
          variant="secondary"
          onClick={() =>
            onChange([...grants, { role: 'bureau_editor', orgUnit: units?.find((u) => u.kind === 'city')?.code ?? '' }])
          }
        >
          権限を追加
        </Button>
      </div>
    </fieldset>
  );
}

function UserFields({
  form,
  setForm,
  error,
  isNew,
  units,
}: {
  form: Form;
  setForm: (f: Form) => void;
  error: unknown;
  isNew: boolean;
  units: Unit[] | undefined;
}) {
  return (
    <div className="flex flex-col gap-4">
      {isNew && (
        <TextField
          label="ユーザー名"
          required
          autoComplete="off"
          hint="英小文字・数字と . _ - で2〜64文字（例：kenko.sato）。後から変更できません。"
          value={form.username}
          error={fieldError(error, 'username')}
          onChange={(e) => setForm({ ...form, username: e.target.value })}
        />
      )}
      <TextField
        label="氏名"
        required
        value={form.displayName}
        maxLength={100}
        error={fieldError(error, 'displayName')}
        onChange={(e) => setForm({ ...form, displayName: e.target.value })}
      />
      <TextField
        label="メールアドレス"
        type="email"
        autoComplete="off"
        value={form.email}
        error={fieldError(error, 'email')}
        onChange={(e) => setForm({ ...form, email: e.target.value })}
      />
      <TextField
        label={isNew ? '初期パスワード' : '新しいパスワード'}
        type="password"
        autoComplete="new-password"
        hint={
          isNew
            ? '10文字以上。空欄のときはAPIトークンだけで使うアカウントになります。'
            : '変更するときだけ入力してください（10文字以上）。'
        }
        value={form.password}
        error={fieldError(error, 'password')}
        onChange={(e) => setForm({ ...form, password: e.target.value })}
      />
      <SelectField
        label="所属"
        required
        value={form.orgUnit}
        error={fieldError(error, 'orgUnit')}
        onChange={(e) => setForm({ ...form, orgUnit: e.target.value })}
      >
        <option value="">選んでください</option>
        <UnitOptions units={units} />
      </SelectField>
      <GrantsEditor
        grants={form.grants}
        onChange={(grants) => setForm({ ...form, grants })}
        units={units}
        error={error}
      />
    </div>
  );
}

/** 利用者を追加: name, unit and grants; the server checks the rest and names the field that is wrong. */
export function UserNewPage() {
  return (
    <AdminOnly title="利用者を追加">
      <UserNew />
    </AdminOnly>
  );
}

function UserNew() {
  const navigate = useNavigate();
  const units = useAllOrgUnits();
  const [form, setForm] = useState<Form>({
    username: '',
    displayName: '',
    email: '',
    password: '',
    orgUnit: '',
    grants: [],
  });
  const create = useAction(
    (f: Form) =>
      answer(
        api.POST('/api/v1/users', {
          body: {
            username: f.username.trim(),
            displayName: f.displayName,
            email: f.email.trim() || undefined,
            password: f.password || undefined,
            orgUnit: f.orgUnit,
            grants: f.grants,
          },
        }),
      ),
    [['users']],
    (created) =>
      void navigate(`/settings/users/${created.id}`, {
        state: { notice: `利用者「${created.username}」を追加しました。` },
      }),
  );
  return (
    <>
      <PageTitle title="利用者を追加">利用者を追加</PageTitle>
      <form
        className="flex flex-col gap-6"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          create.mutate(form);
        }}
      >
        <Section title="利用者の情報" id="user-new">
          <UserFields form={form} setForm={setForm} error={create.error} isNew units={units.data} />
        </Section>
        <ProblemAlert error={create.error} fieldLabels={LABELS} />
        <div className="flex flex-wrap gap-3">
          <Button type="submit" disabled={create.isPending}>
            追加する
          </Button>
          <ButtonLink to="/settings/users">やめる</ButtonLink>
        </div>
      </form>
    </>
  );
}

/** One user: change name, unit, password and grants; stop or restart the account. */
export function UserEditPage() {
  return (
    <AdminOnly title="利用者の変更">
      <UserEdit />
    </AdminOnly>
  );
}

function UserEdit() {
  const { id = '' } = useParams();
  const location = useLocation();
  // Kept above the form: the form starts afresh from each saved version, the message stays.
  const [notice, setNotice] = useState<string | null>((location.state as { notice?: string } | null)?.notice ?? null);
  const user = useQuery({
    queryKey: ['users', id],
    queryFn: () => answer(api.GET('/api/v1/users/{id}', { params: { path: { id } } })),
  });
  return (
    <Loaded query={user}>
      {(u) => <UserEditForm key={`${u.id}:${u.version}`} user={u} notice={notice} setNotice={setNotice} />}
    </Loaded>
  );
}

function UserEditForm({
  user,
  notice,
  setNotice,
}: {
  user: User;
  notice: string | null;
  setNotice: (notice: string | null) => void;
}) {
  const units = useAllOrgUnits();
  const [form, setForm] = useState<Form>({
    username: user.username,
    displayName: user.displayName,
    email: user.email ?? '',
    password: '',
    orgUnit: user.orgUnit.code,
    grants: user.grants.map((g) => ({ role: g.role, orgUnit: g.orgUnit.code })),
  });
  const patch = (body: components['schemas']['UpdateUserDto']) =>
    answer(api.PATCH('/api/v1/users/{id}', { params: { path: { id: user.id }, header: FROM_LAST_READ }, body }));
  const save = useAction(
    (f: Form) =>
      patch({
        displayName: f.displayName,
        email: f.email.trim() || undefined,
        password: f.password || undefined,
        orgUnit: f.orgUnit,
        grants: f.grants,
      }),
    [['users']],
    () => setNotice('変更を保存しました。'),
  );
  const toggle = useAction(
    (active: boolean) => patch({ active }),
    [['users']],
    (u) =>
      setNotice(
        u.active
          ? 'アカウントを再開しました。'
          : 'アカウントを停止しました。サインイン中の画面やトークンも、次の操作から使えなくなります。',
      ),
  );
  const title = `${user.displayName}（${user.username}）`;
  return (
    <>
      <PageTitle title={title}>{title}</PageTitle>
      <div className="flex flex-col gap-6">
        {notice && <Notice tone="success">{notice}</Notice>}
        <p>
          <TextLink to="/settings/users">利用者の一覧に戻る</TextLink>
        </p>
        <form
          className="flex flex-col gap-6"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            setNotice(null);
            save.mutate(form);
          }}
        >
          <Section title="利用者の情報と権限" id="user-edit">
            <UserFields form={form} setForm={setForm} error={save.error} isNew={false} units={units.data} />
          </Section>
          <ProblemAlert error={save.error} fieldLabels={LABELS} onReload={() => save.reset()} />
          <div>
            <Button type="submit" disabled={save.isPending}>
              変更を保存
            </Button>
          </div>
        </form>
        <Section title="アカウントの状態" id="user-state">
          <p className="text-std-16N-170">
            {user.active
              ? '有効です。停止すると、この人はサインインできなくなり、APIトークンも使えなくなります。'
              : '停止中です。再開すると、もう一度サインインできます。'}
          </p>
          <div>
            <Button
              variant={user.active ? 'danger' : 'secondary'}
              disabled={toggle.isPending}
              onClick={() => {
                setNotice(null);
                toggle.mutate(!user.active);
              }}
            >
              {user.active ? 'アカウントを停止' : 'アカウントを再開'}
            </Button>
          </div>
          <ProblemAlert error={toggle.error} onReload={() => toggle.reset()} />
        </Section>
      </div>
    </>
  );
}
