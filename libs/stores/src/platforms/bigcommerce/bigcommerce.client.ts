/**
 * BigCommerce REST API at `{bigcommerceOrigin}/stores/{store_hash}` with an API account's `X-Auth-Token`
 * (https://developer.bigcommerce.com/docs/start/authentication). Orders come from v2 (the only API with the
 * full order and its sub-resources), hooks and catalog counts from v3. Rate limits follow
 * https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits: when `X-Rate-Limit-Requests-Left`
 * runs out, requests wait `X-Rate-Limit-Time-Reset-Ms`, and a 429 waits the same before retrying.
 */
import { ValidationError, type NormalizedOrder } from '@boomerang/domain';
import type {
  OrderPage,
  PlatformClient,
  PlatformClientFactory,
  PlatformCredentials,
  PlatformEndpoints,
  PushedTracking,
  RegisteredWebhook,
  ShopInfo,
  TrackingInput,
} from '../platform.port.js';
import { mapLimited, PlatformHttp, type PlatformHttpTuning } from '../platform-http.js';
import { idString, isObject, text } from '../payload-fields.js';
import { registerEach } from '../webhook-registration.js';
import { BIGCOMMERCE_SECRET_HEADER } from './bigcommerce.adapter.js';
import { mapBigcommerceOrder } from './bigcommerce-order.mapper.js';
import { addBigcommerceTracking } from './bigcommerce-tracking.js';

/**
 * `updated` fires on every change, status and refunds included, so `statusUpdated` and `refund/created` would only
 * repeat it; `archived` tells us an order left the list.
 */
export const BIGCOMMERCE_WEBHOOK_SCOPES = ['store/order/created', 'store/order/updated', 'store/order/archived'] as const;
/** v2 orders: `limit` is at most 250 (default 50). */
const MAX_LIMIT = 250;
/** Sub-resource requests in flight per page of orders: the rate limit is per store, shared with the merchant's apps. */
const SUBRESOURCE_CONCURRENCY = 4;
/** When no reset header comes with a 429 ("the platform experiences high load"), wait this long. */
const DEFAULT_429_WAIT_MS = 2_000;
/** BigCommerce status ids with goods on their way (Shipped, Partially Shipped): only these have shipments to read. */
const SHIPPED_STATUS_IDS = new Set([2, 3]);

type BigcommerceCredentials = Extract<PlatformCredentials, { platform: 'bigcommerce' }>;

class BigcommerceClient implements PlatformClient {
  private readonly http: PlatformHttp;
  private readonly api: string;
  private readonly controlPanel: string;

  constructor(storeHash: string, origin: string, credentials: BigcommerceCredentials, options: PlatformHttpTuning) {
    this.api = `${origin}/stores/${storeHash}`;
    this.controlPanel = `https://store-${storeHash}.mybigcommerce.com`;
    this.http = new PlatformHttp(
      {
        platform: 'bigcommerce',
        headers: { 'X-Auth-Token': credentials.accessToken, Accept: 'application/json' },
        retryAfterMs: (res) => (res.status === 429 ? (resetMs(res) ?? DEFAULT_429_WAIT_MS) : null),
        // Requests already in flight spend what is left, so the pause starts while that many remain.
        pauseAfterMs: (res) => (requestsLeft(res) <= SUBRESOURCE_CONCURRENCY ? (resetMs(res) ?? 0) : 0),
        errorMessage: bigcommerceMessage,
      },
      options,
    );
  }

  async testConnection(): Promise<ShopInfo> {
    const res = await this.http.request('GET', `${this.api}/v2/store`);
    const store = isObject(res.body) ? res.body : {};
    const timezone = isObject(store['timezone']) ? text(store['timezone']['name']) : null;
    return { name: text(store['name']) ?? 'BigCommerce store', currency: text(store['currency']), timezone, domain: text(store['domain']) };
  }

  async registerWebhooks(address: string, secret: string): Promise<RegisteredWebhook[]> {
    await this.removeExisting(address);
    return registerEach(
      BIGCOMMERCE_WEBHOOK_SCOPES,
      async (scope) => {
        const res = await this.http.request('POST', `${this.api}/v3/hooks`, { scope, destination: address, is_active: true, headers: { [BIGCOMMERCE_SECRET_HEADER]: secret } });
        return idString(isObject(res.body) && isObject(res.body['data']) ? res.body['data']['id'] : undefined, 'data.id');
      },
      (ids) => this.unregisterWebhooks(ids),
    );
  }

