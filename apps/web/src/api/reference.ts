import { queryOptions, useQuery } from '@tanstack/react-query';
import { answer, api, type Item } from './client';

/** The plans (with policies and themes): what usePlans reads, and what the first page's start fetches. */
export const plansQuery = queryOptions({
  queryKey: ['plans'],
  queryFn: () => answer(api.GET('/api/v1/plans')),
  staleTime: 5 * 60_000,
});

/** Reference data most pages need: plans (with policies and themes) and organisation units. */
export function usePlans() {
  return useQuery(plansQuery);
}

export type OrgUnit = Item<'/api/v1/org-units', 'get'>;

export function useOrgUnits() {
  return useQuery({
    queryKey: ['org-units'],
    queryFn: () => answer(api.GET('/api/v1/org-units', { params: { query: { pageSize: 100, active: true } } })),
    staleTime: 5 * 60_000,
    select: (page) => page.items as OrgUnit[],
  });
}

/** Bureaus and wards: those that answer an inquiry and own proposals. */
export const answeringUnits = (units: OrgUnit[] | undefined): OrgUnit[] =>
  (units ?? []).filter((u) => u.kind === 'bureau' || u.kind === 'ward');
