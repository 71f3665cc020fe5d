import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AppConfig, DomainError, execute, withTransaction } from '#libs/platform';
import { AuthService } from '../auth/auth.service.js';
import { TokenService, type AccessToken } from '../auth/token.service.js';
import { SecurityEventsService, type RequestOrigin } from '../security-events.service.js';

/** Refresh tokens start with this, so they are told from access and API tokens (and by secret scanners). */
const REFRESH_TOKEN_PREFIX = 'kkr_';

export { revokeBrowserSessionsOf, type SessionRevocation } from './revoke-sessions.js';
import type { SessionRevocation } from './revoke-sessions.js';

/** One answer for every refused refresh (missing, unknown, expired, revoked, reused, disabled): nothing to probe. */
export class SessionEndedError extends DomainError {
  constructor() {
    super('UNAUTHENTICATED', 'The browser session has ended or is not valid; sign in again');
  }
}

/** What a browser gets from a sign-in or a refresh: a fresh access token and the next refresh token. */
export interface BrowserSession {
  access: AccessToken;
  refreshToken: string;
  /** When the session (the family of the sign-in) ends; every rotation keeps it. */
  expiresAt: Date;
}

function hashRefreshToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

function newRefreshToken(): { token: string; hash: Buffer } {
  const token = `${REFRESH_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashRefreshToken(token) };
}

async function revokeFamily(manager: EntityManager, familyId: string, reason: SessionRevocation): Promise<number> {
  const { affected } = await execute(
    manager,
    `UPDATE refresh_token SET revoked_at = now(), revoked_reason = $2 WHERE family_id = $1 AND revoked_at IS NULL`,
    [familyId, reason],
  );
  return affected;
}

interface TokenRow {
  id: string;
  user_id: string;
  family_id: string;
  expires_at: Date;
  rotated: boolean;
  revoked: boolean;
  expired: boolean;
  active: boolean;
  username: string;
}

/**
 * Browser sessions: a sign-in gives a short-lived access token (kept in the page's memory)
 * and a refresh token (kept by the browser in an httpOnly cookie). Each refresh rotates the
 * refresh token; all tokens of one sign-in form a family with the sign-in's expiry. A
 * rotated token presented again means a copy exists somewhere else (stolen, or replayed),
 * so the whole family is revoked and the event goes to the security log. Only SHA-256
 * hashes are stored (a 256-bit random secret needs no slow hash).
 */
@Injectable()
export class BrowserSessionsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly auth: AuthService,
    private readonly tokens: TokenService,
    private readonly events: SecurityEventsService,
    private readonly config: AppConfig,
  ) {}

  /** Signs in (same limits and security log as POST /auth/token) and starts a family. */
  async start(username: string, password: string, origin: RequestOrigin): Promise<BrowserSession> {
    return this.startFor(await this.auth.verifyCredentials(username, password, origin));
  }

  /** Starts a family for a person someone else vouched for (the city's OpenID provider), already logged. */
  async startFor(userId: string): Promise<BrowserSession> {
    const { token, hash } = newRefreshToken();
    const [row]: Array<{ expires_at: Date }> = await this.dataSource.query(
      `INSERT INTO refresh_token (user_id, family_id, token_hash, expires_at)
       VALUES ($1, gen_random_uuid(), $2, now() + make_interval(secs => $3))
       RETURNING expires_at`,
      [userId, hash, this.config.REFRESH_TOKEN_TTL_SECONDS],
    );
    return { access: this.tokens.issueAccessToken(userId), refreshToken: token, expiresAt: new Date(row.expires_at) };
  }

  /** Rotates a refresh token: the old one is spent, a child of it is issued with a new access token. */
  async refresh(presented: string | undefined, origin: RequestOrigin): Promise<BrowserSession> {
    if (!presented?.startsWith(REFRESH_TOKEN_PREFIX)) throw new SessionEndedError();
    const outcome = await withTransaction(this.dataSource, async (m) => {
      // The row lock orders two refreshes of one token: the second sees it rotated (reuse).
      const [row]: TokenRow[] = await m.query(
        `SELECT t.id, t.user_id, t.family_id, t.expires_at, t.rotated_at IS NOT NULL AS rotated, t.revoked_at IS NOT NULL AS revoked,
                t.expires_at <= now() AS expired, u.active, u.username
           FROM refresh_token t JOIN app_user u ON u.id = t.user_id
          WHERE t.token_hash = $1
            FOR UPDATE OF t`,
        [hashRefreshToken(presented)],
      );
      if (!row || row.revoked || row.expired || !row.active) return null;
      if (row.rotated) {
        const revoked = await revokeFamily(m, row.family_id, 'reuse');
        await this.events.record(
          m,
          {
            kind: 'session.reuse_detected',
            subjectUserId: row.user_id,
            username: row.username,
            details: { familyId: row.family_id, tokenId: row.id, revoked },
          },
          origin,
        );
        // Committed, not thrown here: the revocation and its log entry must stay.
        return null;
      }
      const { token, hash } = newRefreshToken();
      await m.query(`UPDATE refresh_token SET rotated_at = now() WHERE id = $1`, [row.id]);
      await m.query(
        `INSERT INTO refresh_token (user_id, family_id, parent_id, token_hash, expires_at) VALUES ($1, $2, $3, $4, $5)`,
        [row.user_id, row.family_id, row.id, hash, row.expires_at],
      );
      return { userId: row.user_id, refreshToken: token, expiresAt: new Date(row.expires_at) };
    });
    if (!outcome) throw new SessionEndedError();
    return {
      access: this.tokens.issueAccessToken(outcome.userId),
      refreshToken: outcome.refreshToken,
      expiresAt: outcome.expiresAt,
    };
  }

  /** Signs out: the family of the presented token is revoked, whatever state that token is in. */
  async end(presented: string | undefined, origin: RequestOrigin): Promise<void> {
    if (!presented?.startsWith(REFRESH_TOKEN_PREFIX)) return;
    await withTransaction(this.dataSource, async (m) => {
      const [row]: Array<{ family_id: string; user_id: string; username: string }> = await m.query(
        `SELECT t.family_id, t.user_id, u.username FROM refresh_token t JOIN app_user u ON u.id = t.user_id WHERE t.token_hash = $1`,
        [hashRefreshToken(presented)],
      );
      if (!row) return;
      const revoked = await revokeFamily(m, row.family_id, 'signed_out');
      if (revoked > 0) {
        await this.events.record(
          m,
          {
            kind: 'session.signed_out',
            actorUserId: row.user_id,
            subjectUserId: row.user_id,
            username: row.username,
            details: { familyId: row.family_id },
          },
          origin,
        );
      }
    });
  }
}
