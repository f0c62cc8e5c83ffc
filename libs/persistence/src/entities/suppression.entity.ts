import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** Addresses a store must not email again: hard bounce, spam complaint, inactive recipient. */
export const SuppressionSchema = defineEntity({
  name: 'Suppression',
  tableName: 'suppression',
  uniques: [{ properties: ['storeId', 'email'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    email: p.string(),
    reason: p.string(),
    createdAt: p.datetime(),
  },
});

export type Suppression = InferEntity<typeof SuppressionSchema>;
