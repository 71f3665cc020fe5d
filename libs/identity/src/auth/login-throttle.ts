import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import {
  RateLimiterMemory,
  RateLimiterPostgres,
  RateLimiterRedis,
  RateLimiterRes,
  type RateLimiterAbstract,
} from 'rate-limiter-flexible';
import { DataSource } from 'typeorm';
import { AppConfig, reconnectForever, redisOptionsFromUrl } from '#libs/platform';
import { SignInRateLimitedError } from '../identity.errors.js';

/**
 * Limits sign-in attempts per username (against guessing one person's password) and per
 * source address (against one machine trying many names). The counters live in Redis (or,
 * with QUEUE_BACKEND=postgres, in PostgreSQL), so the limits hold across every API instance; each attempt is counted atomically BEFORE
 * the password is checked, so concurrent attempts cannot slip past the limit. A success
 * clears the username's counter and gives the address its attempt back.
 *
 * If Redis is away, an in-memory limiter with the same limits stands in (per instance),
 * rather than either refusing every sign-in or limiting none.
 */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly redis: Redis | null = null;
  private readonly byUsername: RateLimiterAbstract;
  private readonly byAddress: RateLimiterAbstract;

  constructor(config: AppConfig, dataSource: DataSource) {
    const duration = config.LOGIN_WINDOW_SECONDS;
    const limiter = (kind: 'user' | 'addr', points: number): RateLimiterAbstract => {
      const insuranceLimiter = new RateLimiterMemory({ points, duration });
      if (config.QUEUE_BACKEND === 'postgres') {
        return new RateLimiterPostgres({
          storeClient: (dataSource.driver as unknown as { master: unknown }).master,
          storeType: 'pool',
          tableName: 'signin_limit',
          tableCreated: true,
          keyPrefix: kind,
          points,
          duration,
          insuranceLimiter,
        });
      }
      return new RateLimiterRedis({
        storeClient: this.redis,
        keyPrefix: `${config.QUEUE_PREFIX}:signin:${kind}`,
        points,
        duration,
        rejectIfRedisNotReady: true,
        insuranceLimiter,
      });
    };
    if (config.QUEUE_BACKEND !== 'postgres') {
      this.redis = new Redis({
        ...redisOptionsFromUrl(config.REDIS_URL),
        enableOfflineQueue: false,
        maxRetriesPerRequest: 0,
        retryStrategy: reconnectForever,
        connectionName: 'kaikaku:login-throttle',
      });
      this.redis.on('error', () => undefined);
    }
    this.byUsername = limiter('user', config.LOGIN_MAX_ATTEMPTS_PER_USERNAME);
    this.byAddress = limiter('addr', config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS);
  }

  /** Counts an attempt; throws SignInRateLimitedError when either limit is used up. */
  async attempt(username: string, address: string): Promise<void> {
    for (const [limiter, key] of [
      [this.byUsername, username],
      [this.byAddress, address],
    ] as const) {
      try {
        await limiter.consume(key);
      } catch (outcome) {
        if (outcome instanceof RateLimiterRes) {
          throw new SignInRateLimitedError(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
        }
        this.logger.warn({ err: outcome }, 'sign-in limiter failed; allowing the attempt');
      }
    }
  }

  async succeeded(username: string, address: string): Promise<void> {
    await Promise.allSettled([this.byUsername.delete(username), this.byAddress.reward(address, 1)]);
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
