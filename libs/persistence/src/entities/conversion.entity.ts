import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

/** An order placed within the attribution window after a message (last touch wins); one per order. */
export const ConversionSchema = defineEntity({
  name: 'Conversion',
  tableName: 'conversion',
  // The conversions log and its cursor (`id` makes `(occurred_at, id) < (…)` an index condition).
  indexes: [
    { properties: ['storeId', 'occurredAt', 'id'] }, { properties: ['ruleId', 'occurredAt'] },
    // A customer's timeline.
    { properties: ['customerId', 'occurredAt'] },
  ],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    ruleId: p.uuid(),
    messageId: p.uuid(),
    customerId: p.uuid(),
    orderId: p.uuid().unique(),
    revenueCents: p.bigint('number'),
    currency: p.string().length(3),
    occurredAt: p.datetime(),
    createdAt: p.datetime(),
  },
});

export type Conversion = InferEntity<typeof ConversionSchema>;
