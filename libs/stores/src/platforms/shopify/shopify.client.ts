import { ValidationError, type NormalizedOrder } from '@boomerang/domain';
import {
  PlatformError,
  type OrderPage,
  type PlatformClient,
  type PlatformClientFactory,
  type PlatformCredentials,
  type PlatformEndpoints,
  type RegisteredWebhook,
  type PushedTracking,
  type ShopInfo,
  type TrackingInput,
} from '../platform.port.js';
import { ShopifyHttp, shopifyErrorMessage, type ShopifyClientOptions, type ShopifyResponse } from './shopify-http.js';
import { mapShopifyOrder } from './shopify-order.mapper.js';
import { addShopifyTracking } from './shopify-tracking.js';
import { isPrivacyTopic, SHOPIFY_WEBHOOK_TOPICS } from './shopify-topics.js';
import { isObject, list, optionalObject, requiredId, text, type JsonObject } from './shopify-values.js';

export { SHOPIFY_API_VERSION, type ShopifyClientOptions } from './shopify-http.js';

type ShopifyCredentials = Extract<PlatformCredentials, { platform: 'shopify' }>;

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;
const MAX_PAGE = 250;

/**
 * The order fields the mapper reads: a Shopify order is several times larger with everything (the seed warns that a
 * sync costs bandwidth), and `fields` may go with `page_info`.
 */
export const SHOPIFY_ORDER_FIELDS = [
  'id', 'name', 'order_number', 'email', 'contact_email', 'phone', 'created_at', 'updated_at', 'closed_at',
  'cancelled_at', 'financial_status', 'fulfillment_status', 'currency', 'subtotal_price', 'total_discounts',
  'total_tax', 'total_price', 'total_shipping_price_set', 'shipping_lines', 'buyer_accepts_marketing', 'line_items',
  'billing_address', 'shipping_address', 'fulfillments', 'customer',
].join(',');

/** "Shop.myshopify.com", "https://shop.myshopify.com/" → "shop.myshopify.com"; any other host is refused. */
export function shopDomainOf(input: string, allowAny: boolean): string {
  const domain = input.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '');
  if (!allowAny && !SHOP_DOMAIN.test(domain)) throw ValidationError.field('shopDomain', 'must be the shop’s *.myshopify.com domain');
  return domain;
}

/** The `page_info` of Shopify's `Link: <…page_info=…>; rel="next"`, null on the last page. */
export function nextPageInfo(link: string | null): string | null {
  for (const part of link?.split(',') ?? []) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return new URL(match[1]!).searchParams.get('page_info');
  }
  return null;
}

/** The resource under `key` of an answer (`{ "shop": {…} }`); an answer without it is Shopify's fault, not the caller's. */
function resource(answer: ShopifyResponse, key: string): JsonObject {
  const value = optionalObject(answer.body)?.[key];
  if (!isObject(value)) throw new PlatformError('shopify', answer.status, `Shopify answered without "${key}"`, false);
  return value;
}

class ShopifyClient implements PlatformClient {
  private readonly http: ShopifyHttp;
  private readonly adminBaseUrl: string;

  constructor(credentials: ShopifyCredentials, endpoints: PlatformEndpoints, options: ShopifyClientOptions = {}) {
    const domain = shopDomainOf(credentials.shopDomain, endpoints.shopifyOrigin !== null);
    if (!credentials.accessToken.trim()) throw ValidationError.field('accessToken', 'is required');
    const origin = (endpoints.shopifyOrigin ?? `https://${domain}`).replace(/\/+$/, '');
    this.http = new ShopifyHttp(origin, credentials.accessToken.trim(), options);
    this.adminBaseUrl = SHOP_DOMAIN.test(domain)
      ? `https://admin.shopify.com/store/${domain.slice(0, -'.myshopify.com'.length)}`
      : `${origin}/admin`;
  }

  async testConnection(): Promise<ShopInfo> {
    const shop = resource(await this.http.request('GET', 'shop.json'), 'shop');
    return {
      name: text(shop['name']) ?? text(shop['myshopify_domain']) ?? 'Shopify store',
      currency: text(shop['currency']),
      timezone: text(shop['iana_timezone']) ?? text(shop['timezone']),
      domain: text(shop['domain']) ?? text(shop['myshopify_domain']),
    };
  }

