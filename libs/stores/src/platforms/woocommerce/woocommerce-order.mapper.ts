/**
 * WooCommerce REST v3 order and customer JSON (the same shape its webhooks deliver) → the normalized model.
 * Field reference: https://woocommerce.github.io/woocommerce-rest-api-docs/#order-properties
 */
import {
  isCurrency,
  ValidationError,
  type NormalizedAddress,
  type NormalizedCustomer,
  type NormalizedLineItem,
  type NormalizedOrder,
  type OrderStatus,
  type TrackingNumber,
} from '@boomerang/domain';
import {
  addressFrom,
  arrayAt,
  customerFromBilling,
  emailOf,
  hasZone,
  idString,
  isObject,
  minor,
  objectAt,
  optionalId,
  quantity,
  requiredText,
  text,
  utcInstant,
  type AddressKeys,
  type Json,
} from '../payload-fields.js';

/**
 * Woo's order statuses → ours. Decided:
 * - `pending` (awaiting payment), `on-hold` (awaiting a manual payment such as a bank transfer) and `checkout-draft`
 *   (the block checkout's draft) are all unpaid → pending;
 * - `processing` (paid, not yet fulfilled) → processing; `completed` → completed;
 * - `cancelled`, `failed` (payment failed) and `trash` (moved to the bin) → cancelled; `refunded` → refunded;
 * - statuses that shipment plugins add: `shipped` → shipped, `delivered` → completed;
 * - any other custom status → processing, which never counts as a purchase (only completed/shipped do), so an
 *   unknown status cannot fire a retention rule by mistake.
 */
export const WOO_STATUS: Readonly<Record<string, OrderStatus>> = {
  pending: 'pending',
  'on-hold': 'pending',
  'checkout-draft': 'pending',
  processing: 'processing',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'cancelled',
  trash: 'cancelled',
  refunded: 'refunded',
  shipped: 'shipped',
  delivered: 'completed',
};

export function mapWooStatus(status: string): OrderStatus {
  return WOO_STATUS[status.replace(/^wc-/, '')] ?? 'processing';
}

/**
 * An instant from a Woo pair: `<field>_gmt` (UTC, written without a zone) is preferred; the site-local `<field>`
 * is only used when it names its zone itself, since the site's timezone is not in the payload.
 */
export function wooInstant(order: Json, field: string): string {
  const gmt = order[`${field}_gmt`];
  if (typeof gmt === 'string' && gmt !== '') return utcInstant(gmt, `${field}_gmt`);
  const local = order[field];
  if (typeof local === 'string' && hasZone(local)) return utcInstant(local, field);
  throw ValidationError.field(`${field}_gmt`, 'is required (the site-local time has no zone)');
}

export function mapWooOrder(payload: unknown, siteUrl: string | null): NormalizedOrder {
  const order = objectAt(payload, 'order');
  const id = idString(order['id'], 'id');
  const currency = requiredText(order['currency'], 'currency').toUpperCase();
  if (!isCurrency(currency)) throw ValidationError.field('currency', `${currency} is not an ISO 4217 currency`);
  const status = requiredText(order['status'], 'status');
  const lines = arrayAt(order['line_items'], 'line_items').map((line, i) => mapLine(line, currency, `line_items[${i}]`));
  const billing = isObject(order['billing']) ? order['billing'] : {};
  const customerId = optionalId(order['customer_id'], 'customer_id');
  const createdAt = wooInstant(order, 'date_created');
  const site = siteUrl ?? siteOf(order);
  return {
    externalId: id,
    number: text(order['number']) ?? id,
    adminUrl: site ? `${site}/wp-admin/admin.php?page=wc-orders&action=edit&id=${id}` : null,
    status: mapWooStatus(status),
    currency,
    // Woo has no order subtotal field: its lines' `subtotal` is before discounts and tax, summed here.
    subtotalMinor: lines.reduce((sum, l) => sum + l.subtotalMinor, 0),
    discountMinor: minor(order['discount_total'], currency, 'discount_total'),
    shippingMinor: minor(order['shipping_total'], currency, 'shipping_total'),
    taxMinor: minor(order['total_tax'], currency, 'total_tax'),
    totalMinor: minor(order['total'], currency, 'total'),
    createdAt,
    updatedAt: order['date_modified_gmt'] || order['date_modified'] ? wooInstant(order, 'date_modified') : createdAt,
    // `customer_note` is the shopper's note on this order, not the merchant's private note on the customer.
    customer: customerFromBilling(billing, customerId, null),
    billingAddress: mapAddress(order['billing']),
    shippingAddress: mapAddress(order['shipping']),
    lineItems: lines.map((l) => l.item),
    trackingNumbers: trackingOf(order['meta_data']),
  };
}

