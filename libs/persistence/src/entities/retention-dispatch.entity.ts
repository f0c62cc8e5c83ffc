import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Transactional outbox of purchase signals: written in the same transaction as the order, so a webhook
 * that got its 2xx reaches Temporal even if Temporal was down at that moment.
 */
export const RetentionDispatchSchema = defineEntity({
  name: 'RetentionDispatch',
  tableName: 'retention_dispatch',
  indexes: [{ properties: ['dispatchedAt', 'id'] }],
  properties: {
    id: p.bigint('number').primary().autoincrement(),
    /** purchase: arms or restarts the timer; revoke: the order was cancelled or refunded. */
    kind: p.string().default('purchase'),
    storeId: p.uuid(),
    ruleId: p.uuid(),
    customerId: p.uuid(),
    email: p.string(),
    orderId: p.uuid(),
    purchasedAt: p.datetime(),
    windowSeconds: p.integer(),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    createdAt: p.datetime(),
    dispatchedAt: p.datetime().nullable(),
  },
});

export type RetentionDispatch = InferEntity<typeof RetentionDispatchSchema>;
