import { useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router';
import { answer, api } from '../api/client';
import { fieldError } from '../api/problem';
import { usePlans } from '../api/reference';
import { Button } from '../ui/button';
import { SelectField, TextField } from '../ui/field';
import { daysFromToday } from '../ui/dates';
import { PageTitle } from '../ui/page';
import { ProblemAlert } from '../ui/problem';
import { useAction } from '../workflows/use-action';
import { MEETING_KINDS } from './meeting-queries';

export function MeetingNewPage() {
  const plans = usePlans();
  const navigate = useNavigate();
  const [planId, setPlanId] = useState('');
  const [kind, setKind] = useState<'committee' | 'hq' | 'council'>('committee');
  const [title, setTitle] = useState('');
  const [heldOn, setHeldOn] = useState(daysFromToday(21));
  const plan = planId || plans.data?.[0]?.id || '';
  const create = useAction(
    () => answer(api.POST('/api/v1/meetings', { body: { planId: plan, kind, title, heldOn } })),
    [['meetings'], ['deadlines']],
    (m) => void navigate(`/meetings/${m.id}`),
  );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate(undefined);
  };
  return (
    <>
      <PageTitle title="会議の登録">会議の登録</PageTitle>
      <form onSubmit={submit} className="flex max-w-2xl flex-col gap-5" noValidate>
        <SelectField
          label="計画"
          required
          value={plan}
          onChange={(e) => setPlanId(e.target.value)}
          error={fieldError(create.error, 'planId')}
        >
          {(plans.data ?? []).map((p: { id: string; name: string }) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </SelectField>
        <SelectField
          label="会議の種類"
          required
          value={kind}
          onChange={(e) => setKind(e.target.value as typeof kind)}
          error={fieldError(create.error, 'kind')}
        >
          {Object.entries(MEETING_KINDS).map(([k, v]) => (
            <option key={k} value={k}>
              {v}
            </option>
          ))}
        </SelectField>
        <TextField
          label="会議名"
          required
          value={title}
          onChange={(e) => setTitle(e.target.value)}
          error={fieldError(create.error, 'title')}
          placeholder="第1回 市役所改革推進委員会"
        />
        <TextField
          label="開催日"
          type="date"
          required
          value={heldOn}
          onChange={(e) => setHeldOn(e.target.value)}
          error={fieldError(create.error, 'heldOn')}
        />
        <ProblemAlert
          error={create.error}
          fieldLabels={{ planId: '計画', kind: '会議の種類', title: '会議名', heldOn: '開催日' }}
        />
        <div className="flex gap-3">
          <Button type="submit" disabled={create.isPending}>
            登録する
          </Button>
          <Button variant="secondary" onClick={() => void navigate('/meetings')}>
            キャンセル
          </Button>
        </div>
      </form>
    </>
  );
}
