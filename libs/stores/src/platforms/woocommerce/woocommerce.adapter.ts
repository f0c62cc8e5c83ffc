/**
 * WooCommerce webhooks (https://woocommerce.github.io/woocommerce-rest-api-docs/#webhooks). Delivery and its
 * headers follow WC_Webhook::deliver() (woocommerce/includes/class-wc-webhook.php): the body is the REST v3
 * resource, `X-WC-Webhook-Signature` is base64(HMAC-SHA256(body, secret)), and when a webhook is created Woo
 * sends one unsigned ping (WC_Webhook::deliver_ping(): form body `webhook_id=N`, no X-WC-* headers).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { DomainError, ValidationError, type NormalizedEvent } from '@boomerang/domain';
import type { PlatformAdapter, ReceivedWebhook, WebhookIdentity } from '../platform.port.js';
import { idString, objectAt, storedJson } from '../payload-fields.js';
import { mapWooCustomer, mapWooOrder } from './woocommerce-order.mapper.js';

const PING = /^webhook_id=(\d{1,20})$/;
const TOPIC = /^[a-z][a-z0-9_]*\.[a-z0-9_.]+$/;

/** The webhook id of Woo's creation ping, or null when the body is anything else. */
export function wooPingWebhookId(rawBody: Buffer): string | null {
  if (rawBody.length > 40) return null;
  return PING.exec(rawBody.toString('latin1'))?.[1] ?? null;
}

export function signWooBody(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

function verify(webhook: ReceivedWebhook, secret: string): void {
  const signature = webhook.headers['x-wc-webhook-signature'];
  if (signature === undefined || signature === '') {
    // Only the creation ping comes unsigned; it is projected as nothing, so letting it through grants nothing.
    if (wooPingWebhookId(webhook.rawBody) !== null) return;
    throw new DomainError('invalid_signature', 'X-WC-Webhook-Signature is missing');
  }
  if (secret === '') throw new DomainError('invalid_signature', 'no webhook secret is configured for this store');
  const expected = Buffer.from(signWooBody(webhook.rawBody, secret));
  const given = Buffer.from(signature.trim());
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new DomainError('invalid_signature', 'X-WC-Webhook-Signature does not match the body');
  }
}

/**
 * Woo's delivery id is `wp_hash(webhook_id . time())` (WC_Webhook::get_new_delivery_id()): every delivery of one
 * webhook within the same second carries the same id, so a bulk status change would collapse into one event.
 * The dedupe key is therefore the delivery id plus a digest of the body: a redelivery of the same bytes is still
 * recognised, two different orders in the same second are not confused.
 */
function identify(webhook: ReceivedWebhook): WebhookIdentity {
  const pingOf = wooPingWebhookId(webhook.rawBody);
  if (pingOf !== null) return { deliveryId: `ping:${pingOf}`, topic: null };
  const topic = header(webhook, 'x-wc-webhook-topic') ?? joinTopic(webhook);
  if (topic === null) throw ValidationError.field('X-WC-Webhook-Topic', 'is required');
  if (topic.length > 100 || !TOPIC.test(topic)) throw ValidationError.field('X-WC-Webhook-Topic', 'is not a WooCommerce topic');
  const delivery = header(webhook, 'x-wc-webhook-delivery-id');
  if (delivery !== null && (delivery.length > 128 || !/^[\x21-\x7e]+$/.test(delivery))) {
    throw ValidationError.field('X-WC-Webhook-Delivery-ID', 'is not a delivery id');
  }
  const digest = createHash('sha256').update(webhook.rawBody).digest('hex').slice(0, 32);
  return { deliveryId: `${delivery ?? 'body'}:${digest}`, topic };
}

function header(webhook: ReceivedWebhook, name: string): string | null {
  const value = webhook.headers[name]?.trim();
  return value ? value : null;
}

/** Older Woo versions or proxies may drop the topic header but keep resource + event. */
function joinTopic(webhook: ReceivedWebhook): string | null {
  const resource = header(webhook, 'x-wc-webhook-resource');
  const event = header(webhook, 'x-wc-webhook-event');
  return resource && event ? `${resource}.${event}` : null;
}

/** `context.adminBaseUrl` is the site URL (the connection's `siteUrl`); when null, the payload's own `_links` give it. */
function normalize(topic: string | null, body: unknown, context: { adminBaseUrl: string | null }): NormalizedEvent {
  if (topic === null) return { kind: 'ignored', reason: 'WooCommerce webhook creation ping' };
  const siteUrl = context.adminBaseUrl?.replace(/\/+$/, '') ?? null;
  switch (topic) {
    case 'order.created':
    case 'order.updated':
    case 'order.restored':
      return { kind: 'order', order: mapWooOrder(storedJson(body, 'WooCommerce'), siteUrl) };
    case 'order.deleted':
      // The payload is only `{ id }` (WC_Webhook::build_payload); the order is fetched again: a trashed one comes
      // back with status `trash` (→ cancelled), a permanently deleted one as not found.
      return { kind: 'order_ref', externalId: idString(objectAt(storedJson(body, 'WooCommerce'), 'body')['id'], 'id') };
    case 'customer.created':
    case 'customer.updated':
      return { kind: 'customer', ...mapWooCustomer(storedJson(body, 'WooCommerce')) };
    default:
      return { kind: 'ignored', reason: `WooCommerce topic ${topic} is not used` };
  }
}

export const woocommerceAdapter: PlatformAdapter = { platform: 'woocommerce', verify, identify, normalize };
