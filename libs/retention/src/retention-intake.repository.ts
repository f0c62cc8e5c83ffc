import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@boomerang/persistence';
import { MATCHING_ORDER_SQL, skuParams } from './matching-purchases.js';

/** Where a rule's enrollment of a customer points: the purchase that armed it and when the message falls due. */
export interface EnrollmentArm {
  ruleId: string;
  customerId: string;
  lastPurchaseAt: Date;
  lastOrderId: string;
  nextSendAt: Date;
  updatedAt: Date;
}

/** A signal still owed to Temporal, written in the order's transaction. */
export interface NewDispatch {
  kind: 'purchase' | 'revoke';
  ruleId: string;
  customerId: string;
  email: string;
  orderId: string;
  purchasedAt: Date;
  windowSeconds: number;
  createdAt: Date;
}

export interface Touch {
  messageId: string;
  ruleId: string;
}

/** The key of a (customer, time) pair in `lastTouches`' answer. */
export function touchKey(customerId: string, at: Date): string {
  return `${customerId}|${at.getTime()}`;
}

export interface NewConversion {
  ruleId: string;
  messageId: string;
  customerId: string;
  orderId: string;
  revenueCents: number;
  currency: string;
  occurredAt: Date;
}

/**
 * The SQL of recording an order for retention, run inside the order's own transaction (the `em` given): enrollment
 * rows, the dispatch outbox's new rows, and conversions. Every method takes the store id.
 */
export class RetentionIntakeRepository {
  constructor(private readonly em: EntityManager) {}

  /** Arms the enrollment with this purchase, unless it already holds a later one. */
  async arm(storeId: string, arm: EnrollmentArm): Promise<void> {
    await this.armMany(storeId, [arm]);
  }

  /** One statement for several (rule, customer) pairs, each at most once; a pair keeps its latest purchase. */
  async armMany(storeId: string, arms: readonly EnrollmentArm[]): Promise<void> {
    if (!arms.length) return;
    await this.em.execute(
      `insert into retention_enrollment (id, store_id, rule_id, customer_id, state, last_purchase_at, last_order_id, next_send_at, updated_at)
         select gen_random_uuid(), ?, a.rule_id, a.customer_id, 'armed', a.last_purchase_at, a.last_order_id, a.next_send_at, a.updated_at
         from jsonb_to_recordset(cast(? as jsonb)) as a(rule_id uuid, customer_id uuid, last_purchase_at timestamptz, last_order_id uuid,
              next_send_at timestamptz, updated_at timestamptz)
         order by a.rule_id, a.customer_id
         on conflict (rule_id, customer_id) do update set
           state = 'armed', last_purchase_at = excluded.last_purchase_at, last_order_id = excluded.last_order_id,
           next_send_at = excluded.next_send_at, updated_at = excluded.updated_at
         where retention_enrollment.last_purchase_at is null or retention_enrollment.last_purchase_at < excluded.last_purchase_at`,
      [
        storeId,
        JSON.stringify(
          arms.map((a) => ({
            rule_id: a.ruleId,
            customer_id: a.customerId,
            last_purchase_at: a.lastPurchaseAt.toISOString(),
            last_order_id: a.lastOrderId,
            next_send_at: a.nextSendAt.toISOString(),
            updated_at: a.updatedAt.toISOString(),
          })),
        ),
      ],
    );
  }

  /** Points the enrollment back at an earlier purchase (the armed one was taken back). */
  async rearm(storeId: string, arm: EnrollmentArm): Promise<void> {
    void storeId; // The (rule, customer) pair is the store's: the rule is.
    await this.em.execute(
      `update retention_enrollment set state = 'armed', last_purchase_at = ?, last_order_id = ?, next_send_at = ?, updated_at = ?
           where rule_id = ? and customer_id = ?`,
      [arm.lastPurchaseAt, arm.lastOrderId, arm.nextSendAt, arm.updatedAt, arm.ruleId, arm.customerId],
    );
  }

  /** Leaves the enrollment waiting for a purchase, if it is still armed by the order taken back. */
  async disarm(storeId: string, ruleId: string, customerId: string, orderId: string, at: Date): Promise<void> {
    void storeId; // As for `rearm`.
    await this.em.execute(
      `update retention_enrollment set state = 'waiting', next_send_at = null, updated_at = ? where rule_id = ? and customer_id = ? and last_order_id = ?`,
      [at, ruleId, customerId, orderId],
    );
  }

  /** The rules an order armed (its purchase signals). */
  async rulesArmedBy(storeId: string, orderId: string): Promise<string[]> {
    const rows = await this.em.execute<{ rule_id: string }[]>(
      `select distinct rule_id from retention_dispatch where order_id = ? and store_id = ? and kind = 'purchase'`,
      [orderId, storeId],
    );
    return rows.map((r) => r.rule_id);
  }

