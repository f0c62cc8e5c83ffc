import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** One row per (store, normalized email): guest and registered orders with one address are one customer. */
export const CustomerSchema = defineEntity({
  name: 'Customer',
  tableName: 'customer',
  uniques: [{ properties: ['storeId', 'email'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid().index(),
    email: p.string(),
    firstName: p.string().nullable(),
    lastName: p.string().nullable(),
    registered: p.boolean().default(false),
    optedIn: p.boolean().default(false),
    unsubscribedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Customer = InferEntity<typeof CustomerSchema>;
