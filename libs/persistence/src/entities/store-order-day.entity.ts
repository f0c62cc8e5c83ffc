import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The store dashboard's orders and revenue per calendar day in the store's time zone, kept by PostgreSQL triggers on
 * `store_order` in the writing transaction (migration StoreDashboard); never written by the application. Counts only
 * orders that are not cancelled or refunded; revenue adds totals whatever their currency.
 */
export const StoreOrderDaySchema = defineEntity({
  name: 'StoreOrderDay',
  tableName: 'store_order_day',
  properties: {
    storeId: p.uuid().primary(),
    day: p.date().primary(),
    orders: p.integer(),
    revenueMinor: p.bigint('number'),
  },
});

export type StoreOrderDay = InferEntity<typeof StoreOrderDaySchema>;

/** Quantity and revenue (quantity × line price) per SKU'd line per day, kept by the same triggers: the top sellers. */
export const StoreProductDaySchema = defineEntity({
  name: 'StoreProductDay',
  tableName: 'store_product_day',
  properties: {
    storeId: p.uuid().primary(),
    day: p.date().primary(),
    sku: p.string().primary(),
    quantity: p.integer(),
    revenueMinor: p.bigint('number'),
  },
});

export type StoreProductDay = InferEntity<typeof StoreProductDaySchema>;
