import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '#libs/platform';

const ISSUER = 'kaikaku';
const AUDIENCE = 'kaikaku-api';
/** Personal API tokens start with this, so they are told from JWTs at a glance (and by secret scanners). */
export const API_TOKEN_PREFIX = 'kkt_';
/** Verified access tokens remembered at most (a city has a few thousand staff, each with a token or two alive). */
const MAX_VERIFIED = 20_000;

/** What a verified access token proves, remembered until it expires. */
interface Verified {
  userId: string;
  /** `exp`, in seconds since the epoch. */
  expiresAt: number;
}

export interface AccessToken {
  token: string;
  expiresIn: number;
}

/**
 * Access tokens are short-lived JWTs (HS256, fixed issuer and audience); only HS256 is
 * accepted when verifying, so `alg: none` and algorithm-confusion tokens are refused.
 * They carry only the user id: roles are read from the database on every request.
 */
@Injectable()
export class TokenService {
  /**
   * The secret as a key object, made once: given a string, the JWT library would first try
   * to read it as a public key on every request, which cost a tenth of the API's CPU.
   */
  private readonly key: KeyObject;
  /**
   * Tokens already verified, by their exact text. The signature, issuer, audience and type
   * of a given token text never change, so verifying it again can only repeat the answer;
   * only expiry depends on the time, and it is checked on every use exactly as the JWT
   * library checks it. Saves the HMAC and the decoding on every request after the first.
   * Whether the user may still act (disabled, grants) is the principal's business, not this.
   */
  private readonly verified = new Map<string, Verified>();

  constructor(
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {
    this.key = createSecretKey(Buffer.from(config.JWT_SECRET, 'utf8'));
  }

  issueAccessToken(userId: string): AccessToken {
    const expiresIn = this.config.ACCESS_TOKEN_TTL_SECONDS;
    const token = this.jwt.sign(
      { typ: 'access' },
      {
        subject: userId,
        issuer: ISSUER,
        audience: AUDIENCE,
        expiresIn,
        jwtid: randomUUID(),
        algorithm: 'HS256',
        secret: this.key as unknown as string,
      },
    );
    return { token, expiresIn };
  }

  /** The user id of a valid access token, or null. */
  verifyAccessToken(token: string): string | null {
    const known = this.verified.get(token);
    if (known) {
      if (!expired(known.expiresAt)) return known.userId;
      this.verified.delete(token);
      return null;
    }
    try {
      const claims = this.jwt.verify<{ sub?: string; typ?: string; exp?: number; nbf?: number }>(token, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        secret: this.key as unknown as string,
      });
      if (claims.typ !== 'access' || typeof claims.sub !== 'string') return null;
      // Only tokens whose validity ends at `exp` alone are remembered (ours always have one and no `nbf`).
      if (typeof claims.exp === 'number' && claims.nbf === undefined)
        this.remember(token, { userId: claims.sub, expiresAt: claims.exp });
      return claims.sub;
    } catch {
      return null;
    }
  }

  private remember(token: string, verified: Verified): void {
    if (this.verified.size >= MAX_VERIFIED) {
      // Expired ones first; if all are alive, start afresh (they are verified again on next use).
      for (const [text, v] of this.verified) if (expired(v.expiresAt)) this.verified.delete(text);
      if (this.verified.size >= MAX_VERIFIED) this.verified.clear();
    }
    this.verified.set(token, verified);
  }

  /** A new personal API token: the secret (to show once) and what is stored of it. */
  newApiToken(): { token: string; hash: Buffer; prefix: string } {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashApiToken(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
  }
}

/** The JWT library's own test: a token is expired from the second its `exp` names. */
function expired(expiresAt: number): boolean {
  return Math.floor(Date.now() / 1000) >= expiresAt;
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && token.length > API_TOKEN_PREFIX.length + 20;
}
