import { scopeSql, unionScope, type Principal, type SqlParams } from '#libs/identity';
import { stateTaggedSql } from '#libs/platform';

export { transitionActor, workflowActor } from '#libs/identity';

/**
 * Who may see which proposals — the one place this rule lives, applied inside every query:
 * - the owning unit's editors and approvers: everything, drafts included;
 * - the secretariat, the committee, the HQ and admins (on units covering the owner), and the
 *   collaborating units: once it has left its bureau (bureau approval done);
 * - everyone signed in: in a state its workflow tags `public` (reported to the council).
 * A bureau therefore never sees another bureau's drafts, and what a caller may not see is
 * answered exactly like what does not exist. A deputy (代決) sees, while the period runs, what
 * the absent person's workflow roles see, so that they can take the absent person's steps.
 */
export function visibleProposalsSql(principal: Principal, alias: string, params: SqlParams): string {
  const owners = principal.actingScopeFor('bureau_editor', 'bureau_approver');
  const reviewers = unionScope(
    principal.scopeFor('admin'),
    principal.actingScopeFor('secretariat', 'committee_reviewer', 'hq_member'),
  );
  const anyone = principal.scopeFor(
    'admin',
    'secretariat',
    'bureau_editor',
    'bureau_approver',
    'committee_reviewer',
    'hq_member',
    'viewer',
  );
  const unit = `${alias}.owning_unit_id`;
  return `(
    ${scopeSql(owners, unit, params)}
    OR (${alias}.left_bureau_at IS NOT NULL AND ${scopeSql(reviewers, unit, params)})
    OR (${alias}.left_bureau_at IS NOT NULL AND EXISTS (
          SELECT 1 FROM proposal_collaborator pc WHERE pc.proposal_id = ${alias}.id AND ${scopeSql(owners, 'pc.org_unit_id', params)}))
    OR (${stateTaggedSql(alias, 'public')} AND ${scopeSql(anyone, unit, params)})
  )`;
}
