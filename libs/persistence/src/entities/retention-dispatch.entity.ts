import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * Transactional outbox of purchase signals: written in the same transaction as the order, so a webhook
 * that got its 2xx reaches Temporal even if Temporal was down at that moment. A row Temporal refuses for good
 * (or that failed too often) is parked with `deadAt` and its reason: the store's dead-letter list.
 */
export const RetentionDispatchSchema = defineEntity({
  name: 'RetentionDispatch',
  tableName: 'retention_dispatch',
  indexes: [
    // The sweep's queue: only rows still owed, in the order they fall due.
    { name: 'retention_dispatch_due_index', properties: ['nextAttemptAt'], where: '"dispatched_at" is null and "dead_at" is null' },
    { name: 'retention_dispatch_dead_index', properties: ['storeId', 'deadAt'], where: '"dead_at" is not null' },
    // A row waits while an earlier one of its customer and rule is owed (the repository's NOTHING_OWED_BEFORE).
    { name: 'retention_dispatch_owed_target_index', properties: ['storeId', 'ruleId', 'customerId', 'id'], where: '"dispatched_at" is null and "dead_at" is null' },
    // A customer's timeline: the cycles armed and revoked.
    { properties: ['customerId', 'createdAt'] },
    // An order's timeline: the cycles it armed, restarted or revoked.
    { name: 'retention_dispatch_order_index', properties: ['storeId', 'orderId'] },
  ],
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
    /** The sweep takes a row only from then on: backoff after a failure, or a replica's claim while it delivers. */
    nextAttemptAt: p.datetime().defaultRaw('now()'),
    dispatchedAt: p.datetime().nullable(),
    /** Parked: Temporal refused the signal for good, or it failed too often. `lastError` says why. */
    deadAt: p.datetime().nullable(),
  },
});

export type RetentionDispatch = InferEntity<typeof RetentionDispatchSchema>;
