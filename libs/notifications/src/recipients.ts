import type { EntityManager } from 'typeorm';
import { prepared } from '#libs/platform';

export interface Recipient {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
}

/** The workflow roles a deputy (代決) exercises for an absent person (identity's DEPUTISABLE_ROLES), as SQL literals. */
const DEPUTISED_ROLES_SQL = `'bureau_editor', 'bureau_approver', 'secretariat', 'committee_reviewer', 'hq_member'`;

/** An active user holding a role on (or above) a unit, with the channels they chose (no settings row: the defaults). */
export interface RoleHolder extends Recipient {
  unit_id: string;
  role: string;
  email_enabled: boolean | null;
  in_app_enabled: boolean | null;
  webhook_enabled: boolean | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/**
 * Who holds which role on a unit — the one place this rule lives: a grant on the unit itself
 * or on a unit above it (a grant covers the units below it), grants in force now (a transferred person's old grants are not), active users only;
 * and, while a 代決 period of a holder runs, their deputy with the holder's workflow role, so that
 * what waits for an absent person (a step to take, a reminder, an escalation) reaches the deputy too.
 * SQL of three CTEs for a `WITH RECURSIVE` statement that already has a CTE `units` names (column
 * `unit_id`): `unit_above`, `role_granted` and `role_holder` (one row per unit, role and user, as RoleHolder),
 * so that one statement finds the people to tell for many units at once.
 */
export function roleHoldersSql(units: string): string {
  return `unit_above(base, id, parent_id) AS (
      SELECT o.id, o.id, o.parent_id FROM org_unit o WHERE o.id IN (SELECT unit_id FROM ${units})
      UNION SELECT a.base, o.id, o.parent_id FROM org_unit o JOIN unit_above a ON o.id = a.parent_id
    ),
    role_granted AS (
      SELECT a.base AS unit_id, g.role, g.user_id
        FROM unit_above a
        JOIN role_grant g ON g.org_unit_id = a.id
         AND (g.valid_from IS NULL OR g.valid_from <= now()) AND (g.valid_until IS NULL OR g.valid_until > now())
        JOIN app_user holder ON holder.id = g.user_id AND holder.active
    ),
    role_holder AS MATERIALIZED (
      SELECT DISTINCT h.unit_id, h.role, u.id, u.username, u.display_name AS "displayName", u.email,
             s.email_enabled, s.in_app_enabled, s.webhook_enabled, s.webhook_url, s.webhook_secret
        FROM (
          SELECT unit_id, role, user_id FROM role_granted
          UNION ALL
          SELECT r.unit_id, r.role, d.deputy_user_id FROM role_granted r
            JOIN deputy_assignment d ON d.absent_user_id = r.user_id AND d.cancelled_at IS NULL AND d.starts_at <= now() AND d.ends_at > now()
           WHERE r.role IN (${DEPUTISED_ROLES_SQL})
        ) h
        JOIN app_user u ON u.id = h.user_id AND u.active
        LEFT JOIN notification_settings s ON s.user_id = u.id
    )`;
}

/** The holders of one of `roles` among a unit's role holders, each once, by username (as usersWithRoles answers them). */
export function holdersWithRoles(holders: readonly RoleHolder[], roles: readonly string[]): RoleHolder[] {
  const chosen = new Map<string, RoleHolder>();
  for (const h of holders) if (roles.includes(h.role) && !chosen.has(h.id)) chosen.set(h.id, h);
  return [...chosen.values()].sort((a, b) => (a.username < b.username ? -1 : a.username > b.username ? 1 : 0));
}

/** The active users holding one of `roles` on `unitId` (see roleHoldersSql). */
export async function usersWithRoles(m: EntityManager, roles: readonly string[], unitId: string): Promise<Recipient[]> {
  const { rows } = await prepared<Recipient>(
    m,
    `WITH RECURSIVE asked(unit_id) AS (SELECT $2::uuid), ${roleHoldersSql('asked')}
     SELECT DISTINCT id, username, "displayName", email FROM role_holder WHERE role = ANY($1) ORDER BY username`,
    [roles, unitId],
  );
  return rows;
}

/** One active user, as a recipient (the absent person told of a 代決 decision). */
export async function userById(m: EntityManager, id: string): Promise<Recipient[]> {
  const { rows } = await prepared<Recipient>(
    m,
    `SELECT id, username, display_name AS "displayName", email FROM app_user WHERE id = $1 AND active`,
    [id],
  );
  return rows;
}
