/**
 * The one port every platform sits behind (issue 12). `platforms/{shopify,woocommerce,bigcommerce,custom}/`
 * each export a `PlatformAdapter` (pure: verify, identify, normalize) and a `PlatformClient` factory (HTTP to the
 * platform's API, at a base URL from configuration so tests point it at the fakes on loopback).
 */
import type { NormalizedEvent, NormalizedOrder, Platform } from '@boomerang/domain';

/** A webhook exactly as received: header names lowercased, the body's bytes untouched. */
export interface ReceivedWebhook {
  headers: Readonly<Record<string, string | undefined>>;
  rawBody: Buffer;
}

/** What the receiver learns cheaply (headers, no JSON parse beyond what the scheme needs) before its one INSERT. */
export interface WebhookIdentity {
  /** The platform's delivery or event id: a redelivery carries the same one (dedupe key with the store). */
  deliveryId: string;
  /** The platform's topic (`orders/create`, `order.updated`, `store/order/statusUpdated`…); null for a ping. */
  topic: string | null;
}

export interface PlatformAdapter {
  readonly platform: Platform;
  /** Checks the platform's signature scheme on the raw bytes; throws DomainError('invalid_signature') otherwise. */
  verify(webhook: ReceivedWebhook, secret: string): void;
  /** Delivery id and topic, from headers (or the small envelope for BigCommerce); throws DomainError on a malformed one. */
  identify(webhook: ReceivedWebhook): WebhookIdentity;
  /**
   * The stored body (its bytes as text, parsed by the adapter its own way: Shopify keeps ids beyond 2^53 exact) into
   * the normalized event; throws DomainError('validation_failed' | 'malformed_json', …) when it never can be.
   */
  normalize(topic: string | null, body: unknown, context: { adminBaseUrl: string | null }): NormalizedEvent;
}

export interface RegisteredWebhook {
  /** The platform's id of the subscription, to delete it on disconnect. */
  id: string;
  topic: string;
}

export interface OrderPage {
  orders: NormalizedOrder[];
  /** Opaque cursor of the next page (Shopify's page_info link, Woo/BigCommerce page number); null at the end. */
  next: string | null;
  /** Total orders when the platform says (X-WP-Total, BigCommerce meta.pagination.total, Shopify orders/count). */
  total: number | null;
}

export interface ShopInfo {
  name: string;
  currency: string | null;
  timezone: string | null;
  domain: string | null;
}

/** A tracking number as the merchant entered it (validated: bounded carrier, number and http(s) URL). */
export interface TrackingInput {
  carrier: string;
  number: string;
  url: string | null;
}

/** What the platform made of it: its fulfilment (Shopify) or shipment (BigCommerce) id. */
export interface PushedTracking {
  reference: string;
}

/**
 * HTTP to a platform's API. Throws PlatformError (below) with the platform's own message on refusal; honours
 * rate limits (Shopify X-Shopify-Shop-Api-Call-Limit and 429 Retry-After; the others' equivalents) by waiting.
 */
export interface PlatformClient {
  testConnection(): Promise<ShopInfo>;
  registerWebhooks(address: string, secret: string): Promise<RegisteredWebhook[]>;
  unregisterWebhooks(ids: readonly string[]): Promise<void>;
  listOrders(cursor: string | null, pageSize: number, options?: { createdBefore?: string }): Promise<OrderPage>;
  fetchOrder(externalId: string): Promise<NormalizedOrder | null>;
  /** Products counted as the platform counts them, variants included. */
  countProducts(): Promise<number>;
  /**
   * Ships the order with this tracking at the platform (Shopify: a fulfilment of its open fulfilment orders, or the
   * tracking of its latest fulfilment when none is open; BigCommerce: a shipment of its lines). Absent where the
   * platform has no such API (core WooCommerce).
   */
  addTracking?(orderExternalId: string, tracking: TrackingInput): Promise<PushedTracking>;
}

/** A platform refused or failed: `status` is its HTTP status (0 for a network error), `message` its own words. */
export class PlatformError extends Error {
  constructor(
    readonly platform: Platform,
    readonly status: number,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PlatformError';
  }
}

/** What the merchant enters when connecting, per platform (stored encrypted; never returned by the api). */
export type PlatformCredentials =
  | { platform: 'shopify'; shopDomain: string; accessToken: string; apiSecretKey: string }
  | { platform: 'woocommerce'; siteUrl: string; consumerKey: string; consumerSecret: string }
  | { platform: 'bigcommerce'; storeHash: string; accessToken: string }
  | { platform: 'custom' };

/**
 * Where the platforms' APIs are. Production defaults are the real ones; tests and the bench point them at the
 * fakes on loopback, through configuration only.
 */
export interface PlatformEndpoints {
  /** Replaces `https://{shopDomain}` (tests: `http://127.0.0.1:PORT`); null in production. */
  shopifyOrigin: string | null;
  /** `https://api.bigcommerce.com` in production. */
  bigcommerceOrigin: string;
  /** Allows an `http:` WooCommerce site URL (development and tests only). */
  allowInsecureSiteUrls: boolean;
}

export interface PlatformClientOptions {
  fetch?: typeof fetch;
  /** Injected so tests of rate limits need not wait in real time. */
  sleep?: (ms: number) => Promise<void>;
  /** Longest single wait on a rate limit before the call fails as retryable (default 30 s). */
  maxWaitMs?: number;
}

export type PlatformClientFactory = (
  credentials: Exclude<PlatformCredentials, { platform: 'custom' }>,
  endpoints: PlatformEndpoints,
  options?: PlatformClientOptions,
) => PlatformClient;
