import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * One row per SKU a store has sold, kept by order ingestion: the product picker searches this, since aggregating
 * the order lines of a store with a million orders takes seconds.
 */
export const StoreProductSchema = defineEntity({
  name: 'StoreProduct',
  tableName: 'store_product',
  uniques: [{ properties: ['storeId', 'sku'] }],
  // The picker's default list: most-ordered first.
  indexes: [{ properties: ['storeId', 'orders'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    sku: p.string(),
    /** The name on the most recent order line that had one. */
    name: p.text().nullable(),
    /** Orders whose lines hold the SKU (any status). */
    orders: p.integer().default(0),
    lastOrderedAt: p.datetime(),
  },
});

export type StoreProduct = InferEntity<typeof StoreProductSchema>;
