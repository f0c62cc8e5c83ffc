import { randomUUID } from 'node:crypto';
import type { EntityManager, SubscriptionSource } from '@boomerang/persistence';

export interface SubscriptionState {
  unsubscribedAt: Date | null;
  optedIn: boolean;
}

export interface NewSubscriptionEvent {
  customerId: string;
  subscribed: boolean;
  source: SubscriptionSource;
  actorUserId: string | null;
  reason: string | null;
  at: Date;
}

/** The SQL of a customer's subscription: the state on `customer` and its history. Every method takes the store id. */
export class SubscriptionRepository {
  constructor(private readonly em: EntityManager) {}

  /** The customer's state, locked until the transaction ends (two changes at once are applied one after the other). */
  async lock(storeId: string, customerId: string): Promise<SubscriptionState | null> {
    const [row] = await this.em.execute<{ unsubscribed_at: Date | string | null; opted_in: boolean }[]>(
      `select unsubscribed_at, opted_in from customer where id = ? and store_id = ? for update`,
      [customerId, storeId],
    );
    if (!row) return null;
    return { unsubscribedAt: row.unsubscribed_at === null ? null : new Date(row.unsubscribed_at), optedIn: row.opted_in };
  }

  /** Unsubscribes (an earlier unsubscribe time stays); `optedIn` is changed only when given. */
  unsubscribe(storeId: string, customerId: string, at: Date, now: Date, optedIn?: boolean): Promise<unknown> {
    return this.em.execute(
      `update customer set unsubscribed_at = coalesce(unsubscribed_at, ?), opted_in = coalesce(?, opted_in), updated_at = ? where id = ? and store_id = ?`,
      [at, optedIn ?? null, now, customerId, storeId],
    );
  }

  /** Lifts an unsubscribe; `optedIn` is changed only when given. */
  resubscribe(storeId: string, customerId: string, now: Date, optedIn?: boolean): Promise<unknown> {
    return this.em.execute(`update customer set unsubscribed_at = null, opted_in = coalesce(?, opted_in), updated_at = ? where id = ? and store_id = ?`, [
      optedIn ?? null,
      now,
      customerId,
      storeId,
    ]);
  }

  record(storeId: string, event: NewSubscriptionEvent): Promise<unknown> {
    return this.em.execute(
      `insert into customer_subscription_event (id, store_id, customer_id, subscribed, source, actor_user_id, reason, created_at) values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [randomUUID(), storeId, event.customerId, event.subscribed, event.source, event.actorUserId, event.reason, event.at],
    );
  }
}
