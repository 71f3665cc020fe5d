import { describe, expect, it } from '@jest/globals';
import { checkMetricsAccess } from './metrics-access.js';

const verdict = (token: string, ip: string | undefined, authorization?: string) =>
  checkMetricsAccess(token, ip, authorization)?.code ?? 'allowed';

describe('who may read /metrics', () => {
  it('without a token: loopback only, in every spelling of it', () => {
    for (const ip of ['127.0.0.1', '127.0.0.53', '::1', '::ffff:127.0.0.1'])
      expect([ip, verdict('', ip)]).toEqual([ip, 'allowed']);
    for (const ip of ['10.0.0.1', '::ffff:10.0.0.1', '203.0.113.9', '1127.0.0.1', '::2', undefined])
      expect([ip, verdict('', ip)]).toEqual([ip, 'FORBIDDEN']);
    // A bearer token of a user changes nothing.
    expect(verdict('', '203.0.113.9', 'Bearer anything')).toBe('FORBIDDEN');
  });

  it('with a token: the token from anywhere, nothing else, not even loopback', () => {
    expect(verdict('s3cret-token', '203.0.113.9', 'Bearer s3cret-token')).toBe('allowed');
    expect(verdict('s3cret-token', '127.0.0.1', 'bearer s3cret-token')).toBe('allowed');
    for (const authorization of [
      undefined,
      '',
      'Bearer ',
      'Bearer s3cret-toke',
      'Bearer s3cret-tokenX',
      's3cret-token',
      'Basic s3cret-token',
    ]) {
      expect([authorization, verdict('s3cret-token', '127.0.0.1', authorization)]).toEqual([
        authorization,
        'UNAUTHENTICATED',
      ]);
    }
  });
});