  async unregisterWebhooks(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (!/^\d+$/.test(id)) continue;
      await this.http.request('DELETE', `${this.api}/v3/hooks/${id}`, undefined, [404]);
    }
  }

  /** Hooks an earlier connection left at the same address (their secret header is no longer ours). */
  private async removeExisting(address: string): Promise<void> {
    const res = await this.http.request('GET', `${this.api}/v3/hooks?destination=${encodeURIComponent(address)}`);
    const hooks = isObject(res.body) && Array.isArray(res.body['data']) ? res.body['data'] : [];
    const ours = hooks.filter((h): h is Record<string, unknown> => isObject(h) && h['destination'] === address);
    await this.unregisterWebhooks(ours.map((h) => String(h['id'])));
  }

  /**
   * By id, ascending, one page at a time from `min_id` (the cursor is the next id to read): an order archived or
   * placed while a sync runs cannot shift what the next page holds, as it could with page numbers.
   */
  async listOrders(cursor: string | null, pageSize: number, options: { createdBefore?: string } = {}): Promise<OrderPage> {
    if (cursor !== null && !/^[1-9]\d{0,15}$/.test(cursor)) throw ValidationError.field('cursor', 'must be a BigCommerce order id');
    const limit = Math.max(1, Math.min(MAX_LIMIT, Math.floor(pageSize)));
    const filter = new URLSearchParams();
    if (options.createdBefore) filter.set('max_date_created', options.createdBefore);
    const query = new URLSearchParams(filter);
    if (cursor !== null) query.set('min_id', cursor);
    query.set('limit', String(limit));
    query.set('sort', 'id:asc');
    query.set('include', 'consignments.line_items');
    query.set('consignment_structure', 'object');
    const res = await this.http.request('GET', `${this.api}/v2/orders?${query}`);
    // An empty page is 204 No Content, not [].
    const raw = Array.isArray(res.body) ? res.body : [];
    const orders = await mapLimited(raw, SUBRESOURCE_CONCURRENCY, (o) => this.complete(o));
    const total = await this.countOrders(filter);
    const last = orders.at(-1);
    return { orders, next: raw.length === limit && last ? String(BigInt(last.externalId) + 1n) : null, total };
  }

  async fetchOrder(externalId: string): Promise<NormalizedOrder | null> {
    if (!/^\d{1,20}$/.test(externalId)) return null;
    const res = await this.http.request('GET', `${this.api}/v2/orders/${externalId}?${WITH_LINES}`, undefined, [404]);
    return res.status === 404 ? null : this.complete(res.body);
  }

  /** Variants, each product's base variant included, so a product in three colours counts three (the seed's rule). */
  async countProducts(): Promise<number> {
    const res = await this.http.request('GET', `${this.api}/v3/catalog/variants?limit=1&include_fields=id`);
    const meta = isObject(res.body) && isObject(res.body['meta']) ? res.body['meta'] : {};
    const pagination = isObject(meta['pagination']) ? meta['pagination'] : {};
    const total = pagination['total'];
    return typeof total === 'number' && Number.isSafeInteger(total) ? total : 0;
  }

  async addTracking(orderExternalId: string, tracking: TrackingInput): Promise<PushedTracking> {
    if (!/^\d{1,20}$/.test(orderExternalId)) throw ValidationError.field('externalId', 'must be a BigCommerce order id');
    return addBigcommerceTracking(
      { request: (method, path, body) => this.http.request(method, `${this.api}${path}`, body), all: (path) => this.all(path) },
      orderExternalId,
      tracking,
    );
  }

  /** GET /v2/orders/count counts every status; the list leaves out Incomplete (0) orders, so the count does too. */
  private async countOrders(filter: URLSearchParams): Promise<number | null> {
    const suffix = filter.size > 0 ? `?${filter}` : '';
    const res = await this.http.request('GET', `${this.api}/v2/orders/count${suffix}`);
    if (!isObject(res.body) || typeof res.body['count'] !== 'number') return null;
    const statuses = Array.isArray(res.body['statuses']) ? res.body['statuses'] : [];
    const incomplete = statuses.find((s) => isObject(s) && s['id'] === 0);
    const excluded = isObject(incomplete) && typeof incomplete['count'] === 'number' ? incomplete['count'] : 0;
    return Math.max(0, res.body['count'] - excluded);
  }

  /**
   * The order's lines and shipping addresses come inline as consignments when the API honours
   * `include=consignments.line_items` (one request per page instead of two more per order, which matters on a
   * 150-requests-per-30-s plan); otherwise from the `products` and `shipping_addresses` sub-resources.
   */
  private async complete(order: unknown): Promise<NormalizedOrder> {
    const o = isObject(order) ? order : {};
    const id = idString(o['id'], 'id');
    const shipped = typeof o['status_id'] === 'number' && SHIPPED_STATUS_IDS.has(o['status_id']);
    const inline = consignmentParts(o['consignments']);
    const [products, shippingAddresses, shipments] = await Promise.all([
      inline ? inline.products : this.all(`/v2/orders/${id}/products`),
      inline ? inline.shippingAddresses : this.all(`/v2/orders/${id}/shipping_addresses`),
      shipped ? this.all(`/v2/orders/${id}/shipments`) : Promise.resolve([]),
    ]);
    return mapBigcommerceOrder({ order, products, shippingAddresses, shipments }, this.controlPanel);
  }

  /** Every page of a v2 sub-resource (204 when empty). */
  private async all(path: string): Promise<unknown[]> {
    const items: unknown[] = [];
    for (let page = 1; ; page++) {
      const res = await this.http.request('GET', `${this.api}${path}?page=${page}&limit=${MAX_LIMIT}`);
      const batch = Array.isArray(res.body) ? res.body : [];
      items.push(...batch);
      if (batch.length < MAX_LIMIT) return items;
    }
  }
}

