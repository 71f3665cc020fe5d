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
 * unit above it (a grant covers the units below it) — and, while a 代決 period of one of them
 * runs at `at`, their deputy as well: what waits for the absent person reaches the deputy.
 */
export async function usersWithRoles(m: EntityManager, roles: readonly string[], unitId: string, at: Date): Promise<Recipient[]> {
  const { rows } = await prepared<Recipient>(
    m,
    `WITH RECURSIVE above(id, parent_id) AS (
       SELECT id, parent_id FROM org_unit WHERE id = $2
       UNION SELECT o.id, o.parent_id FROM org_unit o JOIN above a ON o.id = a.parent_id
     ), holders AS (
       SELECT DISTINCT u.id FROM app_user u JOIN role_grant g ON g.user_id = u.id
        WHERE u.active AND g.role = ANY($1) AND g.org_unit_id IN (SELECT id FROM above)
     ), deputies AS (
       SELECT d.deputy_user_id AS id FROM deputy_assignment d
        WHERE d.absent_user_id IN (SELECT id FROM holders) AND d.cancelled_at IS NULL AND d.starts_at <= $3 AND d.ends_at > $3
     )
     SELECT u.id, u.username, u.display_name AS "displayName", u.email
       FROM app_user u
      WHERE u.active AND (u.id IN (SELECT id FROM holders) OR u.id IN (SELECT id FROM deputies))
      ORDER BY u.username`,
    [roles, unitId, at],
  );
  return rows;
}

/** One active user, as a recipient (the absent person told of a 代決 decision). */
export async function userById(m: EntityManager, id: string): Promise<Recipient[]> {
  const { rows } = await prepared<Recipient>(m, `SELECT id, username, display_name AS "displayName", email FROM app_user WHERE id = $1 AND active`, [id]);
  return rows;
}
