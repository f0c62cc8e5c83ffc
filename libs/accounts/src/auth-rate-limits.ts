import { RateLimitedError } from '@boomerang/domain';
import type pg from 'pg';
import { RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { tokenHash } from './secret-token.js';

/** `points` attempts per `seconds`. */
export interface RateLimitRule {
  points: number;
  seconds: number;
}

export const RATE_LIMITED_ACTIONS = ['sign-in', 'sign-up', 'resend-verification', 'forgot-password'] as const;
export type RateLimitedAction = (typeof RATE_LIMITED_ACTIONS)[number];
export type RateLimitScope = 'address' | 'ip';
/** `sign-in-address`, `sign-up-ip`, …: the names `AUTH_RATE_LIMITS` overrides. */
export type RateLimitName = `${RateLimitedAction}-${RateLimitScope}`;
export type AuthRateLimitSettings = Record<RateLimitName, RateLimitRule>;

const MINUTE = 60;
/**
 * Sign-in counts failures only (a merchant who types the right password is never slowed down): 10 per address per
 * 15 minutes stops guessing one account; 100 per IP stops spraying many. The others count every request; they send
 * email, so they are tighter per address.
 */
export const DEFAULT_AUTH_RATE_LIMITS: AuthRateLimitSettings = {
  'sign-in-address': { points: 10, seconds: 15 * MINUTE },
  'sign-in-ip': { points: 100, seconds: 15 * MINUTE },
  'sign-up-address': { points: 5, seconds: 60 * MINUTE },
  'sign-up-ip': { points: 20, seconds: 60 * MINUTE },
  'resend-verification-address': { points: 5, seconds: 60 * MINUTE },
  'resend-verification-ip': { points: 20, seconds: 60 * MINUTE },
  'forgot-password-address': { points: 5, seconds: 60 * MINUTE },
  'forgot-password-ip': { points: 20, seconds: 60 * MINUTE },
};

/** Who is asking: the normalised address and the client's IP as Express resolved it (trust proxy). */
export interface Requester {
  email: string;
  ip: string;
}

/**
 * Counters in PostgreSQL (rate-limiter-flexible's RateLimiterPostgres), so every api replica shares them. The table
 * is created by a migration (`rate_limit`); the library only upserts and reads rows.
 */
export class AuthRateLimits {
  private readonly limiters: Record<RateLimitName, RateLimiterPostgres>;

  constructor(pool: pg.Pool, settings: AuthRateLimitSettings = DEFAULT_AUTH_RATE_LIMITS) {
    const entries = Object.entries(settings).map(([name, rule], i) => [
      name,
      new RateLimiterPostgres({
        storeClient: pool,
        tableName: 'rate_limit',
        tableCreated: true,
        keyPrefix: name,
        points: rule.points,
        duration: rule.seconds,
        // The library deletes the table's long-expired rows (every prefix) on an hourly timer: one limiter is enough.
        clearExpiredByTimeout: i === 0,
      }),
    ]);
    this.limiters = Object.fromEntries(entries) as Record<RateLimitName, RateLimiterPostgres>;
  }

  /** Counts one request of `action` against its address and its IP; throws RateLimitedError when either is spent. */
  async consume(action: Exclude<RateLimitedAction, 'sign-in'>, who: Requester): Promise<void> {
    const results = await Promise.allSettled([
      this.limiters[`${action}-address`].consume(addressKey(who.email)),
      this.limiters[`${action}-ip`].consume(who.ip),
    ]);
    throwIfLimited(results);
  }

  /** Before checking a password: refuses while the address or the IP has used up its failures. */
  async checkSignIn(who: Requester): Promise<void> {
    const [address, ip] = await Promise.all([this.limiters['sign-in-address'].get(addressKey(who.email)), this.limiters['sign-in-ip'].get(who.ip)]);
    const spent = [
      [address, this.limiters['sign-in-address'].points],
      [ip, this.limiters['sign-in-ip'].points],
    ].filter(([res, points]) => res && (res as RateLimiterRes).consumedPoints >= (points as number)) as [RateLimiterRes, number][];
    if (spent.length) throw limited(Math.max(...spent.map(([res]) => res.msBeforeNext)));
  }

  /** A wrong password (or unknown address) counts against both. */
  async signInFailed(who: Requester): Promise<void> {
    await Promise.allSettled([
      this.limiters['sign-in-address'].consume(addressKey(who.email)),
      this.limiters['sign-in-ip'].consume(who.ip),
    ]).then((results) => results.forEach((r) => r.status === 'rejected' && !(r.reason instanceof RateLimiterRes) && rethrow(r.reason)));
  }

  /** The right password clears the address's failures (the IP's stay: it may be guessing other accounts). */
  async signInSucceeded(who: Requester): Promise<void> {
    await this.limiters['sign-in-address'].delete(addressKey(who.email));
  }
}

/** Addresses are hashed: a key must fit the table's varchar(255), and the counters need not hold addresses. */
function addressKey(email: string): string {
  return tokenHash(email);
}

function rethrow(err: unknown): never {
  throw err;
}

function limited(msBeforeNext: number): RateLimitedError {
  const seconds = Math.max(1, Math.ceil(msBeforeNext / 1000));
  return new RateLimitedError(`too many attempts: try again in ${seconds} second${seconds === 1 ? '' : 's'}`, seconds);
}

function throwIfLimited(results: PromiseSettledResult<unknown>[]): void {
  const refusals: RateLimiterRes[] = [];
  for (const r of results) {
    if (r.status === 'fulfilled') continue;
    // The library rejects with a RateLimiterRes when the points are spent, and with an Error when the store fails.
    if (r.reason instanceof RateLimiterRes) refusals.push(r.reason);
    else throw r.reason;
  }
  if (refusals.length) throw limited(Math.max(...refusals.map((r) => r.msBeforeNext)));
}
