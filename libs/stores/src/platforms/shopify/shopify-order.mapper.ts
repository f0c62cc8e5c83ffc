import type { NormalizedLineItem, NormalizedOrder, OrderStatus, TrackingNumber } from '@boomerang/domain';
import { guestCustomer, mapShopifyAddress, mapShopifyCustomer } from './shopify-customer.mapper.js';
import {
  currencyAt,
  isObject,
  list,
  minorUnits,
  objectAt,
  optionalId,
  optionalObject,
  requiredId,
  requiredInstant,
  text,
  type JsonObject,
} from './shopify-values.js';

/**
 * Shopify's order state → our OrderStatus, first match wins:
 *
 * | Shopify                                              | status     |
 * | ---------------------------------------------------- | ---------- |
 * | `cancelled_at` set, or `financial_status` "voided"   | cancelled  |
 * | `financial_status` "refunded"                        | refunded   |
 * | `fulfillment_status` "fulfilled" and `closed_at` set | completed  |
 * | `fulfillment_status` "fulfilled"                     | shipped    |
 * | `financial_status` paid / partially_paid / partially_refunded, or `fulfillment_status` "partial" | processing |
 * | anything else (pending, authorized, expired, null)   | pending    |
 *
 * Cancellation wins over refund: a cancelled order is usually refunded as well, and cancellation is the fact the
 * merchant acted on. "completed" is an archived (closed) fulfilled order; fulfilled but open is "shipped".
 */
export function shopifyOrderStatus(order: JsonObject): OrderStatus {
  const financial = text(order['financial_status']);
  const fulfillment = text(order['fulfillment_status']);
  if (text(order['cancelled_at']) !== null || financial === 'voided') return 'cancelled';
  if (financial === 'refunded') return 'refunded';
  if (fulfillment === 'fulfilled') return text(order['closed_at']) !== null ? 'completed' : 'shipped';
  if (financial === 'paid' || financial === 'partially_paid' || financial === 'partially_refunded' || fulfillment === 'partial') {
    return 'processing';
  }
  return 'pending';
}

/** `total_shipping_price_set.shop_money.amount` (API 2019-10 on), else the sum of `shipping_lines[].price`. */
function shippingMinor(order: JsonObject, currency: string): number {
  const set = optionalObject(optionalObject(order['total_shipping_price_set'])?.['shop_money']);
  if (set && set['amount'] !== undefined) return minorUnits(set['amount'], currency, 'total_shipping_price_set');
  return list(order['shipping_lines']).reduce<number>(
    (sum, line, i) => sum + (isObject(line) ? minorUnits(line['price'], currency, `shipping_lines[${i}].price`) : 0),
    0,
  );
}

function lineItem(value: unknown, i: number, currency: string): NormalizedLineItem {
  const line = objectAt(value, `line_items[${i}]`);
  const quantity = line['quantity'];
  return {
    externalId: optionalId(line['id'], `line_items[${i}].id`),
    sku: text(line['sku']),
    productId: optionalId(line['product_id'], `line_items[${i}].product_id`),
    variantId: optionalId(line['variant_id'], `line_items[${i}].variant_id`),
    name: text(line['name']) ?? text(line['title']) ?? 'Item',
    quantity: typeof quantity === 'number' && Number.isSafeInteger(quantity) && quantity >= 0 ? quantity : 1,
    priceMinor: minorUnits(line['price'], currency, `line_items[${i}].price`),
    // Shopify's order line carries neither the product's URL, image, type nor tags: the product resource does.
    productUrl: null,
    imageUrl: null,
    category: null,
    tags: [],
    manufacturer: text(line['vendor']),
  };
}

function trackingNumbers(order: JsonObject): TrackingNumber[] {
  return list(order['fulfillments']).flatMap((value) => {
    if (!isObject(value) || value['status'] === 'cancelled') return [];
    const numbers = list(value['tracking_numbers']).map(text);
    if (numbers.length === 0 && text(value['tracking_number']) !== null) numbers.push(text(value['tracking_number']));
    const urls = list(value['tracking_urls']).map(text);
    return numbers.flatMap((number, i) =>
      number === null ? [] : [{ carrier: text(value['tracking_company']), number, url: urls[i] ?? text(value['tracking_url']) }],
    );
  });
}

/**
 * A Shopify order (webhook body or REST resource, parsed by parseShopifyJson) in the normalized model. Amounts are
 * the shop-currency fields (`currency`, `total_price`…), not the presentment ones. `adminBaseUrl` is the store's
 * admin (`https://admin.shopify.com/store/{handle}` or `https://{shop}.myshopify.com/admin`).
 */
export function mapShopifyOrder(body: unknown, adminBaseUrl: string | null): NormalizedOrder {
  const order = objectAt(body, 'order');
  const externalId = requiredId(order['id'], 'id');
  const currency = currencyAt(order['currency'], 'currency');
  const createdAt = requiredInstant(order['created_at'], 'created_at');
  const customer = optionalObject(order['customer']);
  return {
    externalId,
    number: text(order['name']) ?? optionalId(order['order_number'], 'order_number'),
    adminUrl: adminBaseUrl === null ? null : `${adminBaseUrl.replace(/\/+$/, '')}/orders/${externalId}`,
    // Where the order was placed (`web`, `pos`, a sales channel app's handle such as `amazon`): the Amazon segment reads it.
    channel: text(order['source_name']),
    status: shopifyOrderStatus(order),
    currency,
    subtotalMinor: minorUnits(order['subtotal_price'], currency, 'subtotal_price'),
    discountMinor: minorUnits(order['total_discounts'], currency, 'total_discounts'),
    shippingMinor: shippingMinor(order, currency),
    taxMinor: minorUnits(order['total_tax'], currency, 'total_tax'),
    totalMinor: minorUnits(order['total_price'], currency, 'total_price'),
    createdAt,
    updatedAt: order['updated_at'] ? requiredInstant(order['updated_at'], 'updated_at') : createdAt,
    customer: customer === null ? guestCustomer(order) : mapShopifyCustomer(customer, order),
    billingAddress: mapShopifyAddress(order['billing_address']),
    shippingAddress: mapShopifyAddress(order['shipping_address']),
    lineItems: list(order['line_items']).map((line, i) => lineItem(line, i, currency)),
    trackingNumbers: trackingNumbers(order),
  };
}
