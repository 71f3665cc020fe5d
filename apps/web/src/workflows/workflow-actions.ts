import type { WorkflowTransition } from './workflow';

/**
 * For records without an `/actions` endpoint (inquiries, secretariat only): the transitions the
 * workflow's data offers from this state to these roles. The server still decides.
 */
export function transitionsFrom(
  definition: { transitions?: WorkflowTransition[] } | undefined,
  state: string,
  roles: Set<string>,
): WorkflowTransition[] {
  return (definition?.transitions ?? []).filter((t) => t.from.includes(state) && t.roles.some((r) => roles.has(r)));
}
