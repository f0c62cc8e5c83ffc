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
    createdAt: p.datetime(),
    updatedAt: p.datetime(),
  },
});

export type Customer = InferEntity<typeof CustomerSchema>;
