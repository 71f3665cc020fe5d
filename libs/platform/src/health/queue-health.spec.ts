import { describe, expect, it } from '@jest/globals';
import { judgeRedis, parseRedisInfo } from './queue-health.indicator.js';

describe('judgeRedis', () => {
  const info = (policy: string, aof: string) =>
    parseRedisInfo(`# Memory\r\nmaxmemory_policy:${policy}\r\n# Persistence\r\naof_enabled:${aof}\r\n`);

  it('accepts noeviction with AOF', () => {
    expect(judgeRedis(info('noeviction', '1'))).toEqual({ ok: true });
  });
  it('refuses an evicting policy', () => {
    expect(judgeRedis(info('allkeys-lru', '1'))).toEqual({
      ok: false,
      problem: 'maxmemory-policy is allkeys-lru; BullMQ requires noeviction',
    });
  });
  it('reports AOF off as degraded', () => {
    expect(judgeRedis(info('noeviction', '0'))).toMatchObject({
      ok: true,
      degraded: expect.stringMatching(/appendonly/),
    });
  });
});
