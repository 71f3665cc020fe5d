import type { TransitionActor } from '#libs/platform';
import type { Actor } from '#libs/workflow';
import type { Role } from '../roles.js';
import type { Principal } from './principal.js';
import { scopeIncludes } from './unit-scope.js';

/**
 * The caller as the workflow engine sees them: roles held on units, and — for 代決 — the
 * absent person they stand in for now (the periods the principal was made with).
 */
export function workflowActor(principal: Principal): Actor {
  return {
    holds: (role, unitId) => scopeIncludes(principal.scopeFor(role as Role), unitId),
    standsInFor: (role, unitId) => principal.standsInFor(role as Role, unitId)?.absent.id,
  };
}

/** The caller as the transition pipeline records them: who acted, and for whom. */
export function transitionActor(principal: Principal): TransitionActor {
  return {
    ...workflowActor(principal),
    id: principal.id,
    username: principal.user.username,
    represented: (key) => {
      const d = principal.deputyships.find((x) => x.absent.id === key);
      return d ? { id: d.absent.id, username: d.absent.username, assignmentId: d.assignmentId } : undefined;
    },
  };
}
