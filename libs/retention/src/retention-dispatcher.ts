import { NotFoundError } from '@boomerang/domain';
import { classifyTemporalFailure, temporalFailureMessage, type RetentionLifecycle } from '@boomerang/temporal-client';
import type { MikroORM } from '@boomerang/persistence';

export interface DispatchLogger {
  warn(message: string): void;
}

export interface DispatchPolicy {
  /** Rows younger than this belong to the request that wrote them; the sweep leaves them alone. */
  graceMs: number;
  /** How long a sweep's claim on a row lasts; a replica killed mid-delivery gives its rows back after it. */
  claimMs: number;
  /** Rows claimed per sweep tick. */
  batch: number;
  /** Deliveries in flight at once within a tick. */
  concurrency: number;
  /** Backoff after the first failure, doubling per attempt up to `maxBackoffMs`. */
  backoffMs: number;
  maxBackoffMs: number;
  /** Failures (Temporal answered, not "unreachable") after which a row is parked. */
  maxAttempts: number;
}

export const DEFAULT_DISPATCH_POLICY: DispatchPolicy = {
  graceMs: 5_000,
  claimMs: 60_000,
  batch: 200,
  concurrency: 8,
  backoffMs: 5_000,
  maxBackoffMs: 5 * 60_000,
  maxAttempts: 10,
};

/** One outbox row as the dispatcher reads it. */
interface DispatchRow {
  id: number;
  kind: string;
  storeId: string;
  ruleId: string;
  customerId: string;
  email: string;
  orderId: string;
  purchasedAt: Date;
  windowSeconds: number;
  attempts: number;
}

/** A parked row, as the store's dead-letter list shows it. */
export interface DeadLetter {
  id: number;
  kind: string;
  orderId: string;
  orderExternalId: string | null;
  ruleId: string;
  customerId: string;
  email: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

export type RetryOutcome = { id: number; status: 'delivered' | 'pending' | 'dead'; attempts: number; lastError: string | null };

const COLUMNS = `id, kind, store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, attempts`;

function toRow(r: Record<string, unknown>): DispatchRow {
  return {
    id: Number(r.id),
    kind: r.kind as string,
    storeId: r.store_id as string,
    ruleId: r.rule_id as string,
    customerId: r.customer_id as string,
    email: r.email as string,
    orderId: r.order_id as string,
    purchasedAt: new Date(r.purchased_at as string),
    windowSeconds: Number(r.window_seconds),
    attempts: Number(r.attempts),
  };
}

/**
 * Delivers recorded purchases to Temporal. Called right after the webhook's transaction commits, and by a sweep
 * that retries anything left behind (Temporal down, process killed between commit and signal). Delivery is
 * at-least-once; the workflow ignores a purchase it already has.
 *
 * Nothing accepted is ever stuck: a failed row backs off on its own (`next_attempt_at`, the sweep's order), so a
 * row that keeps failing never holds up later ones; a row Temporal refuses for good, or that failed
 * `maxAttempts` times, is parked (`dead_at`, `last_error`) in the store's dead-letter list until retried.
 * Unreachable Temporal (checked, not assumed from one timeout) blames no row: the tick stops and the rows wait,
 * however long the outage.
 *
 * Safe with several api replicas: each sweep claims its rows in one statement (`FOR UPDATE SKIP LOCKED`, then
 * `next_attempt_at` moved past the claim), so replicas share the backlog without delivering a row twice at once,
 * hold no lock or transaction while calling Temporal, and a killed replica's claim simply expires.
 */
export class RetentionDispatcher {
  /** After an "unreachable", request-path deliveries are skipped for a while (the sweep retries) so webhooks answer at once. */
  private unreachableUntil = 0;

  constructor(
    private readonly orm: MikroORM,
    private readonly lifecycle: RetentionLifecycle,
    private readonly logger: DispatchLogger,
    private readonly policy: DispatchPolicy = DEFAULT_DISPATCH_POLICY,
  ) {}

  /** The request path: delivers the rows its own transaction wrote. */
  async deliver(ids: number[]): Promise<number> {
    if (ids.length === 0 || Date.now() < this.unreachableUntil) return 0;
    const rows = await this.orm.em.fork().execute<Record<string, unknown>[]>(
      `select ${COLUMNS} from retention_dispatch where id in (${ids.map(() => '?').join(',')}) and dispatched_at is null and dead_at is null`,
      ids,
    );
    let delivered = 0;
    for (const row of rows.map(toRow)) {
      const outcome = await this.attempt(row);
      if (outcome === 'delivered') delivered++;
      if (outcome === 'unavailable') break;
    }
    return delivered;
  }

  /** Claims up to one batch of due rows (the longest due first) and delivers them. */
  async sweep(): Promise<{ claimed: number; delivered: number }> {
    const { graceMs, claimMs, batch, concurrency } = this.policy;
    const claimed = await this.orm.em.fork().execute<Record<string, unknown>[]>(
      `update retention_dispatch set next_attempt_at = now() + make_interval(secs => ?)
       where id in (
         select id from retention_dispatch
         where dispatched_at is null and dead_at is null and next_attempt_at <= now()
           and created_at < now() - make_interval(secs => ?)
         order by next_attempt_at limit ? for update skip locked)
       returning ${COLUMNS}`,
      [claimMs / 1000, graceMs / 1000, batch],
    );
    const queue = claimed.map(toRow).sort((a, b) => a.id - b.id);
    const count = queue.length;
    let delivered = 0;
    let unreachable = false;
    const run = async () => {
      while (!unreachable) {
        const row = queue.shift();
        if (!row) return;
        const outcome = await this.attempt(row);
        if (outcome === 'delivered') delivered++;
        if (outcome === 'unavailable') unreachable = true;
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, run));
    if (queue.length) {
      // Temporal is unreachable: give back what this tick did not try, without counting it as an attempt.
      await this.orm.em.fork().execute(
        `update retention_dispatch set next_attempt_at = now() + make_interval(secs => ?) where id in (${queue.map(() => '?').join(',')})`,
        [this.policy.backoffMs / 1000, ...queue.map((r) => r.id)],
      );
    }
    return { claimed: unreachable ? 0 : count, delivered };
  }

