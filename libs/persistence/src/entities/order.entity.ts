import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

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
  indexes: [{ properties: ['customerId', 'placedAt'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    customerId: p.uuid(),
    externalId: p.string(),
    status: p.string(),
    currency: p.string().length(3),
    totalCents: p.bigint('number'),
    lines: p.json<OrderLineRecord[]>(),
    placedAt: p.datetime(),
    sourceUpdatedAt: p.datetime(),
    receivedAt: p.datetime(),
  },
});

export type Order = InferEntity<typeof OrderSchema>;
