import type { EntityManager } from '@boomerang/persistence';

/** One outbox row as the dispatcher reads it. */
export interface DispatchRow {
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

/** Where a row stands after a delivery attempt. */
export interface DispatchState {
  attempts: number;
  lastError: string | null;
  dispatchedAt: Date | null;
  deadAt: Date | null;
}

/** What one sweep tick claims: rows due now, older than the grace period, at most `batch`, held for `claimSecs`. */
export interface ClaimRequest {
  claimSecs: number;
  graceSecs: number;
  batch: number;
}

const COLUMNS = `id, kind, store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, attempts`;

/**
 * A row `d` goes to Temporal only once every earlier row of its customer and rule has (or is parked): a revocation
 * never overtakes its purchase, whichever process or retry delivers them.
 *
 * `offset 0` keeps it a lookup per row on (store, rule, customer, id). Without it PostgreSQL may plan an anti-join whose
 * inner side scans every row the store still owes, once per candidate: with statistics older than a growing backlog
 * (6,000 owed rows) one claim took 7.8 s instead of 36 ms, so delivery fell further behind the more it was behind.
 */
const NOTHING_OWED_BEFORE = `not exists (
  select 1 from retention_dispatch e
  where e.store_id = d.store_id and e.rule_id = d.rule_id and e.customer_id = d.customer_id and e.id < d.id
    and e.dispatched_at is null and e.dead_at is null offset 0)`;

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
 * The SQL of the signal outbox (`retention_dispatch`). Every method that reads or writes a store's rows takes the
 * store id. Only the sweep's two statements (`claimDue`, `releaseClaims`) do not: the sweep runs once per
 * deployment over every store's backlog, and they touch nothing but the claim time (`next_attempt_at`).
 */
export class RetentionDispatchRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * Right after a commit: claims the rows its transaction wrote (as the sweep claims, so the two never deliver one row
   * side by side), unless already delivered, parked, claimed elsewhere, or held back by an earlier row of the same
   * customer and rule still owed (that one goes first; the sweep takes this one after it).
   */
  async claimWritten(storeId: string, ids: number[], claimSecs: number): Promise<DispatchRow[]> {
    if (ids.length === 0) return [];
    // Rows among `ids` do not hold each other back: the caller delivers them in id order, one customer and rule at a time
    // (`offset 0`: see NOTHING_OWED_BEFORE).
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `update retention_dispatch d set next_attempt_at = now() + make_interval(secs => ?)
       where d.id = any(cast(? as bigint[])) and d.store_id = ? and d.dispatched_at is null and d.dead_at is null
         and d.next_attempt_at <= now() and not exists (
           select 1 from retention_dispatch e
           where e.store_id = d.store_id and e.rule_id = d.rule_id and e.customer_id = d.customer_id and e.id < d.id
             and e.dispatched_at is null and e.dead_at is null and not (e.id = any(cast(? as bigint[]))) offset 0)
       returning ${COLUMNS}`,
      [claimSecs, `{${ids.join(',')}}`, storeId, `{${ids.join(',')}}`],
    );
    return rows.map(toRow).sort((a, b) => a.id - b.id);
  }

  /**
   * Claims up to one batch of due rows of any store, the longest due first, in one statement: `FOR UPDATE SKIP
   * LOCKED` so concurrent sweeps never take the same row, and `next_attempt_at` moved past the claim so a killed
   * sweeper's rows come back once it expires. Only the earliest row still owed of each customer and rule is taken,
   * so a customer's signals reach Temporal in the order they were written. Returned in id order.
   */
  async claimDue({ claimSecs, graceSecs, batch }: ClaimRequest): Promise<DispatchRow[]> {
    const claimed = await this.em.execute<Record<string, unknown>[]>(
      `update retention_dispatch set next_attempt_at = now() + make_interval(secs => ?)
       where id in (
         select d.id from retention_dispatch d
         where d.dispatched_at is null and d.dead_at is null and d.next_attempt_at <= now()
           and d.created_at < now() - make_interval(secs => ?) and ${NOTHING_OWED_BEFORE}
         order by d.next_attempt_at limit ? for update skip locked)
       returning ${COLUMNS}`,
      [claimSecs, graceSecs, batch],
    );
    return claimed.map(toRow).sort((a, b) => a.id - b.id);
  }

  /** Gives back claimed rows this tick did not try (Temporal unreachable), due again after `delaySecs`; no attempt counted. */
  async releaseClaims(ids: number[], delaySecs: number): Promise<void> {
    if (ids.length === 0) return;
    await this.em.execute(
      `update retention_dispatch set next_attempt_at = now() + make_interval(secs => ?) where id in (${ids.map(() => '?').join(',')})`,
      [delaySecs, ...ids],
    );
  }

  async markDelivered(storeId: string, id: number): Promise<void> {
    await this.markDeliveredMany(storeId, [id]);
  }

  /** One statement for the rows of a store delivered together. */
  async markDeliveredMany(storeId: string, ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.em.execute(
      `update retention_dispatch set dispatched_at = now(), attempts = attempts + 1 where id = any(cast(? as bigint[])) and store_id = ?`,
      [`{${ids.join(',')}}`, storeId],
    );
  }

  /** Temporal is unreachable: the row waits `delaySecs` with the reason, and the attempt is not counted. */
  async waitForTemporal(storeId: string, id: number, lastError: string, delaySecs: number): Promise<void> {
    await this.em.execute(
      `update retention_dispatch set last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ? and store_id = ?`,
      [lastError, delaySecs, id, storeId],
    );
  }

  /** A failed attempt that may succeed later: counted, and the row is due again after `delaySecs`. */
  async backOff(storeId: string, id: number, attempts: number, lastError: string, delaySecs: number): Promise<void> {
    await this.em.execute(
      `update retention_dispatch set attempts = ?, last_error = ?, next_attempt_at = now() + make_interval(secs => ?) where id = ? and store_id = ?`,
      [attempts, lastError, delaySecs, id, storeId],
    );
  }

  /** Parks the row in the store's dead-letter list; the sweep no longer takes it. */
  async park(storeId: string, id: number, attempts: number, lastError: string): Promise<void> {
    await this.em.execute(`update retention_dispatch set attempts = ?, last_error = ?, dead_at = now() where id = ? and store_id = ?`, [
      attempts,
      lastError,
      id,
      storeId,
    ]);
  }

  /** The store's parked rows, most recent first, and how many there are in all. */
  async deadLetters(storeId: string, limit: number): Promise<{ items: DeadLetter[]; total: number }> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select d.id, d.kind, d.order_id, o.external_id, d.rule_id, d.customer_id, d.email, d.attempts, d.last_error, d.created_at, d.dead_at
       from retention_dispatch d left join store_order o on o.id = d.order_id
       where d.store_id = ? and d.dead_at is not null order by d.dead_at desc, d.id desc limit ?`,
      [storeId, limit],
    );
    const [{ n }] = await this.em.execute<{ n: string }[]>(`select count(*) as n from retention_dispatch where store_id = ? and dead_at is not null`, [storeId]);
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

  /** Takes a parked row of the store out of the dead-letter list with a fresh set of attempts, due now; null if there is none. */
  async revive(storeId: string, id: number): Promise<DispatchRow | null> {
    const [revived] = await this.em.execute<Record<string, unknown>[]>(
      `update retention_dispatch set dead_at = null, attempts = 0, next_attempt_at = now()
       where id = ? and store_id = ? and dead_at is not null returning ${COLUMNS}`,
      [id, storeId],
    );
    return revived ? toRow(revived) : null;
  }

  async state(storeId: string, id: number): Promise<DispatchState | null> {
    const [row] = await this.em.execute<Record<string, unknown>[]>(
      `select attempts, last_error, dispatched_at, dead_at from retention_dispatch where id = ? and store_id = ?`,
      [id, storeId],
    );
    if (!row) return null;
    return {
      attempts: Number(row.attempts),
      lastError: (row.last_error as string | null) ?? null,
      dispatchedAt: row.dispatched_at ? new Date(row.dispatched_at as string) : null,
      deadAt: row.dead_at ? new Date(row.dead_at as string) : null,
    };
  }
}
