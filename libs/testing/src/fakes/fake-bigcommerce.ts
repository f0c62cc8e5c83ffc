import { createHash } from 'node:crypto';
import { FakePlatformServer, jsonBody, type FakeAnswer, type FakeDelivery, type FakeRequest } from './fake-platform-server.js';

/**
 * BigCommerce's REST API on loopback, under `/stores/{store_hash}` as at https://api.bigcommerce.com: `X-Auth-Token`,
 * v2 store and orders (paged with `page`/`limit` or `min_id`, 204 on an empty page, `/orders/count`, products, shipping
 * addresses and shipments sub-resources), v3 hooks and catalog counts, the rate-limit headers and 429 of
 * https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits (on a clock tests may drive), and
 * hooks that POST light payloads with the headers given at their creation.
 */
export interface FakeBigcommerceOptions {
  storeHash?: string;
  accessToken?: string;
  /** Orders seeded at start, in the documented shape, ids ascending. */
  orders?: number;
  /** Catalog: `products`, each with `variantsEach` variants (BigCommerce counts the base variant as one). */
  catalog?: { products: number; variantsEach: number };
  /** Requests per window (BigCommerce's Standard plan: 150 per 30 s); defaults to 20,000 per 30 s. */
  rateLimit?: { quota: number; windowMs: number };
  /** The fake's clock for the rate-limit window (tests pass a virtual one shared with the client's sleep). */
  now?: () => number;
  /** Honours `include=consignments.line_items&consignment_structure=object` (default true; false acts as an older API). */
  consignments?: boolean;
}

export interface FakeBcHook {
  id: number;
  scope: string;
  destination: string;
  is_active: boolean;
  headers: Record<string, string> | null;
  created_at: number;
  updated_at: number;
}

export type FakeBcOrder = Record<string, unknown> & { id: number; status_id: number; date_created: string; date_modified: string };

/** A shipment request the fake received (`POST …/shipments` or `PUT …/shipments/{id}`), body as sent. */
export interface FakeBcShipmentRequest {
  method: 'POST' | 'PUT';
  orderId: number;
  body: Record<string, unknown>;
}

const BASE_TIME = Date.parse('2024-01-01T00:00:00Z');

export class FakeBigcommerce extends FakePlatformServer {
  readonly storeHash: string;
  readonly accessToken: string;
  readonly orders: FakeBcOrder[] = [];
  readonly hooks: FakeBcHook[] = [];
  /** Shipments created through the API, by order id; every request that made or changed one is in `shipmentRequests`. */
  readonly shipments = new Map<number, Record<string, unknown>[]>();
  readonly shipmentRequests: FakeBcShipmentRequest[] = [];
  private readonly shipmentRefusals: FakeAnswer[] = [];
  private nextShipmentId = 1;
  private readonly catalog: { products: number; variantsEach: number };
  private readonly rateLimit: { quota: number; windowMs: number };
  private readonly now: () => number;
  private readonly consignments: boolean;
  private windowStart: number;
  private used = 0;
  private nextOrderId = 100;
  private nextHookId = 20172984;

  constructor(options: FakeBigcommerceOptions = {}) {
    super();
    this.storeHash = options.storeHash ?? 'abc123';
    this.accessToken = options.accessToken ?? 'fake-bigcommerce-token';
    this.catalog = options.catalog ?? { products: 4, variantsEach: 3 };
    this.rateLimit = options.rateLimit ?? { quota: 20_000, windowMs: 30_000 };
    this.now = options.now ?? Date.now;
    this.consignments = options.consignments ?? true;
    this.windowStart = this.now();
    for (let i = 0; i < (options.orders ?? 0); i++) this.orders.push(this.makeOrder({}, BASE_TIME + i * 60_000));
  }

  /** `bigcommerceOrigin` for the client (it adds `/stores/{hash}`). */
  get apiOrigin(): string {
    return this.origin;
  }

