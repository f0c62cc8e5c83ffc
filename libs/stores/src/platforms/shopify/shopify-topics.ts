import { PRIVACY_TOPICS, type PrivacyTopic } from '@boomerang/domain';

/** Order topics: each body is the whole order, so its status comes from its fields, not from the topic. */
export const SHOPIFY_ORDER_TOPICS = ['orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled'] as const;
export const SHOPIFY_CUSTOMER_TOPICS = ['customers/create', 'customers/update'] as const;

/** Every topic we subscribe a store to (issue 12, point 1), the mandatory privacy topics included. */
export const SHOPIFY_WEBHOOK_TOPICS = [
  ...SHOPIFY_ORDER_TOPICS,
  'refunds/create',
  ...SHOPIFY_CUSTOMER_TOPICS,
  ...PRIVACY_TOPICS,
] as const;
export type ShopifyWebhookTopic = (typeof SHOPIFY_WEBHOOK_TOPICS)[number];

export function isOrderTopic(topic: string | null): boolean {
  return (SHOPIFY_ORDER_TOPICS as readonly (string | null)[]).includes(topic);
}

export function isCustomerTopic(topic: string | null): boolean {
  return (SHOPIFY_CUSTOMER_TOPICS as readonly (string | null)[]).includes(topic);
}

export function isPrivacyTopic(topic: string | null): topic is PrivacyTopic {
  return (PRIVACY_TOPICS as readonly (string | null)[]).includes(topic);
}
