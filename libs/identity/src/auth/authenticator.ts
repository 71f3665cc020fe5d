import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { Principal } from '../access/principal.js';
import { PrincipalLoader } from '../access/principal.loader.js';
import { hashApiToken, looksLikeApiToken, TokenService } from './token.service.js';

/** How often a used API token's `last_used_at` is written, at most: not a write per request. */
const LAST_USED_GRANULARITY = "interval '1 minute'";

/**
 * Turns an Authorization header into the caller, or null when it proves nothing: missing,
 * malformed, expired, tampered, `alg: none`, a revoked or expired API token, or a user
 * who has since been disabled.
 */
@Injectable()
export class Authenticator {
  constructor(
    private readonly tokens: TokenService,
    private readonly principals: PrincipalLoader,
    private readonly dataSource: DataSource,
  ) {}

  async authenticate(authorization: string | undefined): Promise<Principal | null> {
    const match = /^Bearer\s+(\S{10,4096})\s*$/i.exec(authorization ?? '');
    if (!match) return null;
    const token = match[1];
    if (looksLikeApiToken(token)) {
      const rows: Array<{ user_id: string }> = await this.dataSource.query(
        `WITH t AS (
           UPDATE api_token SET last_used_at = CASE
               WHEN last_used_at IS NULL OR last_used_at < now() - ${LAST_USED_GRANULARITY} THEN now() ELSE last_used_at END
            WHERE token_hash = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            RETURNING user_id
         ) SELECT user_id FROM t`,
        [hashApiToken(token)],
      );
      return rows.length === 1 ? this.principals.load(rows[0].user_id, 'api_token') : null;
    }
    const userId = this.tokens.verifyAccessToken(token);
    return userId ? this.principals.load(userId, 'access_token') : null;
  }
}