  /** Answers the next `count` requests with 429, with or without the rate-limit headers (BigCommerce sends both kinds). */
  rateLimitNext(count = 1, resetMs = 1000, withHeaders = true): void {
    const headers = withHeaders
      ? { 'X-Rate-Limit-Time-Window-Ms': String(this.rateLimit.windowMs), 'X-Rate-Limit-Time-Reset-Ms': String(resetMs), 'X-Rate-Limit-Requests-Quota': String(this.rateLimit.quota), 'X-Rate-Limit-Requests-Left': '0' }
      : undefined;
    for (let i = 0; i < count; i++) this.queueFault({ kind: 'status', status: 429, headers, body: this.errorBody(429, 'Too many requests') });
  }

  /** The next shipment create or update is refused with this status and v2's `[{ status, message }]` body. */
  refuseNextShipment(status: number, message: string): void {
    this.shipmentRefusals.push({ status, body: this.errorBody(status, message) });
  }

  /** Creates an order (id ascending) and calls the `store/order/created` hooks. */
  async placeOrder(changes: Record<string, unknown> = {}): Promise<FakeBcOrder> {
    const order = this.makeOrder(changes, this.now());
    this.orders.push(order);
    await this.fire('store/order/created', { type: 'order', id: order.id });
    return order;
  }

  /** Changes an order, moves `date_modified` forward and calls the `store/order/updated` hooks. */
  async updateOrder(id: number, changes: Record<string, unknown>): Promise<FakeBcOrder> {
    const order = this.orders.find((o) => o.id === id);
    if (!order) throw new Error(`no order ${id}`);
    const modified = Math.max(this.now(), Date.parse(order.date_modified) + 1000);
    Object.assign(order, changes, { date_modified: rfc2822(modified) });
    await this.fire('store/order/updated', { type: 'order', id });
    return order;
  }

  /** Archives an order (`is_deleted`: gone from the list, still readable by id) and calls `store/order/archived` hooks. */
  async archiveOrder(id: number): Promise<void> {
    const order = this.orders.find((o) => o.id === id);
    if (!order) throw new Error(`no order ${id}`);
    order['is_deleted'] = true;
    await this.fire('store/order/archived', { type: 'order', id });
  }

  private async fire(scope: string, data: Record<string, unknown>): Promise<FakeDelivery[]> {
    const payload = {
      scope,
      store_id: '1025646',
      data,
      // "The SHA-1 hash of the JSON-encoded payload data" (webhook events, callback structure).
      hash: createHash('sha1').update(JSON.stringify(data)).digest('hex'),
      created_at: Math.floor(this.now() / 1000),
      producer: `stores/${this.storeHash}`,
    };
    const body = JSON.stringify(payload);
    const sent: FakeDelivery[] = [];
    for (const hook of this.hooks.filter((h) => h.is_active && scopeMatches(h.scope, scope))) {
      sent.push(await this.deliver(hook.destination, { 'Content-Type': 'application/json', ...(hook.headers ?? {}) }, body));
    }
    return sent;
  }

  protected errorBody(status: number, message: string): unknown {
    return [{ status, message }];
  }

  protected handle(req: FakeRequest): FakeAnswer {
    const match = /^\/stores\/([^/]+)\/(v2|v3)\/(.+?)\/?$/.exec(req.path);
    if (!match || match[1] !== this.storeHash) return { status: 404, body: { status: 404, title: 'Store not found' } };
    const version = match[2]!;
    if (req.headers['x-auth-token'] !== this.accessToken) {
      return version === 'v2'
        ? { status: 401, body: [{ status: 401, message: 'You must be authenticated to access this resource.' }] }
        : { status: 401, body: { status: 401, title: 'Unauthorized - the v3 Auth client ID or token in the request are not a valid combination for this store.', type: '/api-docs/getting-started/api-status-codes' } };
    }
    const limit = this.meter();
    if (limit.status === 429) return limit;
    const answer = this.route(req, version, match[3]!);
    return { ...answer, headers: { ...limit.headers, ...answer.headers } };
  }

