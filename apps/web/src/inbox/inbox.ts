import { useQueries, useQuery } from '@tanstack/react-query';
import { answer, api, type Item } from '../api/client';
import { rolesOf, useMe } from '../auth/me';
import { useMyDeputies } from '../deputies/deputy-queries';
import { statesWaitingFor, useWorkflow } from '../workflows/workflow';

/** `enabled: false` holds a query back (the layout's counts wait for the first page's own queries). */
type Gate = { enabled?: boolean };

/** Unread in-app notifications (the answer carries the unread count). */
export function useNotifications({ enabled = true }: Gate = {}) {
  return useQuery({
    queryKey: ['notifications'],
    queryFn: () => answer(api.GET('/api/v1/notifications', { params: { query: { pageSize: 20 } } })),
    refetchInterval: 60_000,
    enabled,
  });
}

/** My deadlines, soonest first (the server's order). */
export function useDeadlines({ enabled = true }: Gate = {}) {
  return useQuery({
    queryKey: ['deadlines'],
    queryFn: () => answer(api.GET('/api/v1/deadlines')),
    refetchInterval: 5 * 60_000,
    enabled,
  });
}

/**
 * Proposals that wait at my stage: visible to me, in a state whose own step is mine — or, while
 * I stand in for someone absent (代決), theirs (the server lets me see and take their steps).
 */
export function useWaitingProposals({ enabled = true }: Gate = {}) {
  const me = useMe({ enabled });
  const workflow = useWorkflow(undefined, { enabled });
  const deputies = useMyDeputies({ enabled });
  const roles = new Set([...rolesOf(me.data), ...(deputies.data?.exercising ?? []).flatMap((x) => x.roles)]);
  const states = statesWaitingFor(workflow.data?.definition, roles);
  const lists = useQueries({
    queries: states.map((state) => ({
      queryKey: ['proposals', { state, pageSize: 100 }],
      queryFn: () => answer(api.GET('/api/v1/proposals', { params: { query: { state, pageSize: 100 } } })),
    })),
  });
  const items: Array<Item<'/api/v1/proposals', 'get'>> = lists.flatMap((q) => q.data?.items ?? []);
  items.sort((a, b) => String(a.updatedAt).localeCompare(String(b.updatedAt)));
  return { items, isPending: me.isPending || workflow.isPending || lists.some((q) => q.isPending), states };
}
