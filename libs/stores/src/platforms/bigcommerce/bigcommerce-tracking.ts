/**
 * Tracking pushed to BigCommerce as an order shipment (v2 `POST /orders/{id}/shipments`,
 * https://developer.bigcommerce.com/docs/rest-management/orders/order-shipments): the lines still to ship, to the
 * order's first shipping address. An order with nothing left to ship gets the tracking on its latest shipment
 * (`PUT …/shipments/{id}`), as Shopify's does on its latest fulfilment.
 */
import { PlatformError, type PushedTracking, type TrackingInput } from '../platform.port.js';
import type { PlatformResponse } from '../platform-http.js';
import { isObject } from '../payload-fields.js';

/** `shipping_provider` takes BigCommerce's own codes; any other carrier goes as `tracking_carrier` with no provider. */
const SHIPPING_PROVIDERS: Record<string, string> = {
  ups: 'ups',
  usps: 'usps',
  fedex: 'fedex',
  'australia post': 'auspost',
  auspost: 'auspost',
  'canada post': 'canadapost',
  'royal mail': 'royalmail',
};

export interface BigcommerceOrderIo {
  request(method: string, path: string, body?: unknown): Promise<PlatformResponse>;
  /** Every page of a v2 sub-resource under the store's API. */
  all(path: string): Promise<unknown[]>;
}

/** The shipment's carrier fields: a known provider by its code, else the carrier's name as `tracking_carrier`. */
export function bigcommerceCarrier(carrier: string): { shipping_provider: string; tracking_carrier?: string } {
  const provider = SHIPPING_PROVIDERS[carrier.trim().toLowerCase()];
  return provider ? { shipping_provider: provider } : { shipping_provider: '', tracking_carrier: carrier };
}

function numericId(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}

export async function addBigcommerceTracking(io: BigcommerceOrderIo, orderId: string, tracking: TrackingInput): Promise<PushedTracking> {
  const fields = { tracking_number: tracking.number, ...bigcommerceCarrier(tracking.carrier), ...(tracking.url ? { tracking_link: tracking.url } : {}) };
  const [addresses, products] = await Promise.all([io.all(`/v2/orders/${orderId}/shipping_addresses`), io.all(`/v2/orders/${orderId}/products`)]);
  const items = products.flatMap((p) => {
    if (!isObject(p)) return [];
    const id = numericId(p['id']);
    const left = Number(p['quantity'] ?? 0) - Number(p['quantity_shipped'] ?? 0) - Number(p['quantity_refunded'] ?? 0);
    return id !== null && left > 0 ? [{ order_product_id: id, quantity: left }] : [];
  });
  const address = addresses.map((a) => (isObject(a) ? numericId(a['id']) : null)).find((id) => id !== null);
  if (items.length > 0 && address) {
    const res = await io.request('POST', `/v2/orders/${orderId}/shipments`, { order_address_id: address, items, ...fields });
    return { reference: shipmentId(res) };
  }
  const latest = (await io.all(`/v2/orders/${orderId}/shipments`)).map((s) => (isObject(s) ? numericId(s['id']) : null)).filter((id) => id !== null).at(-1);
  if (!latest) {
    throw new PlatformError('bigcommerce', 422, address ? 'the order has nothing left to ship and no shipment to add tracking to' : 'the order has no shipping address to ship to', false);
  }
  const res = await io.request('PUT', `/v2/orders/${orderId}/shipments/${latest}`, fields);
  return { reference: shipmentId(res) };
}

function shipmentId(res: PlatformResponse): string {
  const id = isObject(res.body) ? numericId(res.body['id']) : null;
  if (id === null) throw new PlatformError('bigcommerce', res.status, 'BigCommerce answered without the shipment id', false);
  return String(id);
}