  /** Counts the request in the current window; 429 once the quota is spent. */
  private meter(): FakeAnswer & { headers: Record<string, string> } {
    const now = this.now();
    if (now - this.windowStart >= this.rateLimit.windowMs) {
      this.windowStart = now;
      this.used = 0;
    }
    this.used++;
    const left = Math.max(0, this.rateLimit.quota - this.used);
    const headers = {
      'X-Rate-Limit-Time-Window-Ms': String(this.rateLimit.windowMs),
      'X-Rate-Limit-Time-Reset-Ms': String(Math.max(0, this.windowStart + this.rateLimit.windowMs - now)),
      'X-Rate-Limit-Requests-Quota': String(this.rateLimit.quota),
      'X-Rate-Limit-Requests-Left': String(left),
    };
    if (this.used > this.rateLimit.quota) return { status: 429, headers, body: { status: 429, title: 'Too many requests' } };
    return { status: 200, headers };
  }

  private route(req: FakeRequest, version: string, path: string): FakeAnswer {
    const parts = path.split('/');
    const key = `${req.method} ${version}/${parts.map((p) => (/^\d+$/.test(p) ? ':id' : p)).join('/')}`;
    const id = parts.find((p) => /^\d+$/.test(p));
    switch (key) {
      case 'GET v2/store':
        return { status: 200, body: this.store() };
      case 'GET v2/orders':
        return this.listOrders(req.query);
      case 'GET v2/orders/count':
        return { status: 200, body: this.count(req.query) };
      case 'GET v2/orders/:id': {
        const order = this.orders.find((o) => String(o.id) === id);
        return order ? { status: 200, body: this.present(order, req.query) } : notFound();
      }
      case 'GET v2/orders/:id/products':
      case 'GET v2/orders/:id/shipping_addresses':
      case 'GET v2/orders/:id/shipments': {
        const order = this.orders.find((o) => String(o.id) === id);
        if (!order) return notFound();
        const items = this.subresource(order, parts[2]!);
        return items.length === 0 ? { status: 204 } : { status: 200, body: items };
      }
      case 'POST v2/orders/:id/shipments':
      case 'PUT v2/orders/:id/shipments/:id': {
        const order = this.orders.find((o) => String(o.id) === id);
        return order ? this.shipment(order, req, parts[3]) : notFound();
      }
      case 'GET v3/hooks': {
        const destination = req.query.get('destination');
        const hooks = this.hooks.filter((h) => !destination || h.destination === destination).map((h) => this.presentHook(h));
        return { status: 200, body: { data: hooks, meta: { pagination: { total: hooks.length, count: hooks.length, per_page: 50, current_page: 1, total_pages: 1 } } } };
      }
      case 'POST v3/hooks':
        return this.createHook(req);
      case 'DELETE v3/hooks/:id': {
        const at = this.hooks.findIndex((h) => String(h.id) === id);
        if (at < 0) return { status: 404, body: { status: 404, title: 'The requested resource was not found.', type: '/api-docs/getting-started/api-status-codes' } };
        const [hook] = this.hooks.splice(at, 1);
        return { status: 200, body: { data: this.presentHook(hook!), meta: {} } };
      }
      case 'GET v3/catalog/products':
        return this.catalogPage(this.catalog.products, req.query);
      case 'GET v3/catalog/variants':
        return this.catalogPage(this.catalog.products * this.catalog.variantsEach, req.query);
      default:
        return notFound();
    }
  }

