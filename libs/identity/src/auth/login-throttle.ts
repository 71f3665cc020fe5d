import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppConfig, reconnectForever, redisOptionsFromUrl } from '#libs/platform';
import { SignInRateLimitedError } from '../identity.errors.js';

/**
 * Limits sign-in attempts per username (against guessing one person's password) and per
 * source address (against one machine trying many names). The counters live in Redis, so
 * the limits hold across every API instance; each attempt is counted atomically BEFORE
 * the password is checked, so concurrent attempts cannot slip past the limit. A success
 * clears the username's counter and gives the address its attempt back.
 *
 * If Redis is away, an in-memory limiter with the same limits stands in (per instance),
 * rather than either refusing every sign-in or limiting none.
 */
@Injectable()
export class LoginThrottle implements OnApplicationShutdown {
  private readonly logger = new Logger(LoginThrottle.name);
  private readonly redis: Redis;
  private readonly byUsername: RateLimiterRedis;
  private readonly byAddress: RateLimiterRedis;

  constructor(config: AppConfig) {
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.REDIS_URL),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectForever,
      connectionName: 'kaikaku:login-throttle',
    });
    this.redis.on('error', () => undefined);
    const duration = config.LOGIN_WINDOW_SECONDS;
    const prefix = `${config.QUEUE_PREFIX}:signin`;
    this.byUsername = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${prefix}:user`,
      points: config.LOGIN_MAX_ATTEMPTS_PER_USERNAME,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: config.LOGIN_MAX_ATTEMPTS_PER_USERNAME, duration }),
    });
    this.byAddress = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${prefix}:addr`,
      points: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS,
      duration,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: config.LOGIN_MAX_ATTEMPTS_PER_ADDRESS, duration }),
    });
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
    this.redis.disconnect();
  }
}
