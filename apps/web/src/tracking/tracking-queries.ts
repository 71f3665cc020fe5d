import { queryOptions, useQuery } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ } from '../api/client';
import type { components } from '../api/schema';
import type { ScaleEntry } from '../dashboard/tracking-types';

/** An initiative and a progress report (進捗報告), as the OpenAPI document describes them. */
export type InitiativeView = components['schemas']['InitiativeResponse'];
export type ProgressReport = components['schemas']['ProgressReportResponse'];

/** 取組と進捗 shows a plan's initiatives this many at a time (a plan may hold thousands). */
export const INITIATIVE_PAGE_SIZE = 50;

/** What the initiative list asks for: a plan's initiatives, filtered, one page of them. */
export interface InitiativeListFilter {
  planId: string | undefined;
  policyId: string;
  themeId: string;
  orgUnitId: string;
  page: number;
}

/** The filter the address of 取組と進捗 names (?policy=&theme=&unit=&page=), for the given plan. */
export function initiativeListFilterOf(planId: string | undefined, params: URLSearchParams): InitiativeListFilter {
  return {
    planId,
    policyId: params.get('policy') ?? '',
    themeId: params.get('theme') ?? '',
    orgUnitId: params.get('unit') ?? '',
    page: Math.max(1, Number(params.get('page')) || 1),
  };
}

/** One page of the initiative list: the page's query, and what the first page's start fetches. */
export const initiativeListQuery = ({ planId, policyId, themeId, orgUnitId, page }: InitiativeListFilter) =>
  queryOptions({
    queryKey: ['initiatives', 'tracking', planId, policyId, themeId, orgUnitId, page],
    enabled: Boolean(planId),
    queryFn: () =>
      answer(
        api.GET('/api/v1/initiatives', {
          params: {
            query: {
              planId: planId!,
              policyId: policyId || undefined,
              themeId: themeId || undefined,
              orgUnitId: orgUnitId || undefined,
              page,
              pageSize: INITIATIVE_PAGE_SIZE,
            },
          },
        }),
      ),
  });

export const reportsKey = (initiativeId: string) => ['progress-reports', initiativeId] as const;

export function useReports(initiativeId: string | undefined) {
  return useQuery({
    queryKey: reportsKey(initiativeId ?? ''),
    enabled: Boolean(initiativeId),
    queryFn: async () =>
      (await answer(
        api.GET('/api/v1/initiatives/{id}/progress-reports', { params: { path: { id: initiativeId! } } }),
      )) as ProgressReport[],
  });
}

export function useScale(planId: string | undefined) {
  return useQuery({
    queryKey: ['status-scale', planId],
    enabled: Boolean(planId),
    staleTime: 5 * 60_000,
    queryFn: async () =>
      (await answer(api.GET('/api/v1/plans/{id}/status-scale', { params: { path: { id: planId! } } }))) as ScaleEntry[],
  });
}

/** 計画通り進捗 needs no reason; a change or a delay does (the server's rule, said up front). */
export const needsReason = (s: ScaleEntry | undefined) =>
  Boolean(s && !['on_track', 'ahead', 'completed'].includes(s.normalized));

/** The year's annual report, the one the roll-up counts. */
export const annualOf = (reports: ProgressReport[] | undefined, year: number | undefined) =>
  reports?.find((r) => r.fiscalYear === year && r.period === 'annual');

/** The report read before acting on it, so the client's If-Match carries its current version. */
export async function readReport(id: string): Promise<ProgressReport> {
  return answer(api.GET('/api/v1/progress-reports/{id}', { params: { path: { id } } }));
}

export async function transitionReport(
  id: string,
  action: 'submit' | 'confirm' | 'return',
  comment?: string,
): Promise<ProgressReport> {
  await readReport(id);
  return answer(
    api.POST('/api/v1/progress-reports/{id}/transitions', {
      params: { path: { id }, header: FROM_LAST_READ },
      body: { action, ...(comment ? { comment } : {}) },
    }),
  );
}