  /**
   * Creates (POST) or changes (PUT) a shipment as v2 documents it: `order_address_id` one of the order's shipping
   * addresses, `items` order products with at most what is left to ship, `tracking_number` up to 50 characters;
   * 400 with `[{ status, message }]` otherwise. Shipping every line moves the order to Shipped (2), some to Partially Shipped (3).
   */
  private shipment(order: FakeBcOrder, req: FakeRequest, shipmentId: string | undefined): FakeAnswer {
    const body = jsonBody(req);
    if (!body) return { status: 400, body: this.errorBody(400, 'The request body is not valid JSON.') };
    const refusal = this.shipmentRefusals.shift();
    if (refusal) return refusal;
    const bad = (field: string) => ({ status: 400, body: this.errorBody(400, `The field '${field}' is invalid.`) });
    const tracking = body['tracking_number'];
    if (tracking !== undefined && (typeof tracking !== 'string' || tracking.length > 50)) return bad('tracking_number');
    const existing = this.shipments.get(order.id) ?? [];
    if (req.method === 'PUT') {
      const at = existing.findIndex((s) => String(s['id']) === shipmentId);
      if (at < 0) return notFound();
      const changed = { ...existing[at]!, ...pick(body, ['tracking_number', 'shipping_provider', 'tracking_carrier', 'tracking_link', 'comments']) };
      existing[at] = changed;
      this.shipmentRequests.push({ method: 'PUT', orderId: order.id, body });
      return { status: 200, body: changed };
    }
    const [address] = this.subresource(order, 'shipping_addresses') as Record<string, unknown>[];
    if (body['order_address_id'] !== address?.['id']) return bad('order_address_id');
    const products = this.subresource(order, 'products') as Record<string, unknown>[];
    const items = Array.isArray(body['items']) ? (body['items'] as Record<string, unknown>[]) : [];
    if (items.length === 0) return bad('items');
    for (const item of items) {
      const product = products.find((p) => p['id'] === item['order_product_id']);
      const left = product ? Number(product['quantity']) - Number(product['quantity_shipped']) : 0;
      if (!product || !Number.isInteger(item['quantity']) || (item['quantity'] as number) < 1 || (item['quantity'] as number) > left) return bad('items');
    }
    const shipment = {
      id: this.nextShipmentId++,
      order_id: order.id,
      customer_id: order['customer_id'],
      order_address_id: address!['id'],
      date_created: rfc2822(this.now()),
      tracking_number: tracking ?? '',
      merchant_shipping_cost: '0.0000',
      shipping_method: 'None',
      comments: body['comments'] ?? '',
      shipping_provider: body['shipping_provider'] ?? '',
      tracking_carrier: body['tracking_carrier'] ?? '',
      tracking_link: body['tracking_link'] ?? '',
      items: items.map((i) => ({ order_product_id: i['order_product_id'], product_id: 0, quantity: i['quantity'] })),
    };
    this.shipments.set(order.id, [...existing, shipment]);
    this.shipmentRequests.push({ method: 'POST', orderId: order.id, body });
    const allShipped = (this.subresource(order, 'products') as Record<string, unknown>[]).every((p) => p['quantity_shipped'] === p['quantity']);
    Object.assign(order, { status_id: allShipped ? 2 : 3, status: allShipped ? 'Shipped' : 'Partially Shipped' });
    return { status: 201, body: shipment };
  }

  /** Units of an order product in the shipments made through the API. */
  private shippedUnits(orderId: number, productLineId: number): number {
    let units = 0;
    for (const s of this.shipments.get(orderId) ?? []) {
      for (const i of s['items'] as Record<string, unknown>[]) if (i['order_product_id'] === productLineId) units += Number(i['quantity']);
    }
    return units;
  }

