import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const StoreSchema = defineEntity({
  name: 'Store',
  tableName: 'store',
  indexes: [{ properties: ['accountId'] }],
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    platform: p.string().default('generic'),
    /** sha256 of the store's API key; the key itself is shown once, at creation. */
    apiKeyHash: p.string().unique(),
    webhookSecret: p.string(),
    timezone: p.string().default('UTC'),
    currency: p.string().length(3).default('USD'),
    // CAN-SPAM store information: required before any marketing workflow may send.
    companyName: p.string().nullable(),
    street: p.string().nullable(),
    city: p.string().nullable(),
    region: p.string().nullable(),
    postalCode: p.string().nullable(),
    country: p.string().nullable(),
    phone: p.string().nullable(),
    logoUrl: p.string().nullable(),
    socialLinks: p.json<Record<string, string>>().default('{}'),
    /** Local sending hours [start, end) in the store's time zone; null means any time. */
    sendingHourStart: p.integer().nullable(),
    sendingHourEnd: p.integer().nullable(),
    /** Smart sending: skip a customer who got any marketing email from the store in the last N hours (0 = off). */
    smartSendingHours: p.integer().default(16),
    /** The merchant account that owns the store; null for stores created with the admin key (operations, legacy). */
    accountId: p.uuid().nullable(),
    /** The storefront's normalised domain (see store_trial); null for legacy stores. */
    domain: p.string().nullable(),
    createdAt: p.datetime(),
  },
});

export type Store = InferEntity<typeof StoreSchema>;
