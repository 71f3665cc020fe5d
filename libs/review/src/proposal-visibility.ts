import { scopeIncludes, scopeSql, type Principal, type SqlParams } from '#libs/identity';
import { stateTaggedSql, type TransitionActor } from '#libs/platform';
import type { Actor } from '#libs/workflow';

/**
 * Who may see which proposals — the one place this rule lives, applied inside every query:
 * - the owning unit's editors and approvers: everything, drafts included;
 * - the secretariat, the committee, the HQ and admins (on units covering the owner), and the
 *   collaborating units: once it has left its bureau (bureau approval done);
 * - everyone signed in: in a state its workflow tags `public` (reported to the council).
 * A bureau therefore never sees another bureau's drafts, and what a caller may not see is
 * answered exactly like what does not exist.
 */
export function visibleProposalsSql(principal: Principal, alias: string, params: SqlParams): string {
  const owners = principal.scopeFor('bureau_editor', 'bureau_approver');
  const reviewers = principal.scopeFor('secretariat', 'committee_reviewer', 'hq_member', 'admin');
  const anyone = principal.scopeFor('admin', 'secretariat', 'bureau_editor', 'bureau_approver', 'committee_reviewer', 'hq_member', 'viewer');
  const unit = `${alias}.owning_unit_id`;
  return `(
    ${scopeSql(owners, unit, params)}
    OR (${alias}.left_bureau_at IS NOT NULL AND ${scopeSql(reviewers, unit, params)})
    OR (${alias}.left_bureau_at IS NOT NULL AND EXISTS (
          SELECT 1 FROM proposal_collaborator pc WHERE pc.proposal_id = ${alias}.id AND ${scopeSql(owners, 'pc.org_unit_id', params)}))
    OR (${stateTaggedSql(alias, 'public')} AND ${scopeSql(anyone, unit, params)})
  )`;
}

/** The caller as the workflow engine sees them: roles held on units. */
export function workflowActor(principal: Principal): Actor {
  return { holds: (role, unitId) => scopeIncludes(principal.scopeFor(role as never), unitId) };
}

/** The caller as the transition pipeline records them. */
export function transitionActor(principal: Principal): TransitionActor {
  return { ...workflowActor(principal), id: principal.id, username: principal.user.username };
}
