/**
 * The normalized commerce model every platform adapter produces and the intake projects into PostgreSQL
 * (issue 12, point 4). Platform ids are strings, always: Shopify's exceed 2^53 and never pass through a number.
 * Amounts are integer minor units of the order's currency (see money.ts); times are ISO 8601 instants.
 */
import type { OrderStatus } from './order.js';

export const PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce', 'custom'] as const;
export type Platform = (typeof PLATFORMS)[number];

export interface NormalizedAddress {
  name: string | null;
  company: string | null;
  line1: string | null;
  line2: string | null;
  city: string | null;
  region: string | null;
  postalCode: string | null;
  /** ISO 3166-1 alpha-2 when the platform gives it. */
  country: string | null;
  phone: string | null;
}

export interface NormalizedCustomer {
  /** Identity within a store (normalized by normalizeEmail); null only when the platform sent none (then unprojectable). */
  email: string | null;
  /** The platform's customer id; null for a guest checkout. */
  externalId: string | null;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  company: string | null;
  /** Customer group / tags as the platform names it (BigCommerce customer_group, Shopify tags, Woo role). */
  group: string | null;
  registered: boolean;
  /** Marketing opt-in; null when the payload does not say (keep what we hold). */
  optedIn: boolean | null;
  /** The merchant's private note on the customer. */
  note: string | null;
}

export interface NormalizedLineItem {
  /** The platform's line id, when it has one. */
  externalId: string | null;
  /** Null when the product has no SKU (platforms allow it). */
  sku: string | null;
  productId: string | null;
  variantId: string | null;
  name: string;
  quantity: number;
  /** Unit price, minor units. */
  priceMinor: number;
  productUrl: string | null;
  imageUrl: string | null;
  category: string | null;
  tags: string[];
  manufacturer: string | null;
}

export interface TrackingNumber {
  carrier: string | null;
  number: string;
  url: string | null;
}

export interface NormalizedOrder {
  externalId: string;
  /** The number the merchant sees (Shopify `name` "#1001", Woo `number`). */
  number: string | null;
  /** Link to the order in the platform's admin. */
  adminUrl: string | null;
  /** The sales channel as the platform names it (Shopify `source_name`, Woo `created_via`, `amazon`…); absent when unknown. */
  channel?: string | null;
  status: OrderStatus;
  currency: string;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  totalMinor: number;
  createdAt: string;
  /** The platform's update time: an older update never overwrites a newer one. */
  updatedAt: string;
  customer: NormalizedCustomer;
  billingAddress: NormalizedAddress | null;
  shippingAddress: NormalizedAddress | null;
  lineItems: NormalizedLineItem[];
  trackingNumbers: TrackingNumber[];
}

export interface NormalizedProduct {
  externalId: string;
  name: string;
  url: string | null;
  imageUrl: string | null;
  category: string | null;
  tags: string[];
  manufacturer: string | null;
  variants: { externalId: string; sku: string | null; name: string | null; priceMinor: number | null }[];
}

export const PRIVACY_TOPICS = ['customers/data_request', 'customers/redact', 'shop/redact'] as const;
export type PrivacyTopic = (typeof PRIVACY_TOPICS)[number];

/** What one received webhook means, once parsed at projection time. */
export type NormalizedEvent =
  | { kind: 'order'; order: NormalizedOrder }
  /** A light payload (BigCommerce): only the id; the projector fetches the order from the platform's API. */
  | { kind: 'order_ref'; externalId: string }
  | { kind: 'customer'; customer: NormalizedCustomer; updatedAt: string }
  /** Recorded for the customers issue (GDPR); the payload is kept as the platform sent it. */
  | { kind: 'privacy'; topic: PrivacyTopic; customerEmail: string | null; payload: unknown }
  /** Nothing to project (WooCommerce's creation ping, a topic we do not use). */
  | { kind: 'ignored'; reason: string };
