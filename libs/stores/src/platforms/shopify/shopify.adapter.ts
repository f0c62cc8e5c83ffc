import { createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, ValidationError, type NormalizedEvent } from '@boomerang/domain';
import type { PlatformAdapter, ReceivedWebhook, WebhookIdentity } from '../platform.port.js';
import { mapShopifyCustomer } from './shopify-customer.mapper.js';
import { mapShopifyOrder } from './shopify-order.mapper.js';
import { parseShopifyJson } from './shopify-json.js';
import { isCustomerTopic, isOrderTopic, isPrivacyTopic } from './shopify-topics.js';
import { objectAt, optionalObject, requiredId, requiredInstant, text } from './shopify-values.js';

/**
 * Shopify sends two header families: `X-Shopify-*` on every webhook, and `Shopify-*` on deliveries of its newer
 * Events system (which, for now, sends both). Header names arrive lowercased (ReceivedWebhook).
 */
const HEADERS = {
  hmac: ['x-shopify-hmac-sha256', 'shopify-hmac-sha256'],
  webhookId: ['x-shopify-webhook-id', 'shopify-webhook-id'],
  topic: ['x-shopify-topic', 'shopify-topic'],
  eventId: ['x-shopify-event-id', 'shopify-event-id'],
} as const;

function header(webhook: ReceivedWebhook, names: readonly string[]): string | null {
  for (const name of names) {
    const value = webhook.headers[name]?.trim();
    if (value) return value;
  }
  return null;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

function invalidSignature(message: string): DomainError {
  return new DomainError('invalid_signature', message);
}

/**
 * HMAC-SHA256 of the raw body with the app's API secret key, base64 (Shopify's documented scheme). Every signature
 * header present must match, so a forged newer-family header cannot ride beside a genuine legacy one.
 */
function verify(webhook: ReceivedWebhook, secret: string): void {
  const signatures = HEADERS.hmac.map((name) => webhook.headers[name]?.trim()).filter((s): s is string => !!s);
  if (signatures.length === 0) throw invalidSignature('missing X-Shopify-Hmac-Sha256 header');
  const expected = createHmac('sha256', secret).update(webhook.rawBody).digest();
  for (const signature of signatures) {
    const given = BASE64.test(signature) ? Buffer.from(signature, 'base64') : Buffer.alloc(0);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw invalidSignature('X-Shopify-Hmac-Sha256 does not match the body');
    }
  }
}

/**
 * The delivery id is the webhook id header: it is one delivery's id, kept across Shopify's retries of it (the SDK
 * calls it "the idempotency key", https://shopify.dev/docs/api/shopify-app-remix/v4/authenticate/webhook). Not the
 * event id, which Shopify's "ignore duplicates" page also suggests: it names the event, shared by every delivery that
 * event causes (one per subscription, and one per topic when one change fires several), and our inbox key
 * (store, platform, delivery id) has no topic, so keying on it could swallow a distinct topic's delivery.
 */
function identify(webhook: ReceivedWebhook): WebhookIdentity {
  const deliveryId = header(webhook, HEADERS.webhookId);
  if (deliveryId === null) throw ValidationError.field('X-Shopify-Webhook-Id', 'header is required');
  if (deliveryId.length > 200) throw ValidationError.field('X-Shopify-Webhook-Id', 'is too long');
  const topic = header(webhook, HEADERS.topic);
  if (topic === null) throw ValidationError.field('X-Shopify-Topic', 'header is required');
  if (!/^[A-Za-z0-9_./-]{1,100}$/.test(topic)) throw ValidationError.field('X-Shopify-Topic', 'is not a Shopify topic');
  return { deliveryId, topic };
}

/**
 * The stored body (parsed with parseShopifyJson, ids as strings) → what it means. A refund's body is the refund, not
 * the order: it becomes an `order_ref`, and the projector fetches the order, whose financial_status then says
 * "refunded" or "partially_refunded".
 */
function normalize(topic: string | null, stored: unknown, context: { adminBaseUrl: string | null }): NormalizedEvent {
  // The intake hands over the stored bytes as text: they are parsed here, where ids beyond 2^53 stay exact.
  const body = typeof stored === 'string' || Buffer.isBuffer(stored) ? parseShopifyJson(stored) : stored;
  if (isOrderTopic(topic)) return { kind: 'order', order: mapShopifyOrder(body, context.adminBaseUrl) };
  if (topic === 'refunds/create') return { kind: 'order_ref', externalId: requiredId(objectAt(body, 'refund')['order_id'], 'order_id') };
  if (isCustomerTopic(topic)) {
    const customer = objectAt(body, 'customer');
    const updatedAt = requiredInstant(customer['updated_at'] ?? customer['created_at'], 'updated_at');
    return { kind: 'customer', customer: mapShopifyCustomer(customer), updatedAt };
  }
  if (isPrivacyTopic(topic)) {
    const customer = optionalObject(objectAt(body, 'payload')['customer']);
    return { kind: 'privacy', topic, customerEmail: text(customer?.['email']), payload: body };
  }
  return { kind: 'ignored', reason: `topic ${topic ?? '(none)'} is not used` };
}

export const shopifyAdapter: PlatformAdapter = { platform: 'shopify', verify, identify, normalize };
