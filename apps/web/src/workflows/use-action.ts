import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query';
import { ApiProblem } from '../api/problem';

/**
 * One user action that changes something. The client adds If-Match and a fresh
 * Idempotency-Key; afterwards every query under `invalidates` is read again (TanStack Query),
 * and a conflict re-reads too, so the page shows the current state beside the message.
 */
export function useAction<V, R>(fn: (vars: V) => Promise<R>, invalidates: QueryKey[], onDone?: (result: R) => void) {
  const queries = useQueryClient();
  return useMutation({
    mutationFn: fn,
    onSuccess: async (result) => {
      await Promise.all(invalidates.map((queryKey) => queries.invalidateQueries({ queryKey })));
      onDone?.(result);
    },
    onError: async (error) => {
      if (error instanceof ApiProblem && (error.status === 409 || error.status === 412)) {
        await Promise.all(invalidates.map((queryKey) => queries.invalidateQueries({ queryKey })));
      }
    },
  });
}
