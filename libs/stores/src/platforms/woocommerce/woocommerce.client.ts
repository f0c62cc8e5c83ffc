/**
 * WooCommerce REST API v3 (https://woocommerce.github.io/woocommerce-rest-api-docs/) with the merchant's consumer
 * key and secret as HTTP Basic auth, which Woo accepts over HTTPS only; `allowInsecureSiteUrls` lets tests and
 * development use the fake on plain HTTP.
 */
import { ValidationError, type NormalizedOrder } from '@boomerang/domain';
import type { OrderPage, PlatformClient, PlatformClientFactory, PlatformCredentials, PlatformEndpoints, RegisteredWebhook, ShopInfo } from '../platform.port.js';
import { PlatformHttp, retryAfterHeaderMs, type PlatformHttpTuning } from '../platform-http.js';
import { idString, isObject, text } from '../payload-fields.js';
import { registerEach } from '../webhook-registration.js';
import { mapWooOrder } from './woocommerce-order.mapper.js';

/**
 * What we subscribe to; product and coupon topics are not used. `order.deleted` is there because moving an order
 * to the bin fires only that topic, not `order.updated`.
 */
export const WOO_WEBHOOK_TOPICS = ['order.created', 'order.updated', 'order.deleted', 'customer.created', 'customer.updated'] as const;
/** Woo caps `per_page` at 100. */
const MAX_PER_PAGE = 100;
const WEBHOOK_NAME = 'Boomerang';

type WooCredentials = Extract<PlatformCredentials, { platform: 'woocommerce' }>;

