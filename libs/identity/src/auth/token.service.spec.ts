import { afterEach, describe, expect, it, jest } from '@jest/globals';
import { JwtService } from '@nestjs/jwt';
import type { AppConfig } from '#libs/platform';
import { TokenService } from './token.service.js';

const SECRET = 'a-test-secret-of-forty-characters-000000';

function tokens(ttlSeconds = 60, secret = SECRET): TokenService {
  return new TokenService(new JwtService({}), {
    JWT_SECRET: secret,
    ACCESS_TOKEN_TTL_SECONDS: ttlSeconds,
  } as AppConfig);
}

describe('TokenService: access tokens, verified once and remembered until they expire', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it('accepts a good token again and again, and refuses a remembered one from the second it expires', () => {
    jest.useFakeTimers({ now: new Date('2027-04-01T00:00:00.000Z') });
    const service = tokens(60);
    const { token } = service.issueAccessToken('user-1');
    expect(service.verifyAccessToken(token)).toBe('user-1');
    jest.setSystemTime(new Date('2027-04-01T00:00:59.999Z'));
    expect(service.verifyAccessToken(token)).toBe('user-1');
    jest.setSystemTime(new Date('2027-04-01T00:01:00.000Z'));
    expect(service.verifyAccessToken(token)).toBeNull();
    // Forgotten once expired: still refused, now by the JWT library itself.
    expect(service.verifyAccessToken(token)).toBeNull();
  });

  it('refuses a tampered copy of a remembered token, and a token of another secret', () => {
    const service = tokens();
    const { token } = service.issueAccessToken('user-1');
    expect(service.verifyAccessToken(token)).toBe('user-1');
    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    const forged = Buffer.from(JSON.stringify({ ...claims, sub: 'user-2' })).toString('base64url');
    expect(service.verifyAccessToken(`${header}.${forged}.${signature}`)).toBeNull();
    const other = tokens(60, 'another-secret-of-forty-characters-00000').issueAccessToken('user-1').token;
    expect(service.verifyAccessToken(other)).toBeNull();
    expect(service.verifyAccessToken(token)).toBe('user-1');
  });
});