function mapLine(value: unknown, currency: string, field: string): { item: NormalizedLineItem; subtotalMinor: number } {
  const line = objectAt(value, field);
  const qty = quantity(line['quantity'], `${field}.quantity`);
  const subtotalMinor = minor(line['subtotal'], currency, `${field}.subtotal`);
  const image = isObject(line['image']) ? text(line['image']['src']) : null;
  const item: NormalizedLineItem = {
    externalId: line['id'] === undefined ? null : idString(line['id'], `${field}.id`),
    // Woo sends "" for a product without SKU.
    sku: text(line['sku']),
    productId: optionalId(line['product_id'], `${field}.product_id`),
    variantId: optionalId(line['variation_id'], `${field}.variation_id`),
    name: requiredText(line['name'], `${field}.name`),
    quantity: qty,
    // Unit price before order-level discounts, tax excluded (Woo's line `subtotal` / quantity).
    priceMinor: qty > 0 ? Math.round(subtotalMinor / qty) : subtotalMinor,
    productUrl: null,
    imageUrl: image,
    category: null,
    tags: [],
    manufacturer: null,
  };
  return { item, subtotalMinor };
}

const ADDRESS: AddressKeys = { line1: 'address_1', line2: 'address_2', region: 'state', postalCode: 'postcode', country: 'country' };

export function mapAddress(value: unknown): NormalizedAddress | null {
  return addressFrom(value, ADDRESS);
}

/**
 * Tracking numbers from the WooCommerce Shipment Tracking extension's order meta `_wc_shipment_tracking_items`
 * (Woo core has none): `[{ tracking_provider, custom_tracking_provider, tracking_number, custom_tracking_link }]`.
 */
function trackingOf(meta: unknown): TrackingNumber[] {
  if (!Array.isArray(meta)) return [];
  const entry = meta.find((m) => isObject(m) && m['key'] === '_wc_shipment_tracking_items');
  if (!isObject(entry) || !Array.isArray(entry['value'])) return [];
  return entry['value'].flatMap((item): TrackingNumber[] => {
    if (!isObject(item)) return [];
    const number = text(item['tracking_number']);
    if (number === null) return [];
    return [
      {
        carrier: text(item['custom_tracking_provider']) ?? text(item['tracking_provider']),
        number,
        url: text(item['custom_tracking_link']),
      },
    ];
  });
}

/** The site's URL from the payload's own `_links.self` (".../wp-json/wc/v3/orders/727"), when the caller has none. */
function siteOf(order: Json): string | null {
  const links = order['_links'];
  if (!isObject(links) || !Array.isArray(links['self']) || !isObject(links['self'][0])) return null;
  const href = text(links['self'][0]['href']);
  const at = href?.indexOf('/wp-json/') ?? -1;
  return href && at > 0 ? href.slice(0, at) : null;
}

/** A customer.created / customer.updated payload (https://woocommerce.github.io/woocommerce-rest-api-docs/#customer-properties). */
export function mapWooCustomer(payload: unknown): { customer: NormalizedCustomer; updatedAt: string } {
  const customer = objectAt(payload, 'customer');
  const billing = isObject(customer['billing']) ? customer['billing'] : {};
  const createdAt = wooInstant(customer, 'date_created');
  return {
    customer: {
      email: emailOf(customer['email']) ?? emailOf(billing['email']),
      externalId: idString(customer['id'], 'id'),
      firstName: text(customer['first_name']) ?? text(billing['first_name']),
      lastName: text(customer['last_name']) ?? text(billing['last_name']),
      phone: text(billing['phone']),
      company: text(billing['company']),
      // Woo's customers are WordPress users; their role is the nearest thing to a customer group.
      group: text(customer['role']),
      registered: true,
      optedIn: null,
      note: null,
    },
    updatedAt: customer['date_modified_gmt'] || customer['date_modified'] ? wooInstant(customer, 'date_modified') : createdAt,
  };
}
