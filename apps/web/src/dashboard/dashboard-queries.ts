import { queryOptions } from '@tanstack/react-query';
import { answer, api } from '../api/client';

/** A plan-year's roll-up per policy or per bureau: what the dashboard shows first. */
export const rollupQuery = (planId: string | undefined, fiscalYear: number | undefined, by: 'policy' | 'orgUnit') =>
  queryOptions({
    queryKey: ['rollups', planId, fiscalYear, by],
    enabled: Boolean(planId && fiscalYear),
    queryFn: () =>
      answer(api.GET('/api/v1/rollups/progress', { params: { query: { planId, fiscalYear: fiscalYear!, by } } })),
  });