const WITH_LINES = 'include=consignments.line_items&consignment_structure=object';

/**
 * `consignments` in the object structure: `{ shipping: [{ …address, line_items }], pickups: [{ line_items }],
 * downloads: [{ line_items }], email: { gift_certificates } }`; null when absent or with line items as links only.
 */
function consignmentParts(value: unknown): { products: unknown[]; shippingAddresses: unknown[] } | null {
  if (!isObject(value)) return null;
  const groups = ['shipping', 'pickups', 'downloads'].flatMap((key) => (Array.isArray(value[key]) ? (value[key] as unknown[]) : []));
  const products: unknown[] = [];
  for (const group of groups) {
    if (!isObject(group) || !Array.isArray(group['line_items'])) return null;
    for (const line of group['line_items']) {
      if (!isObject(line) || line['name'] === undefined) return null;
      products.push(line);
    }
  }
  const shippingAddresses = Array.isArray(value['shipping']) ? value['shipping'] : [];
  return { products, shippingAddresses };
}

function requestsLeft(res: Response): number {
  const value = res.headers.get('x-rate-limit-requests-left');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : Number.POSITIVE_INFINITY;
}

function resetMs(res: Response): number | null {
  const value = res.headers.get('x-rate-limit-time-reset-ms');
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

/** v2 errors are `[{ status, message }]`; v3 errors `{ status, title, errors? }`. */
export function bigcommerceMessage(body: unknown): string | null {
  if (Array.isArray(body) && isObject(body[0])) return text(body[0]['message']);
  if (isObject(body)) return text(body['title']) ?? text(body['message']);
  return null;
}

export const createBigcommerceClient: PlatformClientFactory = (
  credentials: Exclude<PlatformCredentials, { platform: 'custom' }>,
  endpoints: PlatformEndpoints,
  options: PlatformHttpTuning = {},
) => {
  if (credentials.platform !== 'bigcommerce') throw ValidationError.field('platform', 'must be bigcommerce');
  const storeHash = credentials.storeHash.trim();
  if (!/^[a-z0-9]{1,64}$/i.test(storeHash)) throw ValidationError.field('storeHash', 'must be the store hash from the API path (letters and digits)');
  if (!credentials.accessToken.trim()) throw ValidationError.field('accessToken', 'is required');
  return new BigcommerceClient(storeHash, endpoints.bigcommerceOrigin.replace(/\/+$/, ''), credentials, options);
};
