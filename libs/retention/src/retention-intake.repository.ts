import { randomUUID } from 'node:crypto';
import { RetentionDispatchSchema, type EntityManager, type RetentionDispatch } from '@boomerang/persistence';
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
    await this.em.execute(
      `insert into retention_enrollment (id, store_id, rule_id, customer_id, state, last_purchase_at, last_order_id, next_send_at, updated_at)
         values (gen_random_uuid(), ?, ?, ?, 'armed', ?, ?, ?, ?)
         on conflict (rule_id, customer_id) do update set
           state = 'armed', last_purchase_at = excluded.last_purchase_at, last_order_id = excluded.last_order_id,
           next_send_at = excluded.next_send_at, updated_at = excluded.updated_at
         where retention_enrollment.last_purchase_at is null or retention_enrollment.last_purchase_at < excluded.last_purchase_at`,
      [storeId, arm.ruleId, arm.customerId, arm.lastPurchaseAt, arm.lastOrderId, arm.nextSendAt, arm.updatedAt],
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

  /** Queues a dispatch row in the unit of work; its id is known after `flush`. */
  addDispatch(storeId: string, dispatch: NewDispatch): RetentionDispatch {
    return this.em.create(RetentionDispatchSchema, { ...dispatch, storeId });
  }

  flush(): Promise<void> {
    return this.em.flush();
  }

  /** The last marketing message sent to the customer whose rule's attribution window covers `at`. */
  async lastTouch(storeId: string, customerId: string, at: Date): Promise<{ messageId: string; ruleId: string } | null> {
    void storeId; // Messages are found by customer, and a customer belongs to one store.
    const [touch] = await this.em.execute<{ id: string; rule_id: string }[]>(
      `select m.id, m.rule_id from message m join retention_rule r on r.id = m.rule_id
       where m.customer_id = ? and m.status = 'sent' and m.kind = 'marketing' and m.sent_at <= ?
         and m.sent_at + make_interval(secs => r.attribution_window_seconds) >= ?
       order by m.sent_at desc limit 1`,
      [customerId, at, at],
    );
    return touch ? { messageId: touch.id, ruleId: touch.rule_id } : null;
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