  private listOrders(query: URLSearchParams): FakeAnswer {
    const page = Number(query.get('page') ?? '1');
    const limit = Math.min(250, Number(query.get('limit') ?? '50'));
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(limit) || limit < 1) return { status: 400, body: [{ status: 400, message: 'The field page or limit is invalid.' }] };
    const [field, direction] = (query.get('sort') ?? 'id:asc').split(':');
    const orders = this.filtered(query);
    // Seeded and placed orders are appended with ascending ids, so the default sort needs no work.
    if (field === 'date_created') orders.sort((a, b) => createdMs(a) - createdMs(b) || a.id - b.id);
    else if (orders.some((o, i) => i > 0 && orders[i - 1]!.id > o.id)) orders.sort((a, b) => a.id - b.id);
    if (direction === 'desc') orders.reverse();
    const slice = orders.slice((page - 1) * limit, page * limit);
    return slice.length === 0 ? { status: 204 } : { status: 200, body: slice.map((o) => this.present(o, query)) };
  }

  /** Orders the list shows: not archived, not Incomplete (status 0), within the date filters. */
  private filtered(query: URLSearchParams, includeIncomplete = false): FakeBcOrder[] {
    const max = query.get('max_date_created');
    const min = query.get('min_date_created');
    const maxMs = max ? Date.parse(max) : Number.POSITIVE_INFINITY;
    const minMs = min ? Date.parse(min) : Number.NEGATIVE_INFINITY;
    const dated = max !== null || min !== null;
    const minId = Number(query.get('min_id') ?? '0');
    const maxId = Number(query.get('max_id') ?? String(Number.MAX_SAFE_INTEGER));
    return this.orders.filter(
      (o) => o['is_deleted'] !== true && (includeIncomplete || o.status_id !== 0) && o.id >= minId && o.id <= maxId && (!dated || (createdMs(o) <= maxMs && createdMs(o) >= minMs)),
    );
  }

  private count(query: URLSearchParams): Record<string, unknown> {
    const orders = this.filtered(query, true);
    const byStatus = new Map<number, number>();
    for (const o of orders) byStatus.set(o.status_id, (byStatus.get(o.status_id) ?? 0) + 1);
    const statuses = Object.entries(STATUS_NAMES).map(([id, name], sort_order) => ({ id: Number(id), name, system_label: name, custom_label: name, count: byStatus.get(Number(id)) ?? 0, sort_order }));
    return { statuses, count: orders.length };
  }

  private catalogPage(total: number, query: URLSearchParams): FakeAnswer {
    const limit = Math.min(250, Number(query.get('limit') ?? '50'));
    const page = Number(query.get('page') ?? '1');
    const ids = Array.from({ length: Math.max(0, Math.min(limit, total - (page - 1) * limit)) }, (_, i) => ({ id: (page - 1) * limit + i + 1 }));
    return { status: 200, body: { data: ids, meta: { pagination: { total, count: ids.length, per_page: limit, current_page: page, total_pages: Math.ceil(total / limit) } } } };
  }

  private createHook(req: FakeRequest): FakeAnswer {
    const body = jsonBody(req);
    if (!body || typeof body['scope'] !== 'string' || typeof body['destination'] !== 'string') {
      return { status: 422, body: { status: 422, title: 'JSON data is missing or invalid', type: '/api-docs/getting-started/api-status-codes', errors: { scope: 'required', destination: 'required' } } };
    }
    const now = Math.floor(this.now() / 1000);
    const headers = body['headers'] && typeof body['headers'] === 'object' ? (body['headers'] as Record<string, string>) : null;
    const hook: FakeBcHook = { id: this.nextHookId++, scope: body['scope'], destination: body['destination'], is_active: body['is_active'] !== false, headers, created_at: now, updated_at: now };
    this.hooks.push(hook);
    return { status: 200, body: { data: this.presentHook(hook), meta: {} } };
  }

  private presentHook(hook: FakeBcHook): Record<string, unknown> {
    return { ...hook, client_id: 'fakeclientid', store_hash: this.storeHash };
  }

  private store(): Record<string, unknown> {
    return {
      id: this.storeHash,
      domain: 'fake-store.example.com',
      secure_url: 'https://fake-store.example.com',
      control_panel_base_url: `https://store-${this.storeHash}.mybigcommerce.com`,
      status: 'live',
      name: 'Fake BigCommerce Store',
      timezone: { name: 'America/Chicago', raw_offset: -21600, dst_offset: -18000, dst_correction: true },
      language: 'en',
      currency: 'USD',
      currency_symbol: '$',
      decimal_places: 2,
      plan_name: 'Standard',
    };
  }

  /** The order as GET /v2/orders/{id} shows it (documented `order_Resp`), with its sub-resource links. */
  private present(order: FakeBcOrder, query: URLSearchParams): Record<string, unknown> {
    const base = `${this.origin}/stores/${this.storeHash}/v2/orders/${order.id}`;
    const inline = this.consignments && query.get('include')?.split(',').includes('consignments.line_items') && query.get('consignment_structure') === 'object';
    return {
      ...order,
      ...(inline ? { consignments: this.consignmentsOf(order) } : {}),
      products: { url: `${base}/products`, resource: `/orders/${order.id}/products` },
      shipping_addresses: { url: `${base}/shippingaddresses`, resource: `/orders/${order.id}/shippingaddresses` },
      coupons: { url: `${base}/coupons`, resource: `/orders/${order.id}/coupons` },
    };
  }

  /** The object structure of `include=consignments.line_items`: one shipping consignment holding every line. */
  private consignmentsOf(order: FakeBcOrder): Record<string, unknown> {
    const [address] = this.subresource(order, 'shipping_addresses') as Record<string, unknown>[];
    return { pickups: [], shipping: [{ ...address, line_items: this.subresource(order, 'products') }], downloads: [], email: { gift_certificates: [] } };
  }

  private subresource(order: FakeBcOrder, name: string): unknown[] {
    if (name === 'products') {
      return this.productLines(order).map((p) => ({ ...p, quantity_shipped: this.shippedUnits(order.id, p['id'] as number) }));
    }
    if (name === 'shipping_addresses') {
      const billing = order['billing_address'] as Record<string, unknown>;
      return [{ id: order.id, order_id: order.id, ...billing, items_total: 2, items_shipped: 0, shipping_method: 'Flat Rate', base_cost: '12.0000', cost_ex_tax: '11.0900', cost_inc_tax: '12.0000', cost_tax: '0.9100', shipping_zone_id: 1, shipping_zone_name: 'United States', form_fields: [] }];
    }
    const made = this.shipments.get(order.id);
    if (made) return made;
    if (order.status_id === 2 || order.status_id === 3) {
      return [{ id: order.id, order_id: order.id, customer_id: order['customer_id'], order_address_id: order.id, date_created: order.date_modified, tracking_number: `EJ${order.id}US`, shipping_method: 'None', shipping_provider: 'usps', tracking_carrier: '', tracking_link: '', comments: '', items: [] }];
    }
    return [];
  }

  private productLines(order: FakeBcOrder): Record<string, unknown>[] {
    return [
      { id: order.id * 10 + 1, order_id: order.id, product_id: 77, variant_id: 93, order_address_id: order.id, name: 'Fog Linen Chambray Towel - Beige Stripe', sku: 'S-ORAN', type: 'physical', base_price: '55.9900', price_ex_tax: '55.9900', price_inc_tax: '65.2300', price_tax: '9.2400', base_total: '55.9900', total_ex_tax: '55.9900', total_inc_tax: '65.2300', total_tax: '9.2400', quantity: 1, is_refunded: false, quantity_refunded: 0, refund_amount: '0.0000', quantity_shipped: 0, parent_order_product_id: null, is_bundled_product: false, brand: 'BigCommerce', applied_discounts: [], product_options: [], configurable_fields: [] },
      { id: order.id * 10 + 2, order_id: order.id, product_id: 0, variant_id: 0, order_address_id: order.id, name: 'Custom engraving', sku: '', type: 'physical', base_price: '6.8500', price_ex_tax: '6.8500', price_inc_tax: '6.8500', price_tax: '0.0000', base_total: '6.8500', total_ex_tax: '6.8500', total_inc_tax: '6.8500', total_tax: '0.0000', quantity: 1, is_refunded: false, quantity_refunded: 0, refund_amount: '0.0000', quantity_shipped: 0, parent_order_product_id: null, is_bundled_product: false, brand: '', applied_discounts: [], product_options: [], configurable_fields: [] },
    ];
  }

  /** An order in the documented shape (reference `order_Resp`); odd ids are guests (customer_id 0). */
  private makeOrder(changes: Record<string, unknown>, at: number): FakeBcOrder {
    const id = this.nextOrderId++;
    const date = rfc2822(at);
    const order: FakeBcOrder = {
      id,
      customer_id: id % 2 === 0 ? id : 0,
      date_created: date,
      date_modified: date,
      date_shipped: '',
      status_id: 11,
      status: 'Awaiting Fulfillment',
      subtotal_ex_tax: '62.8400',
      subtotal_inc_tax: '72.0800',
      subtotal_tax: '9.2400',
      base_shipping_cost: '12.0000',
      shipping_cost_ex_tax: '11.0900',
      shipping_cost_inc_tax: '12.0000',
      shipping_cost_tax: '0.9100',
      handling_cost_ex_tax: '0.0000',
      handling_cost_inc_tax: '0.0000',
      wrapping_cost_ex_tax: '0.0000',
      wrapping_cost_inc_tax: '0.0000',
      total_ex_tax: '68.9300',
      total_inc_tax: '79.0800',
      total_tax: '10.1500',
      items_total: 2,
      items_shipped: 0,
      payment_method: 'Credit Card',
      payment_status: 'captured',
      refunded_amount: '0.0000',
      order_is_digital: false,
      currency_id: 1,
      currency_code: 'USD',
      currency_exchange_rate: '1.0000000000',
      default_currency_id: 1,
      default_currency_code: 'USD',
      staff_notes: '',
      customer_message: '',
      discount_amount: '5.0000',
      coupon_discount: '0.0000',
      shipping_address_count: 1,
      is_deleted: false,
      is_email_opt_in: id % 3 === 0,
      billing_address: { first_name: 'Jane', last_name: 'Doe', company: '', street_1: '455 Main Street', street_2: '', city: 'Austin', state: 'Texas', zip: '78751', country: 'United States', country_iso2: 'US', phone: '555-123-4567', email: `shopper${id}@example.com`, form_fields: [] },
      order_source: 'www',
      channel_id: 1,
      external_source: null,
      customer_locale: 'en',
    };
    return Object.assign(order, changes);
  }
}

