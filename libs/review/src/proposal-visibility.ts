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
  const left = `${alias}.left_bureau_at IS NOT NULL`;
  // A scope that is all or nothing is left out of the SQL rather than written as TRUE or
  // FALSE: each branch that cannot match is a table the statement would still open and lock
  // on every execution (this condition is in the read of every transition). A scope of units
  // is always written, so every parameter added is used.
  const when = (condition: string, scope: string) => (scope === 'TRUE' ? condition : `${condition} AND ${scope}`);
  const branches: string[] = [];
  const owned = scopeSql(owners, unit, params);
  if (owned !== 'FALSE') branches.push(owned);
  const reviewed = scopeSql(reviewers, unit, params);
  if (reviewed !== 'FALSE') branches.push(`(${when(left, reviewed)})`);
  const collaborating = scopeSql(owners, 'pc.org_unit_id', params);
  if (collaborating !== 'FALSE')
    branches.push(`(${left} AND EXISTS (
          SELECT 1 FROM proposal_collaborator pc WHERE ${when(`pc.proposal_id = ${alias}.id`, collaborating)}))`);
  const everyone = scopeSql(anyone, unit, params);
  if (everyone !== 'FALSE') branches.push(`(${when(stateTaggedSql(alias, 'public'), everyone)})`);
  return branches.length === 0 ? 'FALSE' : `(\n    ${branches.join('\n    OR ')}\n  )`;
}
