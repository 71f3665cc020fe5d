import { useQuery } from '@tanstack/react-query';
import { answer, api, type Answer, type Item } from '../api/client';

export type MyDeputyPeriods = Answer<'/api/v1/me/deputies', 'get'>;
export type DeputyPeriod = MyDeputyPeriods['named'][number];
export type DeputyDecision = Item<'/api/v1/me/deputy-decisions', 'get'>;

export const DEPUTIES_KEY = ['me', 'deputies'];
export const DEPUTY_DECISIONS_KEY = ['me', 'deputy-decisions'];

/** 代決: my periods both ways, and what I exercise as a deputy now. */
export function useMyDeputies({ enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: DEPUTIES_KEY,
    queryFn: () => answer(api.GET('/api/v1/me/deputies')),
    staleTime: 60_000,
    enabled,
  });
}

/** 後閲: decisions deputies took for me. */
export function useDeputyDecisions() {
  return useQuery({ queryKey: DEPUTY_DECISIONS_KEY, queryFn: () => answer(api.GET('/api/v1/me/deputy-decisions')) });
}

export const PERIOD_STATUS_LABELS: Record<DeputyPeriod['status'], string> = {
  scheduled: '予定',
  running: '代決中',
  over: '終了',
  cancelled: '取消し',
};