  /**
   * One subscription per topic (format json, Shopify signs them with the app's API secret key, so `_secret` is not
   * sent). A topic already subscribed at this address (a reconnect) answers 422 and its subscription is reused.
   * Shopify may refuse the privacy topics here (apps declare them in their configuration): a 422 on those is
   * skipped. On any other failure the subscriptions made so far are removed, so none is left behind.
   */
  async registerWebhooks(address: string, _secret: string): Promise<RegisteredWebhook[]> {
    const registered: RegisteredWebhook[] = [];
    const created: string[] = [];
    try {
      for (const topic of SHOPIFY_WEBHOOK_TOPICS) {
        const answer = await this.http.request('POST', 'webhooks.json', {
          body: { webhook: { topic, address, format: 'json' } },
          accept: [422],
        });
        if (answer.status !== 422) {
          const id = requiredId(resource(answer, 'webhook')['id'], 'webhook.id');
          created.push(id);
          registered.push({ id, topic });
          continue;
        }
        const existing = await this.existingWebhook(topic, address);
        if (existing !== null) registered.push({ id: existing, topic });
        else if (!isPrivacyTopic(topic)) throw new PlatformError('shopify', 422, `${topic}: ${shopifyErrorMessage(answer.body) ?? 'refused'}`, false);
      }
      return registered;
    } catch (error) {
      await this.unregisterWebhooks(created).catch(() => undefined);
      throw error;
    }
  }

  private async existingWebhook(topic: string, address: string): Promise<string | null> {
    const answer = await this.http.request('GET', 'webhooks.json', { query: { topic, address } });
    const match = list(optionalObject(answer.body)?.['webhooks']).find((w) => isObject(w) && w['address'] === address && w['topic'] === topic);
    return isObject(match) ? requiredId(match['id'], 'webhook.id') : null;
  }

  /** Deletes each subscription; one already gone (404) is fine. */
  async unregisterWebhooks(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      await this.http.request('DELETE', `webhooks/${requiredId(id, 'webhook id')}.json`, { accept: [404] });
    }
  }

  /**
   * Cursor paging as Shopify does it: the first page takes the filters (`status=any`, `created_at_max`), the next
   * ones only `limit`, `fields` and the opaque `page_info` from the `Link` header. The total (orders/count.json,
   * same filters) is asked on the first page only.
   */
  async listOrders(cursor: string | null, pageSize: number, options: { createdBefore?: string } = {}): Promise<OrderPage> {
    const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(pageSize) || 1));
    const filters = { status: 'any', created_at_max: options.createdBefore };
    const page = { limit, fields: SHOPIFY_ORDER_FIELDS };
    const answer = await this.http.request('GET', 'orders.json', { query: cursor === null ? { ...filters, ...page } : { ...page, page_info: cursor } });
    const orders = list(optionalObject(answer.body)?.['orders']).map((order) => mapShopifyOrder(order, this.adminBaseUrl));
    let total: number | null = null;
    if (cursor === null) {
      const count = optionalObject((await this.http.request('GET', 'orders/count.json', { query: filters })).body)?.['count'];
      total = typeof count === 'number' ? count : null;
    }
    return { orders, next: nextPageInfo(answer.headers.get('link')), total };
  }

  async fetchOrder(externalId: string): Promise<NormalizedOrder | null> {
    const answer = await this.http.request('GET', `orders/${requiredId(externalId, 'externalId')}.json`, { accept: [404] });
    if (answer.status === 404) return null;
    return mapShopifyOrder(resource(answer, 'order'), this.adminBaseUrl);
  }

  /**
   * Variants, as Shopify counts products in its admin: the GraphQL Admin API's `productVariantsCount` (one call;
   * `limit: null` lifts its default cap of 10,000). The REST API has no store-wide variant count.
   */
  async countProducts(): Promise<number> {
    const answer = await this.http.request('POST', 'graphql.json', { body: { query: '{ productVariantsCount(limit: null) { count precision } }' } });
    const body = optionalObject(answer.body);
    const count = optionalObject(optionalObject(body?.['data'])?.['productVariantsCount'])?.['count'];
    if (typeof count === 'number') return count;
    const message = shopifyErrorMessage(body) ?? 'productVariantsCount missing from the answer';
    throw new PlatformError('shopify', answer.status, message, /THROTTLED/i.test(JSON.stringify(body?.['errors'] ?? '')));
  }

  addTracking(orderExternalId: string, tracking: TrackingInput): Promise<PushedTracking> {
    return addShopifyTracking(this.http, requiredId(orderExternalId, 'externalId'), tracking);
  }
}

export const createShopifyClient = ((credentials, endpoints, options?: ShopifyClientOptions): PlatformClient => {
  if (credentials.platform !== 'shopify') throw ValidationError.field('platform', 'must be shopify');
  return new ShopifyClient(credentials, endpoints, options);
}) satisfies PlatformClientFactory;
