import { defineEntity, p, type InferEntity } from '@mikro-orm/core';

export const SUBSCRIPTION_SOURCES = ['merchant', 'unsubscribe_link', 'postmark', 'profile_page', 'platform'] as const;
export type SubscriptionSource = (typeof SUBSCRIPTION_SOURCES)[number];

/**
 * One change of a customer's marketing subscription: who or what changed it, when, and why. Written only by
 * SubscriptionService (libs/customers), in the transaction that changes `customer.unsubscribed_at`.
 */
export const CustomerSubscriptionEventSchema = defineEntity({
  name: 'CustomerSubscriptionEvent',
  tableName: 'customer_subscription_event',
  indexes: [{ properties: ['customerId', 'createdAt'] }],
  properties: {
    id: p.uuid().primary(),
    storeId: p.uuid(),
    customerId: p.uuid(),
    subscribed: p.boolean(),
    /** One of SUBSCRIPTION_SOURCES. */
    source: p.string(),
    /** The merchant's user who made the change (source `merchant` with a session); null otherwise. */
    actorUserId: p.uuid().nullable(),
    reason: p.text().nullable(),
    createdAt: p.datetime(),
  },
});

export type CustomerSubscriptionEvent = InferEntity<typeof CustomerSubscriptionEventSchema>;
