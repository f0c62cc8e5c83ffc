import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/**
 * The database's view of one (rule, customer) workflow: what the pending log lists without asking Temporal.
 * The workflow remains the source of truth for timing; this row is written alongside each purchase and send.
 */
export const RetentionEnrollmentSchema = defineEntity({
  name: 'RetentionEnrollment',
  tableName: 'retention_enrollment',
  uniques: [{ properties: ['ruleId', 'customerId'] }],
  // The pending log and its cursor (`id` makes `(next_send_at, id) > (…)` an index condition).
  indexes: [{ properties: ['storeId', 'state', 'nextSendAt', 'id'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    ruleId: p.uuid(),
    customerId: p.uuid(),
    state: p.string(),
    lastPurchaseAt: p.datetime().nullable(),
    lastOrderId: p.uuid().nullable(),
    nextSendAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});

export type RetentionEnrollment = InferEntity<typeof RetentionEnrollmentSchema>;
