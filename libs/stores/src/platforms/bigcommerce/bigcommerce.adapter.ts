/**
 * BigCommerce webhooks (https://developer.bigcommerce.com/docs/integrations/webhooks): light payloads
 * `{ scope, store_id, data: { type, id }, hash, created_at, producer }` and no signature. We create each hook with
 * a secret header of ours (the `headers` field of POST /v3/hooks, which BigCommerce documents for authenticating
 * callbacks) and check it here.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { DomainError, ValidationError, type NormalizedEvent } from '@boomerang/domain';
import type { PlatformAdapter, ReceivedWebhook, WebhookIdentity } from '../platform.port.js';
import { idString, objectAt, storedJson } from '../payload-fields.js';

/** The header our hooks carry (lowercase: received headers are lowercased). */
export const BIGCOMMERCE_SECRET_HEADER = 'x-boomerang-webhook-secret';

const SCOPE = /^store\/[a-zA-Z0-9_/*]+$/;
const HASH = /^[0-9a-f]{40}$/i;

function verify(webhook: ReceivedWebhook, secret: string): void {
  const given = webhook.headers[BIGCOMMERCE_SECRET_HEADER];
  if (given === undefined || given === '') throw new DomainError('invalid_signature', `${BIGCOMMERCE_SECRET_HEADER} is missing`);
  if (secret === '') throw new DomainError('invalid_signature', 'no webhook secret is configured for this store');
  // Digests have equal lengths, so the comparison takes the same time whatever the header's length.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(secret).digest();
  if (!timingSafeEqual(a, b)) throw new DomainError('invalid_signature', `${BIGCOMMERCE_SECRET_HEADER} does not match`);
}

interface LightPayload {
  scope: string;
  hash: string;
  createdAt: number;
  data: Record<string, unknown>;
}

function envelope(body: unknown): LightPayload {
  const payload = objectAt(storedJson(body, 'BigCommerce'), 'body');
  const scope = payload['scope'];
  if (typeof scope !== 'string' || scope.length > 100 || !SCOPE.test(scope)) throw ValidationError.field('scope', 'is not a BigCommerce webhook scope');
  const hash = payload['hash'];
  if (typeof hash !== 'string' || !HASH.test(hash)) throw ValidationError.field('hash', 'must be a 40-hex SHA-1');
  const createdAt = payload['created_at'];
  if (typeof createdAt !== 'number' || !Number.isSafeInteger(createdAt) || createdAt < 0) throw ValidationError.field('created_at', 'must be a Unix timestamp');
  return { scope, hash: hash.toLowerCase(), createdAt, data: objectAt(payload['data'], 'data') };
}

/**
 * BigCommerce documents `hash` as "the SHA-1 hash of the JSON-encoded payload data. Ensures users can detect
 * duplicate events" (https://developer.bigcommerce.com/docs/integrations/webhooks/events#callback-structure) and
 * recommends deduplicating on it (webhooks overview, "Duplicate webhook events"). Since `data` of
 * store/order/updated is only `{ type, id }`, every update of one order has the same hash; `created_at` (the
 * event's Unix time) and the scope are added so that later updates are new events while a retry is not.
 */
function identify(webhook: ReceivedWebhook): WebhookIdentity {
  const { scope, hash, createdAt } = envelope(webhook.rawBody);
  return { deliveryId: `${scope}:${createdAt}:${hash}`, topic: scope };
}

/**
 * Orders are fetched (`order_ref`): the payload only names the id. Customer scopes are ignored and not registered:
 * BigCommerce's customer payloads carry only an id too, there is no customer fetch in the port, and every
 * customer that matters to retention reaches us on their orders (billing email, customer_id, opt-in).
 */
function normalize(topic: string | null, body: unknown): NormalizedEvent {
  const { scope, data } = envelope(body);
  if (topic !== null && topic !== scope) throw ValidationError.field('scope', `is ${scope}, stored as ${topic}`);
  if (scope === 'store/order/created' || scope === 'store/order/updated' || scope === 'store/order/statusUpdated' || scope === 'store/order/archived' || scope === 'store/order/refund/created') {
    // refund/created names the order in `data.id` as well (the refund is under `data.refund.refund_id`).
    return { kind: 'order_ref', externalId: idString(data['id'], 'data.id') };
  }
  return { kind: 'ignored', reason: `BigCommerce scope ${scope} is not used` };
}

export const bigcommerceAdapter: PlatformAdapter = { platform: 'bigcommerce', verify, identify, normalize };
