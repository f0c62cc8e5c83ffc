import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const StoreSchema = defineEntity({
  name: 'Store',
  tableName: 'store',
  properties: {
    id: p.uuid().primary(),
    name: p.string(),
    platform: p.string().default('generic'),
    /** sha256 of the store's API key; the key itself is shown once, at creation. */
    apiKeyHash: p.string().unique(),
    webhookSecret: p.string(),
    timezone: p.string().default('UTC'),
    createdAt: p.datetime(),
  },
});

export type Store = InferEntity<typeof StoreSchema>;
