import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The intake's inbox (issue 12): every accepted webhook, sync page row or import, stored in one INSERT before the
 * 2xx. The projector turns pending rows into orders, customers and products asynchronously, in order per
 * `orderingKey` (the customer's email, else the order), and parks the ones it can never project with a reason.
 */
export const InboxEventSchema = defineEntity({
  name: 'InboxEvent',
  tableName: 'inbox_event',
  // A redelivery carries the same delivery id: it changes nothing.
  uniques: [{ name: 'inbox_event_delivery_unique', properties: ['storeId', 'platform', 'deliveryId'] }],
  indexes: [
    // The projector's queue: due pending rows, oldest first.
    { name: 'inbox_event_due_index', properties: ['nextAttemptAt', 'seq'], where: `"state" = 'pending'` },
    // "Is an earlier event of this key still pending?": the per-customer order.
    { name: 'inbox_event_key_index', properties: ['storeId', 'orderingKey', 'seq'], where: `"state" = 'pending'` },
    // The projector's claim walks pending events in arrival order: without this it walks every projected one first.
    { name: 'inbox_event_pending_seq_index', properties: ['seq'], where: `"state" = 'pending'` },
    { name: 'inbox_event_parked_index', properties: ['storeId', 'parkedAt'], where: `"state" = 'parked'` },
    // An order's timeline: the events projected into it (the projector records the order id in `result`).
    {
      name: 'inbox_event_order_index',
      expression: `create index "inbox_event_order_index" on "inbox_event" ("store_id", (("result" ->> 'orderId')), "seq") where "state" = 'projected'`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    /** Arrival order; projection follows it within an ordering key. */
    seq: p.bigint('number').autoincrement().unique(),
    storeId: p.uuid(),
    platform: p.string(),
    deliveryId: p.text(),
    topic: p.string().nullable(),
    /** `raw`: the platform's bytes as received (normalized at projection); `normalized`: a NormalizedEvent as JSON. */
    format: p.string(),
    body: p.blob(),
    /** The customer's email, else `order:<id>`, else the delivery id: events with one key project one at a time, in order. */
    orderingKey: p.text(),
    receivedAt: p.datetime(),
    /** pending | projected | parked */
    state: p.string().default('pending'),
    attempts: p.integer().default(0),
    nextAttemptAt: p.datetime(),
    lastError: p.text().nullable(),
    parkedAt: p.datetime().nullable(),
    projectedAt: p.datetime().nullable(),
    /** What projection did (order and customer ids, whether it applied, rules armed); for the dead-letter view and tests. */
    result: p.json<Record<string, unknown>>().nullable(),
  },
});

export type InboxEvent = InferEntity<typeof InboxEventSchema>;
