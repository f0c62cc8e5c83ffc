import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fakeOrder, fakeProducts, shopifyJson, type FakeShopifyOrder, type FakeShopifyProduct } from './fake-shopify-data.js';
import { FakeShopifyFulfilments } from './fake-shopify-fulfilments.js';

export { shopifyJson, type FakeShopifyOrder, type FakeShopifyProduct } from './fake-shopify-data.js';
export type { FakeShopifyTrackingPush } from './fake-shopify-fulfilments.js';

export interface FakeShopifyOptions {
  accessToken?: string;
  /** The app's API secret key, which signs the webhooks. */
  apiSecretKey?: string;
  shopDomain?: string;
  apiVersion?: string;
  /** Seeded orders (ids beyond 2^53), oldest first. */
  orders?: number;
  /** Distinct buyers of the seeded orders (default 50). */
  buyers?: number;
  products?: number;
  variantsPerProduct?: (productIndex: number) => number;
  /** The call-limit bucket: Shopify's standard is 40 calls, leaking 2 per second. */
  bucketSize?: number;
  leakPerSecond?: number;
  /** Real Shopify takes the privacy topics from the app's configuration; true makes webhooks.json refuse them too. */
  refusePrivacyTopics?: boolean;
}

export interface FakeShopifyRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** The bucket's level after this call, as the call-limit header said. */
  callLimit: string | null;
}

export interface FakeShopifyWebhook {
  id: bigint;
  topic: string;
  address: string;
  format: string;
  created_at: string;
}

export type ShopifyHeaderFamily = 'legacy' | 'events' | 'both';

export interface FakeShopifyDelivery {
  address: string;
  topic: string;
  webhookId: string;
  eventId: string;
  headers: Record<string, string>;
  body: string;
  /** The receiver's answer; 0 when it could not be reached. */
  status: number;
}

/**
 * The headers Shopify sends with a webhook, signed like Shopify (base64 HMAC-SHA256 of the body with the app's API
 * secret key): `X-Shopify-*` (legacy, every webhook), `Shopify-*` (Events deliveries) or both. For receiver tests and
 * the bench, which post Shopify-format webhooks without the fake's registry.
 */
export function shopifyWebhookHeaders(input: {
  topic: string;
  body: string | Buffer;
  secret: string;
  webhookId?: string;
  eventId?: string;
  shopDomain?: string;
  apiVersion?: string;
  family?: ShopifyHeaderFamily;
}): Record<string, string> {
  const values = {
    'Hmac-Sha256': createHmac('sha256', input.secret).update(input.body).digest('base64'),
    Topic: input.topic,
    'Shop-Domain': input.shopDomain ?? 'fake-shop.myshopify.com',
    'API-Version': input.apiVersion ?? '2025-07',
    'Webhook-Id': input.webhookId ?? randomUUID(),
    'Event-Id': input.eventId ?? randomUUID(),
    'Triggered-At': new Date().toISOString(),
  };
  const family = input.family ?? 'legacy';
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  for (const [name, value] of Object.entries(values)) {
    if (family !== 'events') headers[`X-Shopify-${name}`] = value;
    if (family !== 'legacy') headers[`Shopify-${name}`] = value;
  }
  return headers;
}

type Fault = { kind: 'status'; status: number; errors: string } | { kind: 'hang' } | { kind: 'stall-body' } | { kind: 'throttle'; retryAfter: string };

const TOPICS = new Set([
  'orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled', 'orders/delete', 'orders/edited',
  'refunds/create', 'customers/create', 'customers/update', 'customers/delete', 'products/create', 'products/update',
  'products/delete', 'app/uninstalled', 'customers/data_request', 'customers/redact', 'shop/redact',
]);
const PRIVACY = new Set(['customers/data_request', 'customers/redact', 'shop/redact']);
const MAX_LIMIT = 250;

interface PageInfo {
  /** Next page starts after this id (orders are listed newest first, by id descending). */
  after: string;
  status: string;
  createdAtMax: string | null;
}

