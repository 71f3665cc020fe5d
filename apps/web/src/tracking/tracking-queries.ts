import { useQuery } from '@tanstack/react-query';
import { answer, api, FROM_LAST_READ } from '../api/client';
import type { components } from '../api/schema';
import type { ScaleEntry } from '../dashboard/tracking-types';

/** An initiative and a progress report (進捗報告), as the OpenAPI document describes them. */
export type InitiativeView = components['schemas']['InitiativeResponse'];
export type ProgressReport = components['schemas']['ProgressReportResponse'];

export const reportsKey = (initiativeId: string) => ['progress-reports', initiativeId] as const;

export function useReports(initiativeId: string | undefined) {
  return useQuery({
    queryKey: reportsKey(initiativeId ?? ''),
    enabled: Boolean(initiativeId),
    queryFn: async () => (await answer(api.GET('/api/v1/initiatives/{id}/progress-reports', { params: { path: { id: initiativeId! } } }))) as ProgressReport[],
  });
}

export function useScale(planId: string | undefined) {
  return useQuery({
    queryKey: ['status-scale', planId],
    enabled: Boolean(planId),
    staleTime: 5 * 60_000,
    queryFn: async () => (await answer(api.GET('/api/v1/plans/{id}/status-scale', { params: { path: { id: planId! } } }))) as ScaleEntry[],
  });
}

/** 計画通り進捗 needs no reason; a change or a delay does (the server's rule, said up front). */
export const needsReason = (s: ScaleEntry | undefined) => Boolean(s && !['on_track', 'ahead', 'completed'].includes(s.normalized));

/** The year's annual report, the one the roll-up counts. */
export const annualOf = (reports: ProgressReport[] | undefined, year: number | undefined) => reports?.find((r) => r.fiscalYear === year && r.period === 'annual');

/** The report read before acting on it, so the client's If-Match carries its current version. */
export async function readReport(id: string): Promise<ProgressReport> {
  return answer(api.GET('/api/v1/progress-reports/{id}', { params: { path: { id } } }));
}

export async function transitionReport(id: string, action: 'submit' | 'confirm' | 'return', comment?: string): Promise<ProgressReport> {
  await readReport(id);
  return answer(
    api.POST('/api/v1/progress-reports/{id}/transitions', { params: { path: { id }, header: FROM_LAST_READ }, body: { action, ...(comment ? { comment } : {}) } }),
  );
}
