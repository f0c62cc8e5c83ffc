import { createHash, createHmac } from 'node:crypto';
import { FakePlatformServer, jsonBody, type FakeAnswer, type FakeDelivery, type FakeRequest } from './fake-platform-server.js';

/**
 * A WooCommerce site's REST API v3 on loopback (https://woocommerce.github.io/woocommerce-rest-api-docs/): Basic
 * auth with a consumer key/secret, orders paged with `page`/`per_page` and `X-WP-Total`/`X-WP-TotalPages`/`Link`,
 * products with variations, webhooks that ping on creation and deliver signed like WC_Webhook::deliver(), and
 * injected faults (next N errors, hangs, 429 with Retry-After).
 */
export interface FakeWoocommerceOptions {
  consumerKey?: string;
  consumerSecret?: string;
  /** Orders seeded at start, oldest first (a number makes that many from the documented example). */
  orders?: number;
  /** Products seeded: `simple` ones, and `variable` ones with `variationsEach` variations each. */
  products?: { simple: number; variable: number; variationsEach: number };
  currency?: string;
  siteName?: string;
  /** WordPress's timezone setting: a named zone, or '' with `gmtOffset` for a bare "UTC+2". */
  timezone?: { timezoneString: string; gmtOffset: number };
}

export interface FakeWooWebhook {
  id: number;
  name: string;
  status: 'active' | 'paused' | 'disabled';
  topic: string;
  delivery_url: string;
  secret: string;
  /** Consecutive failed deliveries; past 5 Woo disables the webhook (WC_Webhook::failed_delivery()). */
  failure_count: number;
}

export type FakeWooOrder = Record<string, unknown> & { id: number; date_created_gmt: string; date_modified_gmt: string };

const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

export class FakeWoocommerce extends FakePlatformServer {
  readonly consumerKey: string;
  readonly consumerSecret: string;
  readonly orders: FakeWooOrder[] = [];
  readonly webhooks: FakeWooWebhook[] = [];
  private readonly products: { id: number; type: 'simple' | 'variable'; variations: number[] }[] = [];
  private readonly currency: string;
  private readonly siteName: string;
  private readonly timezone: { timezoneString: string; gmtOffset: number };
  private nextOrderId = 1000;
  private sorted?: FakeWooOrder[];
  private nextWebhookId = 1;
  /** Pings in flight after a webhook's creation (awaited by `settled()`). */
  private readonly pending = new Set<Promise<unknown>>();

  constructor(options: FakeWoocommerceOptions = {}) {
    super();
    this.consumerKey = options.consumerKey ?? 'ck_fake0000000000000000000000000000000000';
    this.consumerSecret = options.consumerSecret ?? 'cs_fake0000000000000000000000000000000000';
    this.currency = options.currency ?? 'USD';
    this.siteName = options.siteName ?? 'Fake Woo Shop';
    this.timezone = options.timezone ?? { timezoneString: 'UTC', gmtOffset: 0 };
    for (let i = 0; i < (options.orders ?? 0); i++) this.orders.push(this.makeOrder({}, BASE_TIME + i * 60_000));
    const products = options.products ?? { simple: 3, variable: 2, variationsEach: 3 };
    let productId = 1;
    for (let i = 0; i < products.simple; i++) this.products.push({ id: productId++, type: 'simple', variations: [] });
    for (let i = 0; i < products.variable; i++) {
      const id = productId++;
      this.products.push({ id, type: 'variable', variations: Array.from({ length: products.variationsEach }, () => productId++) });
    }
  }

  /** The site URL for the client (`siteUrl` of the credentials). */
  get siteUrl(): string {
    return this.origin;
  }

  /** Answers the next `count` API requests with 429 and `Retry-After: seconds`. */
  rateLimitNext(count = 1, retryAfterSeconds = 1): void {
    for (let i = 0; i < count; i++) {
      this.queueFault({ kind: 'status', status: 429, headers: { 'Retry-After': String(retryAfterSeconds) }, body: this.errorBody(429, 'Too many requests.') });
    }
  }

