// The custom cart (issue 12): our generic order webhook, signed with the store's secret in X-Boomerang-Signature,
// and the REST import that takes the same orders in bulk.
import { createHash } from 'node:crypto';
import { DomainError, normalizeEmail, toMinorUnits, ValidationError, type NormalizedAddress, type NormalizedEvent, type NormalizedOrder } from '@boomerang/domain';
import { assertSafeJson, parseOrThrow } from '@boomerang/validation';
import { orderPayloadSchema, type OrderPayload, type OrderPayloadAddress } from '../../order-payload.js';
import { SIGNATURE_HEADER, verifyWebhookSignature } from '../../webhook-signature.js';
import type { PlatformAdapter, ReceivedWebhook } from '../platform.port.js';

/** Optional: the cart's own id of a delivery, repeated on its retries. Without it the body's sha256 is the id. */
export const DELIVERY_HEADER = 'x-boomerang-delivery';
export const CUSTOM_ORDER_TOPIC = 'order';
const DELIVERY_ID = /^[\x21-\x7e]{1,255}$/;

function genericAddress(a: OrderPayloadAddress | null | undefined): NormalizedAddress | null {
  if (!a) return null;
  const part = (v: string | null | undefined) => v || null;
  return {
    name: part(a.name), company: part(a.company), line1: part(a.line1), line2: part(a.line2), city: part(a.city),
    region: part(a.region), postalCode: part(a.postalCode), country: part(a.country), phone: part(a.phone),
  };
}

/** The generic order (already validated by orderPayloadSchema) in the normalized model. */
export function normalizeGenericOrder(payload: OrderPayload): NormalizedOrder {
  const minor = (amount: string | undefined) => (amount === undefined ? 0 : toMinorUnits(amount, payload.currency));
  return {
    externalId: payload.id,
    number: payload.number ?? null,
    adminUrl: payload.adminUrl ?? null,
    channel: payload.channel ?? null,
    status: payload.status,
    currency: payload.currency,
    subtotalMinor: minor(payload.totals.subtotal),
    discountMinor: minor(payload.totals.discount),
    shippingMinor: minor(payload.totals.shipping),
    taxMinor: minor(payload.totals.tax),
    totalMinor: minor(payload.totals.total),
    createdAt: payload.createdAt,
    updatedAt: payload.updatedAt ?? payload.createdAt,
    customer: {
      email: normalizeEmail(payload.customer.email),
      externalId: null,
      firstName: payload.customer.firstName ?? null,
      lastName: payload.customer.lastName ?? null,
      phone: null,
      company: null,
      group: null,
      registered: payload.customer.registered ?? false,
      optedIn: payload.customer.optedIn ?? null,
      note: null,
    },
    billingAddress: genericAddress(payload.billingAddress),
    shippingAddress: genericAddress(payload.shippingAddress),
    lineItems: payload.lineItems.map((l) => ({
      externalId: null,
      sku: l.sku,
      productId: null,
      variantId: null,
      name: l.name ?? '',
      quantity: l.quantity,
      priceMinor: toMinorUnits(l.price, payload.currency),
      productUrl: l.productUrl ?? null,
      imageUrl: l.imageUrl ?? null,
      category: l.category || null,
      tags: [],
      manufacturer: l.manufacturer || null,
    })),
    trackingNumbers: (payload.trackingNumbers ?? []).map((t) => ({ number: t.number, carrier: t.carrier || null, url: t.url ?? null })),
  };
}

/** Parses JSON text (a leading BOM allowed) into a value that passed the JSON guard. */
function parseJson(body: unknown): unknown {
  if (typeof body !== 'string' && !Buffer.isBuffer(body)) return body;
  let json: unknown;
  try {
    json = JSON.parse((typeof body === 'string' ? body : body.toString('utf8')).replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new DomainError('malformed_json', `body is not valid JSON: ${(err as Error).message}`);
  }
  assertSafeJson(json);
  return json;
}

export const customAdapter: PlatformAdapter = {
  platform: 'custom',

  verify(webhook: ReceivedWebhook, secret: string): void {
    verifyWebhookSignature(secret, webhook.rawBody, webhook.headers[SIGNATURE_HEADER]);
  },

  identify(webhook: ReceivedWebhook) {
    const given = webhook.headers[DELIVERY_HEADER];
    if (given !== undefined) {
      if (!DELIVERY_ID.test(given)) throw ValidationError.field(DELIVERY_HEADER, 'must be 1 to 255 printable ASCII characters');
      return { deliveryId: given, topic: CUSTOM_ORDER_TOPIC };
    }
    // The same bytes redelivered are the same delivery.
    return { deliveryId: `sha256:${createHash('sha256').update(webhook.rawBody).digest('hex')}`, topic: CUSTOM_ORDER_TOPIC };
  },

  /** `body`: the stored bytes (or their text, or the parsed value). */
  normalize(_topic: string | null, body: unknown): NormalizedEvent {
    return { kind: 'order', order: normalizeGenericOrder(parseOrThrow(orderPayloadSchema, parseJson(body))) };
  },
};