  /** The store's parked rows, most recent first. */
  async deadLetters(storeId: string, limit = 100): Promise<{ items: DeadLetter[]; total: number }> {
    const em = this.orm.em.fork();
    const rows = await em.execute<Record<string, unknown>[]>(
      `select d.id, d.kind, d.order_id, o.external_id, d.rule_id, d.customer_id, d.email, d.attempts, d.last_error, d.created_at, d.dead_at
       from retention_dispatch d left join store_order o on o.id = d.order_id
       where d.store_id = ? and d.dead_at is not null order by d.dead_at desc, d.id desc limit ?`,
      [storeId, limit],
    );
    const [{ n }] = await em.execute<{ n: string }[]>(`select count(*) as n from retention_dispatch where store_id = ? and dead_at is not null`, [storeId]);
    return {
      total: Number(n),
      items: rows.map((r) => ({
        id: Number(r.id),
        kind: r.kind as string,
        orderId: r.order_id as string,
        orderExternalId: (r.external_id as string | null) ?? null,
        ruleId: r.rule_id as string,
        customerId: r.customer_id as string,
        email: r.email as string,
        attempts: Number(r.attempts),
        lastError: (r.last_error as string | null) ?? null,
        createdAt: new Date(r.created_at as string),
        deadAt: new Date(r.dead_at as string),
      })),
    };
  }

  /** Takes a parked row out of the dead-letter list with a fresh set of attempts, and tries it at once. */
  async retryDeadLetter(storeId: string, id: number): Promise<RetryOutcome> {
    const em = this.orm.em.fork();
    const [revived] = await em.execute<Record<string, unknown>[]>(
      `update retention_dispatch set dead_at = null, attempts = 0, next_attempt_at = now()
       where id = ? and store_id = ? and dead_at is not null returning ${COLUMNS}`,
      [id, storeId],
    );
    if (!revived) throw new NotFoundError('dead letter', String(id));
    await this.attempt(toRow(revived));
    const [row] = await em.execute<Record<string, unknown>[]>(
      `select attempts, last_error, dispatched_at, dead_at from retention_dispatch where id = ?`,
      [id],
    );
    const status = row!.dispatched_at ? 'delivered' : row!.dead_at ? 'dead' : 'pending';
    return { id, status, attempts: Number(row!.attempts), lastError: (row!.last_error as string | null) ?? null };
  }

  private async attempt(row: DispatchRow): Promise<'delivered' | 'unavailable' | 'failed'> {
    const em = this.orm.em.fork();
    try {
      const target = {
        storeId: row.storeId,
        ruleId: row.ruleId,
        customerId: row.customerId,
        email: row.email,
        windowSeconds: row.windowSeconds,
        orderId: row.orderId,
      };
      if (row.kind === 'revoke') await this.lifecycle.revokePurchase(target);
      else await this.lifecycle.recordPurchase({ ...target, purchasedAt: row.purchasedAt });
      await em.execute(`update retention_dispatch set dispatched_at = now(), attempts = attempts + 1 where id = ?`, [row.id]);
      return 'delivered';
    } catch (err) {
      let failure = classifyTemporalFailure(err);
      const message = temporalFailureMessage(err).slice(0, 2_000);
      const attempts = row.attempts + 1;
      // A timeout is an outage only if the server is down; one row that always times out must not stall the rest.
      if (failure === 'unavailable' && (await this.lifecycle.reachable())) failure = 'failed';
      if (failure === 'unavailable') {
        this.unreachableUntil = Date.now() + this.policy.backoffMs;
        this.logger.warn(`retention dispatch ${row.id} waits for Temporal: ${message}`);
        await em.execute(
          `update retention_dispatch set last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?`,
          [message, this.policy.backoffMs / 1000, row.id],
        );
        return 'unavailable';
      }
      if (failure === 'permanent' || attempts >= this.policy.maxAttempts) {
        this.logger.warn(`retention dispatch ${row.id} parked in the dead-letter list after ${attempts} attempt(s): ${message}`);
        await em.execute(`update retention_dispatch set attempts = ?, last_error = ?, dead_at = now() where id = ?`, [attempts, message, row.id]);
        return 'failed';
      }
      this.logger.warn(`retention dispatch ${row.id} not delivered yet (attempt ${attempts}): ${message}`);
      await em.execute(
        `update retention_dispatch set attempts = ?, last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ?`,
        [attempts, message, this.backoffMs(attempts) / 1000, row.id],
      );
      return 'failed';
    }
  }

  /** Doubling per attempt, capped, with ±20 % jitter so rows that failed together do not retry together. */
  private backoffMs(attempts: number): number {
    const base = Math.min(this.policy.maxBackoffMs, this.policy.backoffMs * 2 ** Math.min(attempts - 1, 30));
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }
}
