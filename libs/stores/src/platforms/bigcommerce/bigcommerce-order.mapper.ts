/**
 * BigCommerce v2 order + its `products`, `shipping_addresses` and `shipments` sub-resources → the normalized
 * order. Field reference: https://developer.bigcommerce.com/docs/rest-management/orders (reference/orders.v2.oas2.yml).
 */
import {
  isCurrency,
  ValidationError,
  type NormalizedAddress,
  type NormalizedLineItem,
  type NormalizedOrder,
  type OrderStatus,
  type TrackingNumber,
} from '@boomerang/domain';
import { addressFrom, customerFromBilling, idString, isObject, minor, objectAt, optionalId, quantity, requiredText, rfc2822Instant, text, type AddressKeys } from '../payload-fields.js';

/**
 * BigCommerce `status_id` (GET /v2/order_statuses) → ours. Decided:
 * - 0 Incomplete, 1 Pending, 7 Awaiting Payment, 12 Manual Verification Required: not paid yet → pending;
 * - 11 Awaiting Fulfillment, 9 Awaiting Shipment, 8 Awaiting Pickup, 13 Disputed: paid, not fulfilled → processing;
 * - 2 Shipped and 3 Partially Shipped → shipped (some goods are on their way: it is a purchase);
 * - 10 Completed and 14 Partially Refunded → completed (a partial refund leaves the purchase standing);
 * - 5 Cancelled, 6 Declined → cancelled; 4 Refunded → refunded;
 * - an archived order (`is_deleted`) → cancelled; an unknown id → processing (never a purchase by mistake).
 */
export const BIGCOMMERCE_STATUS: Readonly<Record<number, OrderStatus>> = {
  0: 'pending',
  1: 'pending',
  7: 'pending',
  12: 'pending',
  11: 'processing',
  9: 'processing',
  8: 'processing',
  13: 'processing',
  2: 'shipped',
  3: 'shipped',
  10: 'completed',
  14: 'completed',
  5: 'cancelled',
  6: 'cancelled',
  4: 'refunded',
};

export interface BigcommerceOrderParts {
  order: unknown;
  products: unknown[];
  shippingAddresses: unknown[];
  shipments: unknown[];
}

/** `adminBaseUrl`: the control panel, `https://store-{hash}.mybigcommerce.com`. */
export function mapBigcommerceOrder(parts: BigcommerceOrderParts, adminBaseUrl: string | null): NormalizedOrder {
  const order = objectAt(parts.order, 'order');
  const id = idString(order['id'], 'id');
  const currency = (text(order['currency_code']) ?? requiredText(order['default_currency_code'], 'currency_code')).toUpperCase();
  if (!isCurrency(currency)) throw ValidationError.field('currency_code', `${currency} is not an ISO 4217 currency`);
  const statusId = order['status_id'];
  if (typeof statusId !== 'number') throw ValidationError.field('status_id', 'must be a number');
  const billing = isObject(order['billing_address']) ? order['billing_address'] : {};
  const customerId = optionalId(order['customer_id'], 'customer_id');
  const createdAt = rfc2822Instant(order['date_created'], 'date_created');
  const optIn = order['is_email_opt_in'];
  return {
    externalId: id,
    // BigCommerce shows the order id as the order number.
    number: id,
    adminUrl: adminBaseUrl ? `${adminBaseUrl}/manage/orders/${id}` : null,
    status: order['is_deleted'] === true ? 'cancelled' : (BIGCOMMERCE_STATUS[statusId] ?? 'processing'),
    currency,
    subtotalMinor: minor(order['subtotal_ex_tax'], currency, 'subtotal_ex_tax'),
    // `discount_amount` (manual and automatic promotions) and `coupon_discount` are separate: the total is
    // subtotal_inc_tax + shipping_cost_inc_tax − both.
    discountMinor: minor(order['discount_amount'], currency, 'discount_amount') + minor(order['coupon_discount'], currency, 'coupon_discount'),
    shippingMinor: minor(order['shipping_cost_ex_tax'], currency, 'shipping_cost_ex_tax'),
    taxMinor: minor(order['total_tax'], currency, 'total_tax'),
    totalMinor: minor(order['total_inc_tax'], currency, 'total_inc_tax'),
    createdAt,
    updatedAt: text(order['date_modified']) ? rfc2822Instant(order['date_modified'], 'date_modified') : createdAt,
    // `staff_notes` is the merchant's note on the order, not on the customer.
    customer: customerFromBilling(billing, customerId, typeof optIn === 'boolean' ? optIn : null),
    billingAddress: mapAddress(order['billing_address']),
    shippingAddress: parts.shippingAddresses.length > 0 ? mapAddress(parts.shippingAddresses[0]) : null,
    lineItems: parts.products.flatMap((p, i) => mapLine(p, currency, `products[${i}]`)),
    trackingNumbers: parts.shipments.flatMap(trackingOf),
  };
}

function mapLine(value: unknown, currency: string, field: string): NormalizedLineItem[] {
  const line = objectAt(value, field);
  // A bundled product's parts come as extra lines priced 0 under their parent; the parent is the purchase.
  if (line['is_bundled_product'] === true) return [];
  return [
    {
      externalId: idString(line['id'], `${field}.id`),
      sku: text(line['sku']),
      // 0 for a custom product that is not in the catalog.
      productId: optionalId(line['product_id'], `${field}.product_id`),
      variantId: optionalId(line['variant_id'], `${field}.variant_id`),
      name: requiredText(line['name'], `${field}.name`),
      quantity: quantity(line['quantity'], `${field}.quantity`),
      priceMinor: minor(line['price_ex_tax'] ?? line['base_price'], currency, `${field}.price_ex_tax`),
      productUrl: null,
      imageUrl: null,
      category: null,
      tags: [],
      manufacturer: text(line['brand']),
    },
  ];
}

const ADDRESS: AddressKeys = { line1: 'street_1', line2: 'street_2', region: 'state', postalCode: 'zip', country: 'country_iso2' };

function mapAddress(value: unknown): NormalizedAddress | null {
  return addressFrom(value, ADDRESS);
}

function trackingOf(value: unknown): TrackingNumber[] {
  if (!isObject(value)) return [];
  const number = text(value['tracking_number']);
  if (number === null) return [];
  return [{ carrier: text(value['tracking_carrier']) ?? text(value['shipping_provider']), number, url: text(value['tracking_link']) }];
}