/**
 * Shopify's Admin REST API on loopback, for the Shopify client and the tests and bench that drive it: access token,
 * pinned version, orders with cursor paging exactly like Shopify (`Link` header, opaque `page_info` that refuses other
 * filters, limit ≤ 250), counts, products and `productVariantsCount`, the leaky-bucket call limit with its header and
 * 429 + `Retry-After`, injected 5xx and hangs, a webhooks.json registry, and signed webhook deliveries to the
 * registered addresses (either header family, redeliverable with the same webhook id).
 */
export class FakeShopify {
  readonly accessToken: string;
  readonly apiSecretKey: string;
  readonly shopDomain: string;
  readonly apiVersion: string;
  readonly orders: FakeShopifyOrder[];
  readonly products: FakeShopifyProduct[];
  readonly webhooks: FakeShopifyWebhook[] = [];
  readonly requests: FakeShopifyRequest[] = [];
  readonly deliveries: FakeShopifyDelivery[] = [];
  /** Fulfilment orders, fulfilments with tracking, and every tracking push received (`fulfilments.pushes`). */
  readonly fulfilments: FakeShopifyFulfilments;
  /** Answers of 429 the bucket gave (injected throttles not counted). */
  throttled = 0;
  private readonly bucketSize: number;
  private readonly leakPerSecond: number;
  private readonly refusePrivacyTopics: boolean;
  private level = 0;
  private levelAt = Date.now();
  private readonly faults: Fault[] = [];
  private readonly hanging = new Set<ServerResponse>();
  private nextWebhookId = 4759306000000000001n;
  private server?: Server;
  private port = 0;
  private listed?: { key: string; orders: FakeShopifyOrder[] };

  constructor(options: FakeShopifyOptions = {}) {
    this.accessToken = options.accessToken ?? 'shpat_fake_access_token';
    this.apiSecretKey = options.apiSecretKey ?? 'shpss_fake_api_secret_key';
    this.shopDomain = options.shopDomain ?? 'fake-shop.myshopify.com';
    this.apiVersion = options.apiVersion ?? '2025-07';
    this.bucketSize = options.bucketSize ?? 40;
    this.leakPerSecond = options.leakPerSecond ?? 2;
    this.refusePrivacyTopics = options.refusePrivacyTopics ?? false;
    this.products = fakeProducts(options.products ?? 0, options.variantsPerProduct ?? ((i) => 1 + (i % 3)));
    this.orders = Array.from({ length: options.orders ?? 0 }, (_, i) => fakeOrder(i, this.products, undefined, options.buyers));
    // After the answer, in order: the order's webhooks to whoever subscribed (nobody, in the client's own specs).
    this.fulfilments = new FakeShopifyFulfilments(this.orders, (order, topics) =>
      setImmediate(() => void topics.reduce<Promise<unknown>>((sent, topic) => sent.then(() => this.emitWebhook(topic, order)), Promise.resolve())),
    );
  }