const STATUS_NAMES: Record<number, string> = { 0: 'Incomplete', 1: 'Pending', 2: 'Shipped', 3: 'Partially Shipped', 4: 'Refunded', 5: 'Cancelled', 6: 'Declined', 7: 'Awaiting Payment', 8: 'Awaiting Pickup', 9: 'Awaiting Shipment', 10: 'Completed', 11: 'Awaiting Fulfillment', 12: 'Manual Verification Required', 13: 'Disputed', 14: 'Partially Refunded' };

const CREATED = Symbol('created');

/** `date_created` in ms, parsed once per value and kept on the order under a symbol (JSON never shows it). */
function createdMs(order: FakeBcOrder): number {
  const cached = (order as { [CREATED]?: { text: string; ms: number } })[CREATED];
  if (cached?.text === order.date_created) return cached.ms;
  const ms = Date.parse(order.date_created);
  Object.defineProperty(order, CREATED, { value: { text: order.date_created, ms }, enumerable: false, writable: true, configurable: true });
  return ms;
}

function scopeMatches(registered: string, scope: string): boolean {
  return registered === scope || (registered.endsWith('/*') && scope.startsWith(registered.slice(0, -1)));
}

function notFound(): FakeAnswer {
  return { status: 404, body: [{ status: 404, message: 'The requested resource was not found.' }] };
}

/** BigCommerce v2's dates: RFC 2822 in UTC ("Tue, 05 Mar 2019 21:40:11 +0000"). */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

function pick(body: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
}
