import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** What the customers list searches (email and name, lower-cased): trigram-indexed, so `like '%term%'` uses an index. */
export const CUSTOMER_SEARCH_TEXT = `lower("email" || ' ' || coalesce("first_name", '') || ' ' || coalesce("last_name", ''))`;
/** The last-order sort key: a customer without a counted order sorts as the oldest. */
export const CUSTOMER_LAST_ORDER_KEY = `coalesce("last_order_at", '-infinity'::timestamptz)`;

/**
 * One row per (store, normalized email): guest and registered orders with one address are one customer.
 * `orderCount`, `totalSpentMinor`, `firstOrderAt`, `lastOrderAt` (and `cancelledOrderCount`) summarise the customer's orders that count as
 * purchases (every status but cancelled and refunded); PostgreSQL triggers on `store_order` keep them in the writing
 * transaction (migration CustomerOverview), so the customers list sorts 200,000 customers by an index. Never written by
 * the application.
 */
export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  uniques: [{ properties: ['storeId', 'email'] }],
  indexes: [
    { name: 'customer_store_last_order_index', expression: `create index "customer_store_last_order_index" on "customer" ("store_id", (${CUSTOMER_LAST_ORDER_KEY}), "id")` },
    { name: 'customer_store_total_spent_index', properties: ['storeId', 'totalSpentMinor', 'id'] },
    { name: 'customer_store_order_count_index', properties: ['storeId', 'orderCount', 'id'] },
    // The store dashboard's new customers: first orders in a 30-day window.
    { name: 'customer_store_first_order_index', properties: ['storeId', 'firstOrderAt'] },
    { name: 'customer_search_index', expression: `create index "customer_search_index" on "customer" using gin ((${CUSTOMER_SEARCH_TEXT}) gin_trgm_ops)` },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid().index(),
    email: p.string(),
    firstName: p.string().nullable(),
    lastName: p.string().nullable(),
    phone: p.string().nullable(),
    company: p.string().nullable(),
    /** Customer group or tags as the platform names them. */
    customerGroup: p.string().nullable(),
    /** The platform's customer id; null for guests. */
    externalId: p.string().nullable(),
    /** The merchant's private note. */
    note: p.text().nullable(),
    /** The platform's update time of the customer data last applied (an older update never overwrites it). */
    sourceUpdatedAt: p.datetime().nullable(),
    registered: p.boolean().default(false),
    optedIn: p.boolean().default(false),
    unsubscribedAt: p.datetime().nullable(),
    /** Orders that count as purchases (not cancelled or refunded); kept by triggers. */
    orderCount: p.integer().default(0),
    /** Their totals, in minor units (orders are taken to be in the store's currency). */
    totalSpentMinor: p.bigint('number').default(0),
    firstOrderAt: p.datetime().nullable(),
    lastOrderAt: p.datetime().nullable(),
    /** Cancelled orders (a segment criterion); kept by the same triggers. */
    cancelledOrderCount: p.integer().default(0),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Customer = InferEntity<typeof CustomerSchema>;
