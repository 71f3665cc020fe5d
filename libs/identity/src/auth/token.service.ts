import { createHash, createSecretKey, randomBytes, randomUUID, type KeyObject } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '#libs/platform';

const ISSUER = 'kaikaku';
const AUDIENCE = 'kaikaku-api';
/** Personal API tokens start with this, so they are told from JWTs at a glance (and by secret scanners). */
export const API_TOKEN_PREFIX = 'kkt_';

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
      { subject: userId, issuer: ISSUER, audience: AUDIENCE, expiresIn, jwtid: randomUUID(), algorithm: 'HS256', secret: this.key as unknown as string },
    );
    return { token, expiresIn };
  }

  /** The user id of a valid access token, or null. */
  verifyAccessToken(token: string): string | null {
    try {
      const claims = this.jwt.verify<{ sub?: string; typ?: string }>(token, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        audience: AUDIENCE,
        secret: this.key as unknown as string,
      });
      return claims.typ === 'access' && typeof claims.sub === 'string' ? claims.sub : null;
    } catch {
      return null;
    }
  }

  /** A new personal API token: the secret (to show once) and what is stored of it. */
  newApiToken(): { token: string; hash: Buffer; prefix: string } {
    const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    return { token, hash: hashApiToken(token), prefix: token.slice(0, API_TOKEN_PREFIX.length + 6) };
  }
}

export function hashApiToken(token: string): Buffer {
  return createHash('sha256').update(token, 'utf8').digest();
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX) && token.length > API_TOKEN_PREFIX.length + 20;
}
