import { randomUUID } from 'node:crypto';
import { MessageSchema, type EntityManager, type Message } from '@boomerang/persistence';

/** One engagement event as stored: unique per (source, key), so a redelivered event is stored once. */
export interface NewMessageEvent {
  messageId: string;
  /** `postmark`, `pixel` or `redirect`. */
  source: string;
  key: string;
  type: string;
  url: string | null;
  occurredAt: Date;
  payload: object;
  createdAt: Date;
}

/**
 * The SQL of engagement: events, counters on the message and suppressions (the customer's subscription is
 * SubscriptionService's, in libs/customers).
 * Every method that reads or writes a store's rows takes the store id; only `findMessage` does not, because the
 * store is what it finds out (the id comes from Postmark or a signed tracking token, not from a store's request).
 */
export class EmailEventsRepository {
  constructor(private readonly em: EntityManager) {}

  /** The message an outside event is about, by our id or by Postmark's. */
  findMessage(ref: { id: string } | { providerMessageId: string }): Promise<Message | null> {
    return this.em.findOne(MessageSchema, 'id' in ref ? { id: ref.id } : { providerMessageId: ref.providerMessageId });
  }

  /** Stores the event unless one with the same source and key exists; true when it was new. */
  async recordEvent(storeId: string, event: NewMessageEvent): Promise<boolean> {
    const rows = await this.em.execute<{ id: string }[]>(
      `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (source, event_key) do nothing returning id`,
      [
        randomUUID(),
        storeId,
        event.messageId,
        event.source,
        event.key,
        event.type,
        event.url,
        event.occurredAt,
        JSON.stringify(event.payload),
        event.createdAt,
      ],
    );
    return rows.length > 0;
  }

  countOpen(storeId: string, messageId: string, at: Date): Promise<unknown> {
    return this.em.execute(
      `update message set open_count = open_count + 1, first_opened_at = coalesce(first_opened_at, ?) where id = ? and store_id = ?`,
      [at, messageId, storeId],
    );
  }

  countClick(storeId: string, messageId: string, at: Date): Promise<unknown> {
    return this.em.execute(
      `update message set click_count = click_count + 1, first_clicked_at = coalesce(first_clicked_at, ?) where id = ? and store_id = ?`,
      [at, messageId, storeId],
    );
  }

  /** Keeps the first bounce time. */
  markBounced(storeId: string, messageId: string, at: Date): Promise<unknown> {
    return this.em.execute(`update message set bounced_at = coalesce(bounced_at, ?) where id = ? and store_id = ?`, [at, messageId, storeId]);
  }

  /** The store never emails the address again; the first reason stays. */
  suppress(storeId: string, email: string, reason: string, at: Date): Promise<unknown> {
    return this.em.execute(
      `insert into suppression (id, store_id, email, reason, created_at) values (?, ?, ?, ?, ?) on conflict (store_id, email) do nothing`,
      [randomUUID(), storeId, email, reason, at],
    );
  }

  unsuppress(storeId: string, email: string): Promise<unknown> {
    return this.em.execute(`delete from suppression where store_id = ? and email = ?`, [storeId, email]);
  }
}
