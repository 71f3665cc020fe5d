import { useSyncExternalStore } from 'react';
import type { QueryClient } from '@tanstack/react-query';
import { plansQuery } from '../api/reference';
import { session } from '../auth/token';
import { rollupQuery } from '../dashboard/dashboard-queries';
import { planYearOf, type PlanView } from '../dashboard/tracking-types';
import { initiativeListFilterOf, initiativeListQuery } from '../tracking/tracking-queries';

/**
 * On a page load, the queries of the page the address names start the moment the session is
 * back, in parallel, instead of one after another as the page would start them once it has
 * rendered (the plans, and only then the roll-ups that name a plan). They are the pages' own
 * query options, so the page finds its answers in the cache or on the wire.
 *
 * Called before React subscribes to the session, so this listener runs first: the requests are
 * sent before React renders the signed-in layout and page (a render of a hundred milliseconds
 * and more on a slow machine), and the server works on them while the browser renders.
 *
 * The ids in the address are used as they are, before the plans are in: when they name no plan
 * the page shows the first plan instead, and the query started here goes unused (it is an
 * error for an id that does not exist, never an answer the page would show).
 */
export function fetchFirstPage(client: QueryClient, address: URL): void {
  firstPagePending = true;
  const stop = session.subscribe((state) => {
    if (state.status === 'unknown') return;
    stop();
    if (state.status === 'signed-in') void startQueries(client, address).finally(settle);
    else settle();
  });
}

/** Whether the first page's own queries are still out (set on a page load; never again after). */
let firstPagePending = false;
const settledListeners = new Set<() => void>();

function settle(): void {
  firstPagePending = false;
  for (const l of settledListeners) l();
}

function onSettled(listener: () => void): () => void {
  settledListeners.add(listener);
  return () => settledListeners.delete(listener);
}

/** True once the first page's own queries are answered: what may wait for them (the layout's counts) starts then. */
export function useFirstPageAnswered(): boolean {
  return useSyncExternalStore(onSettled, () => !firstPagePending);
}

async function startQueries(client: QueryClient, address: URL): Promise<void> {
  const params = address.searchParams;
  const plans = client.fetchQuery(plansQuery).then(
    (all) => all as PlanView[],
    () => undefined,
  );
  switch (address.pathname) {
    case '/dashboard': {
      const { planId, year } = namedPlanYear(params) ?? chosenPlanYear(await plans, params);
      if (planId && year)
        await Promise.all([
          client.prefetchQuery(rollupQuery(planId, year, 'policy')),
          client.prefetchQuery(rollupQuery(planId, year, 'orgUnit')),
        ]);
      return;
    }
    case '/tracking': {
      const planId = params.get('plan') ?? planYearOf(await plans, params).plan?.id;
      if (planId) await client.prefetchQuery(initiativeListQuery(initiativeListFilterOf(planId, params)));
      return;
    }
    default:
      await plans;
  }
}

/** The plan and year the address names, as they are (a link to a dashboard names both). */
function namedPlanYear(params: URLSearchParams): { planId: string; year: number } | null {
  const planId = params.get('plan');
  const year = Number(params.get('year'));
  return planId && Number.isInteger(year) && year > 0 ? { planId, year } : null;
}

/** The plan and year the page will show, once the plans are known. */
function chosenPlanYear(
  plans: PlanView[] | undefined,
  params: URLSearchParams,
): { planId: string | undefined; year: number | undefined } {
  const { plan, year } = planYearOf(plans, params);
  return { planId: plan?.id, year };
}
