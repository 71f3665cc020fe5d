import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { answer, api } from '../api/client';
import { fieldError } from '../api/problem';
import { answeringUnits, useOrgUnits, usePlans } from '../api/reference';
import { Button } from '../ui/button';
import { CheckboxGroup, SelectField, TextArea, TextField } from '../ui/field';
import { daysFromToday } from '../ui/dates';
import { PageTitle } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';

const LABELS = { planId: '計画', title: '件名', description: '説明', dueDate: '回答期限', targetUnits: '照会先' };

/** The secretariat drafts an inquiry; every bureau and ward is a target unless unticked. */
export function InquiryNewPage() {
  const plans = usePlans();
  const units = useOrgUnits();
  const navigate = useNavigate();
  const all = answeringUnits(units.data).map((u) => u.code);
  const [planId, setPlanId] = useState('');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [dueDate, setDueDate] = useState(daysFromToday(14));
  const [targets, setTargets] = useState<string[] | null>(null);
  const chosen = targets ?? all;
  const plan = planId || plans.data?.[0]?.id || '';

  const create = useAction(
    () =>
      answer(
        api.POST('/api/v1/inquiries', {
          // All of them is the server's default: sent only when the secretariat narrowed it.
          body: {
            planId: plan,
            title,
            description: description || undefined,
            dueDate,
            targetUnits: chosen.length === all.length ? undefined : chosen,
          },
        }),
      ),
    [['inquiries']],
    (created) => void navigate(`/inquiries/${created.id}`),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(undefined);
  };
  const err = (f: string) => fieldError(create.error, f);

  return (
    <>
      <PageTitle title="全庁照会の作成">全庁照会の作成</PageTitle>
      <form onSubmit={submit} className="flex max-w-3xl flex-col gap-5" noValidate>
        <SelectField
          label="計画"
          required
          value={plan}
          onChange={(e) => setPlanId(e.target.value)}
          error={err('planId')}
        >
          {(plans.data ?? []).map((p: { id: string; name: string }) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <TextField
          label="件名"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={err('title')}
          maxLength={200}
        />
        <TextArea
          label="説明"
          value={description}
          onChange={(e) => setDescription(e.target.value)}
          error={err('description')}
        />
        <TextField
          label="回答期限"
          type="date"
          required
          value={dueDate}
          onChange={(e) => setDueDate(e.target.value)}
          error={err('dueDate')}
          hint="土日・祝日・年末年始に当たる場合は、翌開庁日が期限になります。"
        />
        <CheckboxGroup
          legend={`照会先（${chosen.length} / ${all.length}局・区）`}
          options={answeringUnits(units.data).map((u) => ({ value: u.code, label: u.nameJa }))}
          value={chosen}
          onChange={setTargets}
          error={err('targetUnits')}
        />
        <ProblemAlert error={create.error} fieldLabels={LABELS} />
        <div className="flex gap-3">
          <Button type="submit" disabled={create.isPending}>
            作成する
          </Button>
          <Button variant="secondary" onClick={() => void navigate('/inquiries')}>
            キャンセル
          </Button>
        </div>
      </form>
    </>
  );
}
