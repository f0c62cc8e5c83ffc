/**
 * Tracking pushed to Shopify through the Admin REST API's fulfilment-order flow
 * (https://shopify.dev/docs/api/admin-rest/latest/resources/fulfillment): the order's fulfilment orders that can
 * still be fulfilled get one fulfilment carrying the tracking; an order already fulfilled gets the tracking on its
 * latest fulfilment (`update_tracking`). The customer is not notified: the merchant's own shipping emails decide that.
 */
import { PlatformError, type PushedTracking, type TrackingInput } from '../platform.port.js';
import type { ShopifyHttp, ShopifyResponse } from './shopify-http.js';
import { isObject, list, optionalId, optionalObject, text } from './shopify-values.js';

/** Fulfilment orders in these states take a fulfilment when Shopify lists no `supported_actions`. */
const FULFILLABLE = new Set(['open', 'in_progress']);

/** An id of Shopify's answer as digits; a missing one is Shopify's fault, not the merchant's. */
function answerId(value: unknown, what: string, status: number): string {
  let id: string | null = null;
  try {
    id = optionalId(value, what);
  } catch {
    id = null;
  }
  if (id === null) throw new PlatformError('shopify', status, `Shopify answered without a usable ${what}`, false);
  return id;
}

/** Exact digits in the request body (ids beyond 2^53 are bare JSON numbers). */
const exactId = (id: string) => BigInt(id);

function fulfillable(fulfilmentOrder: unknown): boolean {
  if (!isObject(fulfilmentOrder)) return false;
  const actions = fulfilmentOrder['supported_actions'];
  if (Array.isArray(actions)) return actions.includes('create_fulfillment');
  return FULFILLABLE.has(String(fulfilmentOrder['status']));
}

export async function addShopifyTracking(http: ShopifyHttp, orderId: string, tracking: TrackingInput): Promise<PushedTracking> {
  const trackingInfo = { number: tracking.number, company: tracking.carrier, ...(tracking.url ? { url: tracking.url } : {}) };
  const listed = await http.request('GET', `orders/${orderId}/fulfillment_orders.json`);
  const open = list(optionalObject(listed.body)?.['fulfillment_orders']).filter(fulfillable);
  if (open.length > 0) {
    const created = await http.request('POST', 'fulfillments.json', {
      body: {
        fulfillment: {
          line_items_by_fulfillment_order: open.map((fo) => ({ fulfillment_order_id: exactId(answerId((fo as Record<string, unknown>)['id'], 'fulfillment_order.id', listed.status)) })),
          tracking_info: trackingInfo,
          notify_customer: false,
        },
      },
    });
    return { reference: answerId(fulfilment(created)['id'], 'fulfillment.id', created.status) };
  }
  const fulfilments = await http.request('GET', `orders/${orderId}/fulfillments.json`);
  const latest = list(optionalObject(fulfilments.body)?.['fulfillments'])
    .filter((f) => isObject(f) && text(f['status']) !== 'cancelled')
    .at(-1);
  if (!isObject(latest)) throw new PlatformError('shopify', 422, 'the order has nothing left to fulfil and no fulfilment to add tracking to', false);
  const id = answerId(latest['id'], 'fulfillment.id', fulfilments.status);
  await http.request('POST', `fulfillments/${id}/update_tracking.json`, { body: { fulfillment: { tracking_info: trackingInfo, notify_customer: false } } });
  return { reference: id };
}

function fulfilment(answer: ShopifyResponse): Record<string, unknown> {
  const value = optionalObject(answer.body)?.['fulfillment'];
  if (!isObject(value)) throw new PlatformError('shopify', answer.status, 'Shopify answered without "fulfillment"', false);
  return value;
}