  /** Creates an order and delivers `order.created`. */
  async placeOrder(changes: Record<string, unknown> = {}): Promise<FakeWooOrder> {
    const order = this.makeOrder(changes, Date.now());
    this.orders.push(order);
    await this.fire('order.created', this.present(order));
    return order;
  }

  /** Changes an order, moves its modification time forward and delivers `order.updated`. */
  async updateOrder(id: number, changes: Record<string, unknown>): Promise<FakeWooOrder> {
    const order = this.orders.find((o) => o.id === id);
    if (!order) throw new Error(`no order ${id}`);
    Object.assign(order, changes, { date_modified_gmt: wooDate(Math.max(Date.now(), Date.parse(`${order.date_modified_gmt}Z`) + 1000)) });
    order['date_modified'] = order.date_modified_gmt;
    await this.fire('order.updated', this.present(order));
    return order;
  }

  /** Moves an order to the bin (status `trash`) and delivers `order.deleted`, whose payload is only `{ id }`. */
  async trashOrder(id: number): Promise<void> {
    const order = this.orders.find((o) => o.id === id);
    if (!order) throw new Error(`no order ${id}`);
    order['status'] = 'trash';
    await this.fire('order.deleted', { id });
  }

  /** Delivers a customer topic with the given customer payload (the REST customer shape). */
  async fireCustomer(topic: 'customer.created' | 'customer.updated', customer: Record<string, unknown>): Promise<void> {
    await this.fire(topic, customer);
  }

  /** Resolves once the creation pings sent so far have been answered. */
  async settled(): Promise<void> {
    await Promise.all([...this.pending]);
  }

  private async fire(topic: string, payload: Record<string, unknown>): Promise<FakeDelivery[]> {
    const [resource, event] = topic.split('.') as [string, string];
    const body = phpJson(event === 'deleted' ? { id: payload['id'] } : payload);
    const sent: FakeDelivery[] = [];
    for (const hook of this.webhooks.filter((w) => w.status === 'active' && w.topic === topic)) {
      const delivery = await this.deliver(
          hook.delivery_url,
          {
            'Content-Type': 'application/json',
            'User-Agent': 'WooCommerce/9.0.0 Hookshot (WordPress/6.5)',
            'X-WC-Webhook-Source': `${this.siteUrl}/`,
            'X-WC-Webhook-Topic': topic,
            'X-WC-Webhook-Resource': resource,
            'X-WC-Webhook-Event': event,
            'X-WC-Webhook-Signature': createHmac('sha256', hook.secret).update(body).digest('base64'),
            'X-WC-Webhook-ID': String(hook.id),
            // WC_Webhook::get_new_delivery_id(): wp_hash($webhook_id . time()), so equal within one second.
            'X-WC-Webhook-Delivery-ID': createHash('md5').update(`${hook.id}${Math.floor(Date.now() / 1000)}`).digest('hex'),
          },
          body,
      );
      sent.push(delivery);
      // WC_Webhook::log_delivery(): 2xx, 301 and 302 are successes; more than 5 failures in a row disable it.
      if (delivery.status >= 200 && delivery.status < 303) hook.failure_count = 0;
      else if (hook.failure_count > 5) hook.status = 'disabled';
      else hook.failure_count++;
    }
    return sent;
  }

  protected errorBody(status: number, message: string): unknown {
    return { code: status === 429 ? 'woocommerce_rest_too_many_requests' : 'internal_server_error', message, data: { status } };
  }