  /** The customer's latest completed or shipped order matching the SKUs (any order for an empty list). */
  async latestMatchingPurchase(storeId: string, customerId: string, skus: string[]): Promise<{ id: string; placedAt: Date } | null> {
    void storeId; // Orders are found by customer, and a customer belongs to one store.
    const [previous] = await this.em.execute<{ id: string; placed_at: Date }[]>(
      `select o.id, o.placed_at from store_order o where o.customer_id = ? and ${MATCHING_ORDER_SQL}
         order by o.placed_at desc limit 1`,
      [customerId, ...skuParams(skus)],
    );
    return previous ? { id: previous.id, placedAt: new Date(previous.placed_at) } : null;
  }

  /** Whether the rule has a message for the customer created after `since` (that purchase's message is spent). */
  async hasMessageSince(storeId: string, ruleId: string, customerId: string, since: Date): Promise<boolean> {
    void storeId; // As for `rearm`.
    const [spent] = await this.em.execute(`select 1 from message where rule_id = ? and customer_id = ? and created_at > ? limit 1`, [
      ruleId,
      customerId,
      since,
    ]);
    return Boolean(spent);
  }

  /**
   * Records the signals owed to Temporal with one INSERT, in the given order, and returns their ids. Plain SQL rather
   * than the unit of work: a flush would compute change sets over every entity the projector's round has loaded.
   */
  async insertDispatches(storeId: string, dispatches: readonly NewDispatch[]): Promise<number[]> {
    if (!dispatches.length) return [];
    const rows = await this.em.execute<{ id: string | number }[]>(
      `insert into retention_dispatch (kind, store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at)
       select d.kind, ?, d.rule_id, d.customer_id, d.email, d.order_id, d.purchased_at, d.window_seconds, d.created_at
       from rows from (jsonb_to_recordset(cast(? as jsonb)) as (kind text, rule_id uuid, customer_id uuid, email text, order_id uuid,
            purchased_at timestamptz, window_seconds int, created_at timestamptz))
            with ordinality as d(kind, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, ord)
       order by d.ord
       returning id`,
      [
        storeId,
        JSON.stringify(
          dispatches.map((d) => ({
            kind: d.kind,
            rule_id: d.ruleId,
            customer_id: d.customerId,
            email: d.email,
            order_id: d.orderId,
            purchased_at: d.purchasedAt.toISOString(),
            window_seconds: d.windowSeconds,
            created_at: d.createdAt.toISOString(),
          })),
        ),
      ],
    );
    return rows.map((r) => Number(r.id)).sort((a, b) => a - b);
  }

  /** The last marketing message sent to the customer whose rule's attribution window covers `at`. */
  async lastTouch(storeId: string, customerId: string, at: Date): Promise<Touch | null> {
    return (await this.lastTouches(storeId, [{ customerId, at }])).get(touchKey(customerId, at)) ?? null;
  }

  /** `lastTouch` for several (customer, time) pairs with one statement; keyed by `touchKey`, null where none. */
  async lastTouches(storeId: string, pairs: readonly { customerId: string; at: Date }[]): Promise<Map<string, Touch | null>> {
    void storeId; // Messages are found by customer, and a customer belongs to one store.
    if (!pairs.length) return new Map();
    const rows = await this.em.execute<{ customer_id: string; at: Date | string; id: string | null; rule_id: string | null }[]>(
      `select p.customer_id, p.at, t.id, t.rule_id
       from jsonb_to_recordset(cast(? as jsonb)) as p(customer_id uuid, at timestamptz)
       left join lateral (
         select m.id, m.rule_id from message m join retention_rule r on r.id = m.rule_id
         where m.customer_id = p.customer_id and m.status = 'sent' and m.kind = 'marketing' and m.sent_at <= p.at
           and m.sent_at + make_interval(secs => r.attribution_window_seconds) >= p.at
         order by m.sent_at desc limit 1) t on true`,
      [JSON.stringify(pairs.map((p) => ({ customer_id: p.customerId, at: p.at.toISOString() })))],
    );
    return new Map(rows.map((r) => [touchKey(r.customer_id, new Date(r.at)), r.id ? { messageId: r.id, ruleId: r.rule_id! } : null]));
  }

  /** Records the order's conversion, or updates its amount when the order was already attributed. */
  async recordConversion(storeId: string, c: NewConversion): Promise<void> {
    await this.em.execute(
      `insert into conversion (id, store_id, rule_id, message_id, customer_id, order_id, revenue_cents, currency, occurred_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (order_id) do update set revenue_cents = excluded.revenue_cents, currency = excluded.currency`,
      [randomUUID(), storeId, c.ruleId, c.messageId, c.customerId, c.orderId, c.revenueCents, c.currency, c.occurredAt],
    );
  }

  async deleteConversion(storeId: string, orderId: string): Promise<void> {
    await this.em.execute(`delete from conversion where order_id = ? and store_id = ?`, [orderId, storeId]);
  }
}
