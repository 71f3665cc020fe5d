import type { EntityManager } from 'typeorm';
import { execute } from '#libs/platform';

export type SessionRevocation = 'signed_out' | 'reuse' | 'user_disabled';

/**
 * Revokes every live refresh token of a user (all their browser sessions), inside the
 * caller's transaction; answers how many. Disabling a user calls it with that change.
 */
export async function revokeBrowserSessionsOf(
  manager: EntityManager,
  userId: string,
  reason: SessionRevocation,
): Promise<number> {
  const { affected } = await execute(
    manager,
    `UPDATE refresh_token SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL`,
    [userId, reason],
  );
  return affected;
}