  protected handle(req: FakeRequest): FakeAnswer {
    if (req.path === '/wp-json/' || req.path === '/wp-json') {
      return { status: 200, body: { name: this.siteName, description: '', url: this.siteUrl, home: this.siteUrl, gmt_offset: this.timezone.gmtOffset, timezone_string: this.timezone.timezoneString, namespaces: ['wp/v2', 'wc/v3'] } };
    }
    const match = /^\/wp-json\/wc\/v3\/(.+?)\/?$/.exec(req.path);
    if (!match) return error(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    const auth = this.authenticate(req);
    if (auth) return auth;
    const parts = match[1]!.split('/');
    const id = parts.find((p) => /^\d+$/.test(p));
    switch (`${req.method} ${parts.map((p) => (/^\d+$/.test(p) ? ':id' : p)).join('/')}`) {
      case 'GET settings/general':
        return { status: 200, body: [{ id: 'woocommerce_currency', label: 'Currency', value: this.currency }, { id: 'woocommerce_default_country', label: 'Default country', value: 'US:CA' }] };
      case 'GET system_status':
        return { status: 200, body: { environment: { home_url: this.siteUrl, site_url: this.siteUrl, version: '9.0.0' }, settings: { currency: this.currency } } };
      case 'GET orders':
        return this.listOrders(req.query);
      case 'GET orders/:id': {
        const order = this.orders.find((o) => String(o.id) === id);
        return order ? { status: 200, body: this.present(order) } : error(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
      }
      case 'GET products':
        return this.listProducts(req.query);
      case 'GET webhooks':
        return { status: 200, body: this.webhooks.map(publicWebhook) };
      case 'POST webhooks':
        return this.createWebhook(req);
      case 'DELETE webhooks/:id':
        return this.deleteWebhook(id!, req.query);
      default:
        return error(404, 'rest_no_route', 'No route was found matching the URL and request method.');
    }
  }

  /** Basic auth, or `consumer_key`/`consumer_secret` in the query as Woo allows over HTTPS. */
  private authenticate(req: FakeRequest): FakeAnswer | null {
    let key = req.query.get('consumer_key');
    let secret = req.query.get('consumer_secret');
    const header = req.headers.authorization;
    if (header?.startsWith('Basic ')) {
      const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      key = decoded.slice(0, colon);
      secret = decoded.slice(colon + 1);
    }
    if (!key) return error(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    if (key !== this.consumerKey) return error(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    if (secret !== this.consumerSecret) return error(401, 'woocommerce_rest_authentication_error', 'Invalid signature - provided signature does not match.');
    return null;
  }

  private listOrders(query: URLSearchParams): FakeAnswer {
    const paging = pagingOf(query);
    if ('status' in paging) return paging;
    // Orders are kept in id order (seeded and placed with growing ids).
    let orders = query.get('orderby') === 'id' ? this.orders : this.byDate();
    const status = query.get('status') ?? 'any';
    // `any` leaves out the bin, as WordPress does.
    orders = orders.filter((o) => (status === 'any' ? o['status'] !== 'trash' : o['status'] === status));
    const before = query.get('before');
    if (before) {
      const limit = Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(before) ? before : `${before}Z`);
      orders = orders.filter((o) => createdMs(o) < limit);
    }
    if ((query.get('order') ?? 'desc') === 'desc') orders = [...orders].reverse();
    return this.page('orders', orders, paging, query, (o) => this.present(o as FakeWooOrder));
  }

  /** Orders by creation time then id, recomputed only when orders were added or removed (the bench pages through many). */
  private byDate(): FakeWooOrder[] {
    if (this.sorted?.length !== this.orders.length) {
      this.sorted = [...this.orders].sort((a, b) => createdMs(a) - createdMs(b) || a.id - b.id);
    }
    return this.sorted;
  }

  private listProducts(query: URLSearchParams): FakeAnswer {
    const paging = pagingOf(query);
    if ('status' in paging) return paging;
    const type = query.get('type');
    const products = this.products.filter((p) => !type || p.type === type).map((p) => ({ id: p.id, name: `Product ${p.id}`, type: p.type, status: 'publish', sku: p.type === 'simple' ? '' : `VAR-${p.id}`, price: '10.00', variations: p.variations }));
    const fields = query.get('_fields')?.split(',');
    const shaped = fields ? products.map((p) => Object.fromEntries(Object.entries(p).filter(([k]) => fields.includes(k)))) : products;
    return this.page('products', shaped, paging, query);
  }

  /** One page with WordPress's headers; a page past the last is WordPress's 400. */
  private page(resource: string, items: unknown[], paging: { page: number; perPage: number }, query: URLSearchParams, present: (item: unknown) => unknown = (i) => i): FakeAnswer {
    const totalPages = Math.ceil(items.length / paging.perPage);
    // `offset` replaces `page` (WordPress), and is never "past the last page".
    const offset = query.get('offset');
    if (offset !== null) {
      const from = Number(offset);
      if (!Number.isInteger(from) || from < 0) return error(400, 'rest_invalid_param', 'Invalid parameter(s): offset');
      const headers = { 'X-WP-Total': String(items.length), 'X-WP-TotalPages': String(totalPages) };
      return { status: 200, headers, body: items.slice(from, from + paging.perPage).map(present) };
    }
    if (paging.page > Math.max(1, totalPages)) {
      return error(400, 'rest_post_invalid_page_number', 'The page number requested is larger than the number of pages available.');
    }
    const headers: Record<string, string> = { 'X-WP-Total': String(items.length), 'X-WP-TotalPages': String(totalPages) };
    const link = (page: number, rel: string) => {
      const q = new URLSearchParams(query);
      q.set('page', String(page));
      return `<${this.siteUrl}/wp-json/wc/v3/${resource}?${q}>; rel="${rel}"`;
    };
    const links = [paging.page > 1 ? link(paging.page - 1, 'prev') : null, paging.page < totalPages ? link(paging.page + 1, 'next') : null].filter(Boolean);
    if (links.length > 0) headers['Link'] = links.join(', ');
    return { status: 200, headers, body: items.slice((paging.page - 1) * paging.perPage, paging.page * paging.perPage).map(present) };
  }

  private createWebhook(req: FakeRequest): FakeAnswer {
    const body = jsonBody(req);
    if (!body || typeof body['topic'] !== 'string' || typeof body['delivery_url'] !== 'string') {
      return error(400, 'rest_missing_callback_param', 'Missing parameter(s): topic, delivery_url');
    }
    const [resource] = body['topic'].split('.');
    if (!['order', 'customer', 'product', 'coupon'].includes(resource!)) return error(400, 'woocommerce_rest_webhook_invalid_topic', 'Webhook topic is invalid.');
    const hook: FakeWooWebhook = {
      id: this.nextWebhookId++,
      name: typeof body['name'] === 'string' ? body['name'] : `Webhook created on ${new Date().toUTCString()}`,
      status: body['status'] === 'paused' || body['status'] === 'disabled' ? body['status'] : 'active',
      topic: body['topic'],
      delivery_url: body['delivery_url'],
      secret: typeof body['secret'] === 'string' ? body['secret'] : '',
      failure_count: 0,
    };
    this.webhooks.push(hook);
    // WC_Webhook::deliver_ping(): one unsigned form POST, sent when the webhook is created.
    const ping = this.deliver(hook.delivery_url, { 'Content-Type': 'application/x-www-form-urlencoded', 'User-Agent': 'WooCommerce/9.0.0 Hookshot (WordPress/6.5)' }, `webhook_id=${hook.id}`);
    this.pending.add(ping);
    void ping.finally(() => this.pending.delete(ping));
    return { status: 201, body: publicWebhook(hook) };
  }

  private deleteWebhook(id: string, query: URLSearchParams): FakeAnswer {
    if (query.get('force') !== 'true' && query.get('force') !== '1') return error(501, 'woocommerce_rest_trash_not_supported', 'Webhooks do not support trashing.');
    const at = this.webhooks.findIndex((w) => String(w.id) === id);
    if (at < 0) return error(404, 'woocommerce_rest_webhook_invalid_id', 'Invalid ID.');
    const [hook] = this.webhooks.splice(at, 1);
    return { status: 200, body: publicWebhook(hook!) };
  }

  /** An order in the documented shape (REST docs, "Create an order" response), with one line without SKU. */
  private makeOrder(changes: Record<string, unknown>, at: number): FakeWooOrder {
    const id = this.nextOrderId++;
    const created = wooDate(at);
    const order: FakeWooOrder = {
      id,
      parent_id: 0,
      number: String(id),
      order_key: `wc_order_${id.toString(16)}`,
      created_via: 'checkout',
      version: '9.0.0',
      status: 'processing',
      currency: this.currency,
      date_created: created,
      date_created_gmt: created,
      date_modified: created,
      date_modified_gmt: created,
      discount_total: '0.00',
      discount_tax: '0.00',
      shipping_total: '10.00',
      shipping_tax: '0.00',
      cart_tax: '1.35',
      total: '29.35',
      total_tax: '1.35',
      prices_include_tax: false,
      // Odd ids are guest checkouts (customer_id 0), even ids registered customers.
      customer_id: id % 2 === 0 ? id : 0,
      customer_ip_address: '',
      customer_user_agent: '',
      customer_note: '',
      billing: { first_name: 'John', last_name: 'Doe', company: '', address_1: '969 Market', address_2: '', city: 'San Francisco', state: 'CA', postcode: '94103', country: 'US', email: `customer${id}@example.com`, phone: '(555) 555-5555' },
      shipping: { first_name: 'John', last_name: 'Doe', company: '', address_1: '969 Market', address_2: '', city: 'San Francisco', state: 'CA', postcode: '94103', country: 'US', phone: '' },
      payment_method: 'bacs',
      payment_method_title: 'Direct Bank Transfer',
      transaction_id: '',
      date_paid: created,
      date_paid_gmt: created,
      date_completed: null,
      date_completed_gmt: null,
      cart_hash: '',
      meta_data: [],
      line_items: [
        { id: id * 10 + 1, name: 'Woo Single #1', product_id: 1, variation_id: 0, quantity: 2, tax_class: '', subtotal: '6.00', subtotal_tax: '0.45', total: '6.00', total_tax: '0.45', taxes: [], meta_data: [], sku: '', price: 3 },
        { id: id * 10 + 2, name: 'Ship Your Idea – Color: Black', product_id: 4, variation_id: 5, quantity: 1, tax_class: '', subtotal: '12.00', subtotal_tax: '0.90', total: '12.00', total_tax: '0.90', taxes: [], meta_data: [], sku: 'Bar3', price: 12 },
      ],
      tax_lines: [],
      shipping_lines: [{ id: id * 10 + 3, method_title: 'Flat Rate', method_id: 'flat_rate', total: '10.00', total_tax: '0.00', taxes: [], meta_data: [] }],
      fee_lines: [],
      coupon_lines: [],
      refunds: [],
    };
    return Object.assign(order, changes);
  }

  /** The order as the API shows it, with its `_links` on this site. */
  private present(order: FakeWooOrder): Record<string, unknown> {
    const api = `${this.siteUrl}/wp-json/wc/v3`;
    return { ...order, _links: { self: [{ href: `${api}/orders/${order.id}` }], collection: [{ href: `${api}/orders` }] } };
  }
}

const CREATED = Symbol('created');

/** `date_created_gmt` in ms, parsed once per value and kept on the order under a symbol (JSON never shows it). */
function createdMs(order: FakeWooOrder): number {
  const cached = (order as { [CREATED]?: { text: string; ms: number } })[CREATED];
  if (cached?.text === order.date_created_gmt) return cached.ms;
  const ms = Date.parse(`${order.date_created_gmt}Z`);
  Object.defineProperty(order, CREATED, { value: { text: order.date_created_gmt, ms }, enumerable: false, writable: true, configurable: true });
  return ms;
}

function pagingOf(query: URLSearchParams): { page: number; perPage: number } | FakeAnswer {
  const page = Number(query.get('page') ?? '1');
  const perPage = Number(query.get('per_page') ?? '10');
  if (!Number.isInteger(page) || page < 1) return error(400, 'rest_invalid_param', 'Invalid parameter(s): page');
  if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100) return error(400, 'rest_invalid_param', 'Invalid parameter(s): per_page');
  return { page, perPage };
}

function publicWebhook(hook: FakeWooWebhook): Record<string, unknown> {
  const [resource, event] = hook.topic.split('.');
  return { id: hook.id, name: hook.name, status: hook.status, topic: hook.topic, resource, event, hooks: [], delivery_url: hook.delivery_url };
}

function error(status: number, code: string, message: string): FakeAnswer {
  return { status, body: { code, message, data: { status } } };
}

/** Woo's dates: `YYYY-MM-DDTHH:MM:SS`, no zone (the `_gmt` ones are UTC). */
function wooDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** PHP's json_encode defaults (what wp_json_encode sends): `/` as `\/`, non-ASCII as `\uXXXX`. */
export function phpJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
