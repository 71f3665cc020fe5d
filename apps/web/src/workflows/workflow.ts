import { useQuery } from '@tanstack/react-query';
import { answer, api } from '../api/client';
import type { components } from '../api/schema';

/** A transition of a workflow definition, as the OpenAPI document describes it. */
export type WorkflowTransition = components['schemas']['TransitionDefinitionResponse'];

export function useWorkflow(name = 'reform-proposal', { enabled = true }: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: ['workflows', name],
    queryFn: () => answer(api.GET('/api/v1/workflows/{name}', { params: { path: { name } } })),
    staleTime: 10 * 60_000,
    enabled,
  });
}

/**
 * The states at which a record waits for one of these roles: the `from` of each transition
 * that one role alone takes and that needs no input — the stage's own step (提出, 承認, 市議会報告),
 * not the side doors (差戻し needs a comment, 取下げ is open to two roles). Read from the
 * workflow's data, so another city's stages need no change here.
 */
export function statesWaitingFor(
  definition: { transitions?: WorkflowTransition[] } | undefined,
  roles: Set<string>,
): string[] {
  const states = new Set<string>();
  for (const t of definition?.transitions ?? []) {
    if (t.roles.length === 1 && roles.has(t.roles[0]) && (t.requires ?? []).length === 0)
      for (const s of t.from) states.add(s);
  }
  return [...states];
}

/** Japanese label of a state, from the workflow definition. */
export function stateLabels(
  definition: { states?: Array<{ name: string; label: { ja: string } }> } | undefined,
): Record<string, string> {
  return Object.fromEntries((definition?.states ?? []).map((s) => [s.name, s.label.ja]));
}
