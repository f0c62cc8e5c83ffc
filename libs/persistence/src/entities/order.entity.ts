import type { NormalizedAddress, TrackingNumber } from '@boomerang/domain';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Addresses and tracking numbers are stored as the normalized model has them (JSON). */
/** What the orders list's search matches by prefix: the order number without its `#`, and the platform id (both lower-cased). */
export const ORDER_NUMBER_KEY = `ltrim(lower("number"), '#')`;
export const ORDER_EXTERNAL_ID_KEY = `lower("external_id")`;

export type OrderAddressRecord = NormalizedAddress;
export type TrackingNumberRecord = TrackingNumber;

/** The SKU'd lines retention matches on; every line, SKU or not, is a row of `order_line`. */
export interface OrderLineRecord {
  sku: string;
  name: string | null;
  quantity: number;
  priceCents: number;
}

export const OrderSchema = defineEntity({
  name: 'Order',
  tableName: 'store_order',
  uniques: [{ properties: ['storeId', 'externalId'] }],
  indexes: [
    { properties: ['customerId', 'placedAt'] },
    // The orders list, newest first, and its keyset cursor.
    { name: 'store_order_store_placed_index', properties: ['storeId', 'placedAt', 'id'] },
    {
      name: 'store_order_number_prefix_index',
      expression: `create index "store_order_number_prefix_index" on "store_order" ("store_id", (${ORDER_NUMBER_KEY}) text_pattern_ops)`,
    },
    {
      name: 'store_order_external_id_prefix_index',
      expression: `create index "store_order_external_id_prefix_index" on "store_order" ("store_id", (${ORDER_EXTERNAL_ID_KEY}) text_pattern_ops)`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    customerId: p.uuid(),
    externalId: p.string(),
    status: p.string(),
    currency: p.string().length(3),
    totalCents: p.bigint('number'),
    subtotalMinor: p.bigint('number').default(0),
    discountMinor: p.bigint('number').default(0),
    shippingMinor: p.bigint('number').default(0),
    taxMinor: p.bigint('number').default(0),
    /** The number the merchant sees (Shopify `#1001`). */
    number: p.string().nullable(),
    adminUrl: p.text().nullable(),
    /** Where the order was placed as the platform names it (Shopify `source_name`, Woo `created_via`, `amazon`…); null when unknown. */
    channel: p.string().nullable(),
    billingAddress: p.json<OrderAddressRecord>().nullable(),
    shippingAddress: p.json<OrderAddressRecord>().nullable(),
    trackingNumbers: p.json<TrackingNumberRecord[]>().nullable(),
    lines: p.json<OrderLineRecord[]>(),
    placedAt: p.datetime(),
    sourceUpdatedAt: p.datetime(),
    receivedAt: p.datetime(),
  },
});

export type Order = InferEntity<typeof OrderSchema>;
