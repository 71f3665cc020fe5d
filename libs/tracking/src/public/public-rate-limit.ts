import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { AppConfig, DomainError, reconnectForever, redisOptionsFromUrl } from '#libs/platform';

export class PublicRateLimitedError extends DomainError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', `Too many requests from this address; try again in ${retryAfterSeconds} s`, [], {
      retryAfterSeconds,
    });
  }
}

/**
 * The per-address limit of the public site and API (PUBLIC_RATE_LIMIT_PER_MINUTE). Counted in
 * Redis, so that it holds across every API instance behind a balancer; an address over it is
 * also remembered in memory until its window ends, so a flood costs no Redis call per request.
 * With Redis away (or QUEUE_BACKEND=postgres), each instance counts on its own rather than
 * refusing citizens or limiting nobody.
 */
@Injectable()
export class PublicRateLimit implements OnApplicationShutdown {
  private readonly logger = new Logger(PublicRateLimit.name);
  private readonly redis: Redis | null = null;
  private readonly limiter: RateLimiterAbstract;

  constructor(config: AppConfig) {
    const points = config.PUBLIC_RATE_LIMIT_PER_MINUTE;
    const duration = 60;
    const memory = new RateLimiterMemory({ points, duration });
    if (config.QUEUE_BACKEND === 'postgres') {
      this.limiter = memory;
      return;
    }
    this.redis = new Redis({
      ...redisOptionsFromUrl(config.REDIS_URL),
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: reconnectForever,
      connectionName: 'kaikaku:public-limit',
    });
    this.redis.on('error', () => undefined);
    this.limiter = new RateLimiterRedis({
      storeClient: this.redis,
      keyPrefix: `${config.QUEUE_PREFIX}:public`,
      points,
      duration,
      inMemoryBlockOnConsumed: points,
      rejectIfRedisNotReady: true,
      insuranceLimiter: memory,
    });
  }

  /** Counts one request of `address`; throws PublicRateLimitedError (429) past the limit. */
  async take(address: string): Promise<void> {
    try {
      await this.limiter.consume(address);
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes)
        throw new PublicRateLimitedError(Math.max(1, Math.ceil(outcome.msBeforeNext / 1000)));
      this.logger.warn({ err: outcome }, 'public rate limiter failed; allowing the request');
    }
  }

  onApplicationShutdown(): void {
    this.redis?.disconnect();
  }
}
