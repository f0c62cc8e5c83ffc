import { RateLimitedError } from '@boomerang/domain';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';

/** How often a store may email one customer a profile link. */
export interface ProfileLinkLimiter {
  consume(customerId: string): Promise<void>;
}

/** Three links per customer per hour: enough to resend a lost one, too few to flood someone's inbox. */
export const DEFAULT_PROFILE_LINK_LIMIT = { points: 3, seconds: 3_600 };

/** rate-limiter-flexible's PostgreSQL counters (the `rate_limit` table), shared by every api replica; keyed by customer id. */
export class ProfileLinkRateLimit implements ProfileLinkLimiter {
  private readonly limiter: RateLimiterPostgres;

  constructor(pool: pg.Pool, rule = DEFAULT_PROFILE_LINK_LIMIT) {
    this.limiter = new RateLimiterPostgres({
      storeClient: pool,
      tableName: 'rate_limit',
      tableCreated: true,
      keyPrefix: 'profile-link',
      points: rule.points,
      duration: rule.seconds,
      clearExpiredByTimeout: false,
    });
  }

  async consume(customerId: string): Promise<void> {
    try {
      await this.limiter.consume(customerId);
    } catch (err) {
      if (!(err instanceof RateLimiterRes)) throw err;
      const seconds = Math.max(1, Math.ceil(err.msBeforeNext / 1000));
      throw new RateLimitedError(`a profile link was sent to this customer ${this.limiter.points} times lately: try again in ${seconds} seconds`, seconds);
    }
  }
}
