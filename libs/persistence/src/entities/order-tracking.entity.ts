import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * A tracking number the merchant added to an order (issue 13, point 4), kept apart from `store_order.tracking_numbers`
 * (what the platform says), which the intake replaces on every update. `pushedTo` is the platform that accepted it
 * (null: stored here only, a cart without a tracking API) and `platformReference` its fulfilment or shipment id.
 * One carrier and number per order: adding it again changes nothing and pushes nothing.
 */
export const ORDER_TRACKING_UNIQUE = 'order_tracking_order_number_unique';

export const OrderTrackingSchema = defineEntity({
  name: 'OrderTracking',
  tableName: 'order_tracking',
  indexes: [
    {
      name: ORDER_TRACKING_UNIQUE,
      expression: `create unique index "${ORDER_TRACKING_UNIQUE}" on "order_tracking" ("store_id", "order_id", (lower("carrier")), (upper("number")))`,
    },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    orderId: p.uuid(),
    carrier: p.string().length(100),
    number: p.string().length(64),
    url: p.text().nullable(),
    pushedTo: p.string().length(20).nullable(),
    platformReference: p.string().length(64).nullable(),
    createdAt: p.datetime(),
  },
});

export type OrderTracking = InferEntity<typeof OrderTrackingSchema>;
