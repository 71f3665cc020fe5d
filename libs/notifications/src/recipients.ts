import type { EntityManager } from 'typeorm';
import { prepared } from '#libs/platform';

export interface Recipient {
  id: string;
  username: string;
  displayName: string;
  email: string | null;
}

/**
 * The active users holding one of `roles` on `unitId` — granted on the unit itself or on a
 * unit above it (a grant covers the units below it), in force now (a transferred person's old grants are not).
 */
export async function usersWithRoles(m: EntityManager, roles: readonly string[], unitId: string): Promise<Recipient[]> {
  const { rows } = await prepared<Recipient>(
    m,
    `WITH RECURSIVE above(id, parent_id) AS (
       SELECT id, parent_id FROM org_unit WHERE id = $2
       UNION SELECT o.id, o.parent_id FROM org_unit o JOIN above a ON o.id = a.parent_id
     )
     SELECT DISTINCT u.id, u.username, u.display_name AS "displayName", u.email
       FROM app_user u JOIN role_grant g ON g.user_id = u.id
      WHERE u.active AND g.role = ANY($1) AND g.org_unit_id IN (SELECT id FROM above)
        AND (g.valid_from IS NULL OR g.valid_from <= now()) AND (g.valid_until IS NULL OR g.valid_until > now())
      ORDER BY u.username`,
    [roles, unitId],
  );
  return rows;
}
