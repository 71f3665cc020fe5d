import { useSearchParams } from 'react-router';
import { usePlans } from '../api/reference';
import { SelectField } from '../ui/field';
import { fiscalYearLabel } from '../ui/dates';
import { planYearOf, yearsOf, type PlanView } from './tracking-types';

/**
 * The plan and fiscal year a tracking page shows, kept in the address (?plan=&year=) so a
 * link or a reload shows the same numbers.
 */
export function usePlanYear(): {
  plans: PlanView[] | undefined;
  plan: PlanView | undefined;
  year: number | undefined;
  set: (plan: string, year?: number) => void;
} {
  const plans = usePlans().data;
  const [params, setParams] = useSearchParams();
  const { plan, year } = planYearOf(plans, params);
  const set = (planId: string, y?: number) =>
    setParams(
      (prev) => {
        const next = new URLSearchParams(prev);
        next.set('plan', planId);
        if (y) next.set('year', String(y));
        else next.delete('year');
        return next;
      },
      { replace: true },
    );
  return { plans, plan, year, set };
}

export function PlanYearPicker({ state }: { state: ReturnType<typeof usePlanYear> }) {
  const { plans, plan, year, set } = state;
  return (
    <div className="mb-6 grid max-w-3xl gap-4 sm:grid-cols-[2fr_1fr]">
      <SelectField label="計画" value={plan?.id ?? ''} onChange={(e) => set(e.target.value)}>
        {(plans ?? []).map((p) => (
          <option key={p.id} value={p.id}>
            {p.name}
          </option>
        ))}
      </SelectField>
      <SelectField label="年度" value={year ?? ''} onChange={(e) => plan && set(plan.id, Number(e.target.value))}>
        {yearsOf(plan).map((y) => (
          <option key={y} value={y}>
            {fiscalYearLabel(y)}
          </option>
        ))}
      </SelectField>
    </div>
  );
}