  get origin(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts on a free loopback port; returns the origin to configure as `shopifyOrigin`. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req, res).catch((error: unknown) => this.send(res, 500, { errors: String(error) }));
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this.origin;
  }

  async stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /**
   * The next `count` API calls answer `status` with Shopify's error body: 500/503 by default, or a refusal such as
   * 403 "[API] This action requires merchant approval for read_orders scope.".
   */
  failNext(count: number, status = 500, errors = status === 503 ? 'Service Unavailable' : 'Internal Server Error'): void {
    for (let i = 0; i < count; i += 1) this.faults.push({ kind: 'status', status, errors });
  }

  /** The next `count` API calls never answer (the client's timeout fires). */
  hangNext(count = 1): void {
    for (let i = 0; i < count; i += 1) this.faults.push({ kind: 'hang' });
  }

  /** The next `count` API calls answer 200 and start the body, then never finish it. */
  stallBodyNext(count = 1): void {
    for (let i = 0; i < count; i += 1) this.faults.push({ kind: 'stall-body' });
  }

  /** The next `count` API calls answer 429 with this `Retry-After`, whatever the bucket holds. */
  throttleNext(count: number, retryAfter = '2.0'): void {
    for (let i = 0; i < count; i += 1) this.faults.push({ kind: 'throttle', retryAfter });
  }

  /** Adds an order (as a webhook would announce it) and returns it. */
  addOrder(patch: Partial<FakeShopifyOrder> = {}): FakeShopifyOrder {
    const order = { ...fakeOrder(this.orders.length, this.products), ...patch } as FakeShopifyOrder;
    this.orders.push(order);
    return order;
  }

  variantCount(): number {
    return this.products.reduce((sum, p) => sum + p.variants.length, 0);
  }

  /**
   * Posts a webhook for `topic` to every address registered for it, signed with the API secret key like Shopify
   * (base64 HMAC-SHA256 of the raw body). `payload` is serialized with exact ids unless already a string.
   */
  async emitWebhook(
    topic: string,
    payload: unknown,
    options: { headers?: ShopifyHeaderFamily; webhookId?: string; eventId?: string } = {},
  ): Promise<FakeShopifyDelivery[]> {
    const body = typeof payload === 'string' ? payload : shopifyJson(payload);
    const eventId = options.eventId ?? randomUUID();
    const targets = this.webhooks.filter((w) => w.topic === topic);
    return Promise.all(
      targets.map((hook, i) => {
        const webhookId = options.webhookId && targets.length === 1 ? options.webhookId : (options.webhookId ? `${options.webhookId}-${i}` : randomUUID());
        const headers = shopifyWebhookHeaders({ topic, body, secret: this.apiSecretKey, shopDomain: this.shopDomain, apiVersion: this.apiVersion, webhookId, eventId, family: options.headers });
        return this.deliver({ address: hook.address, topic, webhookId, eventId, headers, body, status: 0 });
      }),
    );
  }

  /** Sends a delivery again, byte for byte with the same webhook id (Shopify's retry after a failure or timeout). */
  async redeliver(webhookId: string): Promise<FakeShopifyDelivery> {
    const original = this.deliveries.find((d) => d.webhookId === webhookId);
    if (!original) throw new Error(`no delivery ${webhookId}`);
    return this.deliver({ ...original, status: 0 });
  }

  private async deliver(delivery: FakeShopifyDelivery): Promise<FakeShopifyDelivery> {
    try {
      const response = await fetch(delivery.address, { method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(10_000) });
      await response.arrayBuffer();
      delivery.status = response.status;
    } catch {
      delivery.status = 0;
    }
    this.deliveries.push(delivery);
    return delivery;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.origin);
    const query = Object.fromEntries(url.searchParams);
    const body = await readBody(req);
    const log = (status: number) => this.requests.push({ method: req.method ?? 'GET', path: url.pathname, query, status, callLimit: res.getHeader('x-shopify-shop-api-call-limit')?.toString() ?? null });
    const prefix = `/admin/api/${this.apiVersion}/`;
    if (!url.pathname.startsWith(prefix)) {
      log(404);
      return this.send(res, 404, { errors: 'Not Found' });
    }
    if (req.headers['x-shopify-access-token'] !== this.accessToken) {
      log(401);
      return this.send(res, 401, { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' });
    }
    const fault = this.faults.shift();
    if (fault?.kind === 'hang') {
      log(0);
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    if (fault?.kind === 'stall-body') {
      log(200);
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.write('{"shop":{"name":');
      return;
    }
    if (fault?.kind === 'throttle') {
      log(429);
      res.setHeader('Retry-After', fault.retryAfter);
      return this.send(res, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
    }
    if (!this.take()) {
      this.throttled += 1;
      res.setHeader('Retry-After', '2.0');
      res.setHeader('X-Shopify-Shop-Api-Call-Limit', `${this.bucketSize}/${this.bucketSize}`);
      log(429);
      return this.send(res, 429, { errors: 'Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.' });
    }
    res.setHeader('X-Shopify-Shop-Api-Call-Limit', `${Math.ceil(this.level)}/${this.bucketSize}`);
    if (fault?.kind === 'status') {
      log(fault.status);
      return this.send(res, fault.status, { errors: fault.errors });
    }
    const [status, answer, headers] = this.route(req.method ?? 'GET', url.pathname.slice(prefix.length), url.searchParams, body);
    for (const [name, value] of Object.entries(headers ?? {})) res.setHeader(name, value);
    log(status);
    this.send(res, status, answer);
  }

  /** Leaky bucket: leak since the last call, then take one call if it fits. */
  private take(): boolean {
    const now = Date.now();
    this.level = Math.max(0, this.level - ((now - this.levelAt) / 1000) * this.leakPerSecond);
    this.levelAt = now;
    if (this.level + 1 > this.bucketSize) return false;
    this.level += 1;
    return true;
  }

  private route(method: string, path: string, params: URLSearchParams, body: string): [number, unknown, Record<string, string>?] {
    const key = `${method} ${path}`;
    if (key === 'GET shop.json') {
      return [200, { shop: { id: 548380009n, name: 'Fake Shop', email: 'owner@example.com', domain: this.shopDomain, myshopify_domain: this.shopDomain, currency: 'USD', iana_timezone: 'America/New_York', timezone: '(GMT-05:00) Eastern Time (US & Canada)', plan_name: 'basic' } }];
    }
    if (key === 'GET orders.json') return this.listOrders(params);
    if (key === 'GET orders/count.json') return [200, { count: this.filterOrders(params.get('status') ?? 'open', params.get('created_at_max')).length }];
    const orderMatch = /^orders\/(\d+)\.json$/.exec(path);
    if (method === 'GET' && orderMatch) {
      const order = this.orders.find((o) => o.id === BigInt(orderMatch[1]!));
      return order ? [200, { order }] : [404, { errors: 'Not Found' }];
    }
    if (key === 'GET products/count.json') return [200, { count: this.products.length }];
    if (key === 'POST graphql.json') {
      if (/productVariantsCount/.test(body)) return [200, { data: { productVariantsCount: { count: this.variantCount(), precision: 'EXACT' } } }];
      return [200, { errors: [{ message: 'The fake Shopify answers productVariantsCount only' }] }];
    }
    if (key === 'GET webhooks.json') {
      const topic = params.get('topic');
      const address = params.get('address');
      return [200, { webhooks: this.webhooks.filter((w) => (!topic || w.topic === topic) && (!address || w.address === address)).map((w) => this.webhookResource(w)) }];
    }
    if (key === 'POST webhooks.json') return this.createWebhook(body);
    const fulfilment = this.fulfilments.route(method, path, body);
    if (fulfilment) return fulfilment;
    const webhookMatch = /^webhooks\/(\d+)\.json$/.exec(path);
    if (method === 'DELETE' && webhookMatch) {
      const index = this.webhooks.findIndex((w) => w.id === BigInt(webhookMatch[1]!));
      if (index < 0) return [404, { errors: 'Not Found' }];
      this.webhooks.splice(index, 1);
      return [200, {}];
    }
    return [404, { errors: 'Not Found' }];
  }

  private filterOrders(status: string, createdAtMax: string | null): FakeShopifyOrder[] {
    const max = createdAtMax ? Date.parse(createdAtMax) : Number.POSITIVE_INFINITY;
    return this.orders.filter((o) => {
      if (Date.parse(o.created_at) > max) return false;
      if (status === 'any') return true;
      const open = o.cancelled_at === null && o.closed_at === null;
      return status === 'open' ? open : status === 'closed' ? o.closed_at !== null : status === 'cancelled' ? o.cancelled_at !== null : false;
    });
  }

  /**
   * The filtered orders, newest first, kept while the filters and the number of orders stay the same, so a sync of
   * many pages (the bench) costs one sort, not one per page.
   */
  private listing(status: string, createdAtMax: string | null): FakeShopifyOrder[] {
    const key = `${status}|${createdAtMax ?? ''}|${this.orders.length}`;
    if (this.listed?.key !== key) {
      const orders = this.filterOrders(status, createdAtMax).sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
      this.listed = { key, orders };
    }
    return this.listed.orders;
  }

  /** Newest first by id; `page_info` is opaque and, as on Shopify, admits only `limit` and `fields` beside it. */
  private listOrders(params: URLSearchParams): [number, unknown, Record<string, string>?] {
    const limit = Number(params.get('limit') ?? 50);
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return [400, { errors: { limit: [`must be between 1 and ${MAX_LIMIT}`] } }];
    const token = params.get('page_info');
    let info: PageInfo;
    if (token !== null) {
      const extra = [...params.keys()].filter((k) => k !== 'page_info' && k !== 'limit' && k !== 'fields');
      if (extra.length > 0) return [400, { errors: { page_info: [`cannot be passed with ${extra.join(', ')}`] } }];
      const decoded = decodePageInfo(token);
      if (!decoded) return [400, { errors: { page_info: ['Invalid value.'] } }];
      info = decoded;
    } else {
      info = { after: '', status: params.get('status') ?? 'open', createdAtMax: params.get('created_at_max') };
    }
    const all = this.listing(info.status, info.createdAtMax);
    const start = info.after === '' ? 0 : firstBelow(all, BigInt(info.after));
    const page = all.slice(start, start + limit);
    const links: string[] = [];
    // Shopify's links repeat `fields`, like `limit`.
    const fieldsParam = params.get('fields') ? `&fields=${encodeURIComponent(params.get('fields')!)}` : '';
    const link = (pageInfo: PageInfo, rel: string) =>
      `<${this.origin}/admin/api/${this.apiVersion}/orders.json?limit=${limit}${fieldsParam}&page_info=${encodePageInfo(pageInfo)}>; rel="${rel}"`;
    if (start > 0) links.push(link({ ...info, after: String(all[Math.max(0, start - limit) - 1]?.id ?? '') }, 'previous'));
    const last = page.at(-1);
    if (last && start + limit < all.length) links.push(link({ ...info, after: String(last.id) }, 'next'));
    const fields = params.get('fields')?.split(',').map((f) => f.trim()).filter((f) => f !== '');
    const orders = fields?.length ? page.map((o) => Object.fromEntries(fields.filter((f) => f in o).map((f) => [f, o[f]]))) : page;
    return [200, { orders }, links.length > 0 ? { Link: links.join(', ') } : undefined];
  }

  private createWebhook(body: string): [number, unknown] {
    let webhook: Record<string, unknown> | undefined;
    try {
      webhook = (JSON.parse(body) as { webhook?: Record<string, unknown> }).webhook;
    } catch {
      return [400, { errors: 'Bad Request' }];
    }
    const topic = String(webhook?.['topic'] ?? '');
    const address = String(webhook?.['address'] ?? '');
    if (!TOPICS.has(topic) || (this.refusePrivacyTopics && PRIVACY.has(topic))) return [422, { errors: { topic: [`Invalid topic specified: ${topic}`] } }];
    if (!/^https?:\/\/[^\s]+$/.test(address)) return [422, { errors: { address: ['is invalid'] } }];
    if (this.webhooks.some((w) => w.topic === topic && w.address === address)) return [422, { errors: { address: ['for this topic has already been taken'] } }];
    const hook: FakeShopifyWebhook = { id: this.nextWebhookId++, topic, address, format: String(webhook?.['format'] ?? 'json'), created_at: new Date().toISOString() };
    this.webhooks.push(hook);
    return [201, { webhook: this.webhookResource(hook) }];
  }

  private webhookResource(hook: FakeShopifyWebhook): Record<string, unknown> {
    return { ...hook, updated_at: hook.created_at, fields: [], metafield_namespaces: [], api_version: this.apiVersion };
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent) return;
    res.statusCode = status;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.end(shopifyJson(body));
  }
}

/** Index of the first order (sorted by id descending) whose id is below `id`. */
function firstBelow(orders: FakeShopifyOrder[], id: bigint): number {
  let low = 0;
  let high = orders.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (orders[mid]!.id < id) high = mid;
    else low = mid + 1;
  }
  return low;
}

function encodePageInfo(info: PageInfo): string {
  // A random salt keeps the token opaque, as Shopify's are: clients must not build or compare them.
  return Buffer.from(JSON.stringify({ ...info, salt: randomBytes(4).toString('hex') })).toString('base64url');
}

function decodePageInfo(token: string): PageInfo | null {
  try {
    const info = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Partial<PageInfo>;
    if (typeof info.after !== 'string' || !/^\d*$/.test(info.after) || typeof info.status !== 'string') return null;
    return { after: info.after, status: info.status, createdAtMax: typeof info.createdAtMax === 'string' ? info.createdAtMax : null };
  } catch {
    return null;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
