import type { EntityManager } from '@boomerang/persistence';

/** The placeholder left where an address stood in rows that must stay (messages keep the store's statistics). */
export const ERASED = 'erased';

/** Rows changed per table by one erasure: what the erasure record keeps (counts only). */
export type ErasureSummary = Record<string, number>;

/**
 * The SQL of erasure: every table that holds a customer's personal data (libs/persistence/src/entities). Rows that
 * carry statistics stay, stripped of the person: messages (the `message_stat` roll-up counts them, and its update
 * trigger nets a row's old and new versions to zero), orders (revenue, conversions) and conversions. The rest is
 * deleted. Every method takes the store id; the caller runs them in one transaction.
 */
export class ErasureRepository {
  constructor(private readonly em: EntityManager) {}

  async ruleIds(storeId: string): Promise<string[]> {
    const rows = await this.em.execute<{ id: string }[]>(`select id from retention_rule where store_id = ?`, [storeId]);
    return rows.map((r) => r.id);
  }

  async customerIds(storeId: string, afterId: string | null, limit: number): Promise<{ id: string; email: string }[]> {
    return this.em.execute<{ id: string; email: string }[]>(
      `select id, email from customer where store_id = ? and (?::uuid is null or id > ?::uuid) order by id limit ?`,
      [storeId, afterId, afterId, limit],
    );
  }

  async find(storeId: string, customerId: string): Promise<{ id: string; email: string } | null> {
    const [row] = await this.em.execute<{ id: string; email: string }[]>(`select id, email from customer where store_id = ? and id = ?`, [storeId, customerId]);
    return row ?? null;
  }

  async findByEmail(storeId: string, email: string): Promise<{ id: string; email: string } | null> {
    const [row] = await this.em.execute<{ id: string; email: string }[]>(`select id, email from customer where store_id = ? and email = ?`, [storeId, email]);
    return row ?? null;
  }

  /**
   * Removes the person from every table. `customerId` null: no customer row had the address (a platform's request
   * for someone we never projected); what may still hold the address (inbox bodies, suppression, emails) goes.
   */
  async erase(storeId: string, customerId: string | null, email: string): Promise<ErasureSummary> {
    const summary: ErasureSummary = {};
    const run = async (table: string, sql: string, params: unknown[]) => {
      const res = await this.em.execute(sql, params, 'run');
      summary[table] = (summary[table] ?? 0) + Number((res as { affectedRows?: number }).affectedRows ?? 0);
    };
    const messagesOf = `select id from message where store_id = ? and customer_id = ?`;
    if (customerId) {
      // The bodies we keep: the outbox's rendered copies of the customer's messages.
      await run('outbox_email', `delete from outbox_email where store_id = ? and message_id in (${messagesOf})`, [storeId, storeId, customerId]);
      // Opens, clicks, bounces: the provider's payload names the recipient; the event stays (it deduplicates redeliveries).
      await run('message_event', `update message_event set payload = '{}'::jsonb, url = null where store_id = ? and message_id in (${messagesOf})`, [storeId, storeId, customerId]);
      await run(
        'message',
        `update message set to_email = ?, subject = null, links = '[]'::jsonb,
                reason = case when reason is not null and position(lower(?) in lower(reason)) > 0 then ? else reason end
         where store_id = ? and customer_id = ?`,
        [ERASED, email, ERASED, storeId, customerId],
      );
      await run('store_order', `update store_order set billing_address = null, shipping_address = null, tracking_numbers = null where store_id = ? and customer_id = ?`, [storeId, customerId]);
      // Tracking numbers the merchant added to their orders, as the platform's own above.
      await run('order_tracking', `delete from order_tracking where store_id = ? and order_id in (select id from store_order where store_id = ? and customer_id = ?)`, [storeId, storeId, customerId]);
      await run('retention_dispatch', `delete from retention_dispatch where store_id = ? and customer_id = ?`, [storeId, customerId]);
      // Messages the merchant wrote to the person (and the outbox's copies): their words about the person, gone.
      const directOf = `select id from direct_message where store_id = ? and customer_id = ?`;
      await run('outbox_email', `delete from outbox_email where store_id = ? and message_id in (${directOf})`, [storeId, storeId, customerId]);
      await run('direct_message', `delete from direct_message where store_id = ? and customer_id = ?`, [storeId, customerId]);
      // Outgoing webhook events about the customer or their orders carry their data: gone, owed or delivered.
      const aboutThem = `select id from webhook_delivery where store_id = ? and (subject_id = ? or subject_id in (select id from store_order where store_id = ? and customer_id = ?))`;
      await run('webhook_attempt', `delete from webhook_attempt where store_id = ? and delivery_id in (${aboutThem})`, [storeId, storeId, customerId, storeId, customerId]);
      await run('webhook_delivery', `delete from webhook_delivery where store_id = ? and id in (${aboutThem})`, [storeId, storeId, customerId, storeId, customerId]);
      await run('retention_enrollment', `delete from retention_enrollment where store_id = ? and customer_id = ?`, [storeId, customerId]);
      await run('profile_link', `delete from profile_link where store_id = ? and customer_id = ?`, [storeId, customerId]);
      // Segments: current memberships, due checks and the history of entering and leaving.
      await run('segment_membership', `delete from segment_membership where store_id = ? and customer_id = ?`, [storeId, customerId]);
      await run('segment_check', `delete from segment_check where store_id = ? and customer_id = ?`, [storeId, customerId]);
      await run('segment_membership_event', `delete from segment_membership_event where store_id = ? and customer_id = ?`, [storeId, customerId]);
      // The subscription history: who changed it and why (a reason may quote the person).
      await run('customer_subscription_event', `delete from customer_subscription_event where store_id = ? and customer_id = ?`, [storeId, customerId]);
      await run('privacy_request', `update privacy_request set export = null where store_id = ? and customer_id = ? and export is not null`, [storeId, customerId]);
      await run('rate_limit', `delete from rate_limit where key = ?`, [`profile-link:${customerId}`]);
    }
    // Anything else the store sent to the address (a message row lost, a test send) and the profile-link emails.
    await run('outbox_email', `delete from outbox_email where store_id = ? and lower(to_address) = ?`, [storeId, email]);
    await run(
      'outbox_email',
      `delete from outbox_email where store_id is null and lower(to_address) = ? and headers->>'X-Boomerang-Tag' = 'privacy-profile-link'`,
      [email],
    );
    await run('suppression', `delete from suppression where store_id = ? and email = ?`, [storeId, email]);
    // The inbox keeps webhooks as received: a customer's events are keyed by their address (and name the customer
    // in their result). Their bodies become `{}` and the key loses the address.
    await run(
      'inbox_event',
      `update inbox_event set body = convert_to('{}', 'UTF8'), ordering_key = 'erased:' || id::text, last_error = null
       where store_id = ? and (ordering_key = ? or (?::text is not null and result->>'customerId' = ?::text))`,
      [storeId, `email:${email}`, customerId, customerId],
    );
    if (customerId) await run('customer', `delete from customer where store_id = ? and id = ?`, [storeId, customerId]);
    return summary;
  }
}
