import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One line of an order as the platform sent it (issue 12, point 4); replaced whole when a newer update arrives. */
export const OrderLineSchema = defineEntity({
  name: 'OrderLine',
  tableName: 'order_line',
  uniques: [{ properties: ['orderId', 'position'] }],
  /** Segments compare SKUs without case: a segment on one SKU reads that SKU's lines by this index. */
  indexes: [{ name: 'order_line_store_sku_index', expression: 'create index "order_line_store_sku_index" on "order_line" ("store_id", (lower("sku")))' }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    orderId: p.uuid(),
    position: p.integer(),
    externalId: p.string().nullable(),
    sku: p.string().nullable(),
    productId: p.string().nullable(),
    variantId: p.string().nullable(),
    name: p.text(),
    quantity: p.integer(),
    priceMinor: p.bigint('number'),
    productUrl: p.text().nullable(),
    imageUrl: p.text().nullable(),
    category: p.text().nullable(),
    tags: p.json<string[]>(),
    manufacturer: p.text().nullable(),
  },
});

export type OrderLine = InferEntity<typeof OrderLineSchema>;
