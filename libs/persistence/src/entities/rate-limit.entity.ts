import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * rate-limiter-flexible's RateLimiterPostgres counters (its own table layout), created by a migration rather than
 * by the library at boot, so replicas never race to create it and the api role needs no DDL rights.
 */
export const RateLimitSchema = defineEntity({
  name: 'RateLimit',
  tableName: 'rate_limit',
  properties: {
    key: p.string().primary(),
    points: p.integer().default(0),
    /** Epoch milliseconds. */
    expire: p.bigint('number').nullable(),
  },
});

export type RateLimit = InferEntity<typeof RateLimitSchema>;