/** The site's base URL (no trailing slash, path kept for WordPress in a sub-folder); refuses http unless allowed. */
export function wooSiteUrl(siteUrl: string, allowInsecure: boolean): string {
  let url: URL;
  try {
    url = new URL(siteUrl.trim());
  } catch {
    throw ValidationError.field('siteUrl', 'must be a URL such as https://shop.example.com');
  }
  if (url.protocol !== 'https:' && !(allowInsecure && url.protocol === 'http:')) {
    throw ValidationError.field('siteUrl', 'must start with https:// (WooCommerce accepts API keys over HTTPS only)');
  }
  if (url.username || url.password || url.search || url.hash) throw ValidationError.field('siteUrl', 'must be the site address only');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

class WoocommerceClient implements PlatformClient {
  private readonly http: PlatformHttp;
  private readonly api: string;

  constructor(
    private readonly site: string,
    credentials: WooCredentials,
    options: PlatformHttpTuning,
  ) {
    this.api = `${site}/wp-json/wc/v3`;
    const basic = Buffer.from(`${credentials.consumerKey}:${credentials.consumerSecret}`).toString('base64');
    this.http = new PlatformHttp(
      {
        platform: 'woocommerce',
        headers: { Authorization: `Basic ${basic}`, Accept: 'application/json' },
        // 429 from Woo's own Store API limiter or a host's WAF; 503 with Retry-After from maintenance mode.
        retryAfterMs: (res) =>
          res.status === 429 ? (retryAfterHeaderMs(res) ?? 1000) : res.status === 503 ? retryAfterHeaderMs(res) : null,
        errorMessage: (body) => (isObject(body) ? text(body['message']) : null),
      },
      options,
    );
  }

  async testConnection(): Promise<ShopInfo> {
    const settings = await this.http.request('GET', `${this.api}/settings/general`);
    const currency = Array.isArray(settings.body)
      ? settings.body.find((s): s is Record<string, unknown> => isObject(s) && s['id'] === 'woocommerce_currency')
      : undefined;
    // The WordPress index names the site; it needs no key, so only the call above proves the credentials.
    const index = await this.http.request('GET', `${this.site}/wp-json/`).catch(() => null);
    const info = index && isObject(index.body) ? index.body : {};
    return {
      name: text(info['name']) ?? new URL(this.site).host,
      currency: currency ? text(currency['value']) : null,
      timezone: text(info['timezone_string']) ?? offsetZone(info['gmt_offset']),
      domain: new URL(this.site).host,
    };
  }

  async registerWebhooks(address: string, secret: string): Promise<RegisteredWebhook[]> {
    // Woo signs with wp_specialchars_decode($secret) (WC_Webhook::generate_signature): "&amp;" would sign as "&".
    if (secret === '' || /[&<>"']/.test(secret)) throw ValidationError.field('secret', 'must be non-empty, without & < > " or \'');
    await this.removeExisting(address);
    return registerEach(
      WOO_WEBHOOK_TOPICS,
      async (topic) => {
        const res = await this.http.request('POST', `${this.api}/webhooks`, { name: `${WEBHOOK_NAME} ${topic}`, topic, delivery_url: address, secret, status: 'active' });
        return idString(objectBody(res.body)['id'], 'id');
      },
      (ids) => this.unregisterWebhooks(ids),
    );
  }

  async unregisterWebhooks(ids: readonly string[]): Promise<void> {
    for (const id of ids) {
      if (!/^\d+$/.test(id)) continue;
      await this.http.request('DELETE', `${this.api}/webhooks/${id}?force=true`, undefined, [404]);
    }
  }

  /** Our webhooks left by an earlier connection to the same address (their secret is no longer ours). */
  private async removeExisting(address: string): Promise<void> {
    const res = await this.http.request('GET', `${this.api}/webhooks?per_page=${MAX_PER_PAGE}&status=all`);
    const ours = (Array.isArray(res.body) ? res.body : []).filter((w) => isObject(w) && w['delivery_url'] === address);
    await this.unregisterWebhooks(ours.map((w) => String((w as Record<string, unknown>)['id'])));
  }

  /**
   * By id, ascending (ids only grow, so orders placed during a sync land after the cursor; a date sort has ties that
   * MySQL may order differently from one page to the next). Woo has no `min_id`, so the cursor is a position
   * (`offset`) plus the last id read: each page starts one order early, and when that order is no longer there
   * (orders before it were deleted or binned meanwhile) the window steps back until it is, so nothing is skipped.
   */
  async listOrders(cursor: string | null, pageSize: number, options: { createdBefore?: string } = {}): Promise<OrderPage> {
    const from = parseCursor(cursor);
    // One slot of each request is the overlap with the previous page.
    const perPage = Math.max(1, Math.min(MAX_PER_PAGE - 1, Math.floor(pageSize)));
    const size = from.lastId === null ? perPage : perPage + 1;
    let offset = from.lastId === null ? 0 : Math.max(0, from.offset - 1);
    for (;;) {
      const { raw, total } = await this.ordersAt(offset, size, options.createdBefore);
      const ids = raw.map((o) => BigInt(idString(isObject(o) ? o['id'] : undefined, 'id')));
      if (from.lastId !== null && offset > 0 && (ids.length === 0 || ids[0]! > from.lastId)) {
        offset = Math.max(0, offset - perPage);
        continue;
      }
      const start = from.lastId === null ? 0 : ids.findIndex((id) => id > from.lastId!);
      if (start < 0 && raw.length === size) {
        offset += raw.length - 1;
        continue;
      }
      const fresh = start < 0 ? [] : raw.slice(start, start + perPage);
      const orders = fresh.map((o) => mapWooOrder(o, this.site));
      const more = fresh.length > 0 && raw.length === size;
      const next = more ? `${offset + start + fresh.length}.${ids[start + fresh.length - 1]}` : null;
      return { orders, next, total };
    }
  }

  private async ordersAt(offset: number, perPage: number, createdBefore: string | undefined): Promise<{ raw: unknown[]; total: number | null }> {
    const query = new URLSearchParams({ offset: String(offset), per_page: String(perPage), orderby: 'id', order: 'asc', status: 'any' });
    if (createdBefore) {
      query.set('before', createdBefore);
      query.set('dates_are_gmt', 'true');
    }
    const res = await this.http.request('GET', `${this.api}/orders?${query}`);
    return { raw: Array.isArray(res.body) ? res.body : [], total: intHeader(res.headers, 'x-wp-total') };
  }

  async fetchOrder(externalId: string): Promise<NormalizedOrder | null> {
    if (!/^\d{1,20}$/.test(externalId)) return null;
    const res = await this.http.request('GET', `${this.api}/orders/${externalId}`, undefined, [404]);
    return res.status === 404 ? null : mapWooOrder(res.body, this.site);
  }

  /**
   * Sellable items, as the seed counts them ("100 products in three colours count 300"): every product, with a
   * variable product replaced by its variations (a variable product's `variations` lists their ids).
   */
  async countProducts(): Promise<number> {
    const all = await this.http.request('GET', `${this.api}/products?per_page=1&_fields=id`);
    const products = intHeader(all.headers, 'x-wp-total') ?? 0;
    let variable = 0;
    let variations = 0;
    for (let page = 1; ; page++) {
      const res = await this.http.request('GET', `${this.api}/products?type=variable&per_page=${MAX_PER_PAGE}&page=${page}&_fields=id,variations`);
      const items = Array.isArray(res.body) ? res.body : [];
      for (const item of items) {
        variable++;
        if (isObject(item) && Array.isArray(item['variations'])) variations += item['variations'].length;
      }
      const pages = intHeader(res.headers, 'x-wp-totalpages');
      if (items.length === 0 || (pages !== null ? page >= pages : items.length < MAX_PER_PAGE)) break;
    }
    return products - variable + variations;
  }
}

/** A site set to a bare UTC offset ("UTC+2") has no timezone_string; whole hours have an IANA name (Etc/GMT-2). */
function offsetZone(offset: unknown): string | null {
  const hours = typeof offset === 'string' ? Number(offset) : offset;
  if (typeof hours !== 'number' || !Number.isInteger(hours) || Math.abs(hours) > 14) return null;
  return hours === 0 ? 'UTC' : `Etc/GMT${hours > 0 ? '-' : '+'}${Math.abs(hours)}`;
}

/** `<offset>.<last id>`, or the start. */
function parseCursor(cursor: string | null): { offset: number; lastId: bigint | null } {
  if (cursor === null) return { offset: 0, lastId: null };
  const m = /^(\d{1,9})\.(\d{1,20})$/.exec(cursor);
  if (!m) throw ValidationError.field('cursor', 'must be a WooCommerce listing position');
  return { offset: Number(m[1]), lastId: BigInt(m[2]!) };
}

function intHeader(headers: Headers, name: string): number | null {
  const value = headers.get(name);
  return value !== null && /^\d+$/.test(value.trim()) ? Number(value) : null;
}

function objectBody(body: unknown): Record<string, unknown> {
  return isObject(body) ? body : {};
}

export const createWoocommerceClient: PlatformClientFactory = (
  credentials: Exclude<PlatformCredentials, { platform: 'custom' }>,
  endpoints: PlatformEndpoints,
  options: PlatformHttpTuning = {},
) => {
  if (credentials.platform !== 'woocommerce') throw ValidationError.field('platform', 'must be woocommerce');
  if (!credentials.consumerKey.trim()) throw ValidationError.field('consumerKey', 'is required');
  if (!credentials.consumerSecret.trim()) throw ValidationError.field('consumerSecret', 'is required');
  return new WoocommerceClient(wooSiteUrl(credentials.siteUrl, endpoints.allowInsecureSiteUrls), credentials, options);
};
