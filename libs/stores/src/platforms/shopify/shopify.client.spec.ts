import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '@boomerang/domain';
import { FakeShopify, shopifyJson } from '@boomerang/testing';
import { PlatformError, type PlatformEndpoints, type ReceivedWebhook } from '../platform.port.js';
import { createShopifyClient, nextPageInfo, SHOPIFY_ORDER_FIELDS, type ShopifyClientOptions } from './shopify.client.js';
import { shopifyAdapter } from './shopify.adapter.js';
import { parseShopifyJson } from './shopify-json.js';
import { mapShopifyOrder } from './shopify-order.mapper.js';

const endpointsFor = (fake: FakeShopify): PlatformEndpoints => ({ shopifyOrigin: fake.origin, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: true });

/** Records the waits the client asks for and returns at once (no real waiting in tests). */
function recordingSleep(): { waits: number[]; sleep: (ms: number) => Promise<void> } {
  const waits: number[] = [];
  return { waits, sleep: async (ms) => void waits.push(ms) };
}

async function failure(promise: Promise<unknown>): Promise<PlatformError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlatformError) return error;
    throw error;
  }
  throw new Error('expected a PlatformError');
}

describe('Shopify client against the fake Admin API', () => {
  // A fast leak keeps one test's calls from throttling the next (the bucket itself is tested on its own fakes below).
  const fake = new FakeShopify({ orders: 530, products: 40, leakPerSecond: 1000 });
  const client = (options: ShopifyClientOptions = {}, accessToken = fake.accessToken) =>
    createShopifyClient({ platform: 'shopify', shopDomain: fake.shopDomain, accessToken, apiSecretKey: fake.apiSecretKey }, endpointsFor(fake), {
      sleep: recordingSleep().sleep,
      ...options,
    });

  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('tests the connection with shop.json and the access token', async () => {
    await expect(client().testConnection()).resolves.toEqual({ name: 'Fake Shop', currency: 'USD', timezone: 'America/New_York', domain: fake.shopDomain });
    expect(fake.requests[0]).toMatchObject({ method: 'GET', path: '/admin/api/2025-07/shop.json', status: 200 });
  });

  it('maps 401 to a PlatformError with Shopify’s own message, not retried', async () => {
    const error = await failure(client({}, 'shpat_wrong').testConnection());
    expect(error).toMatchObject({ platform: 'shopify', status: 401, retryable: false });
    expect(error.message).toMatch(/Invalid API key or access token/);
    expect(fake.requests).toHaveLength(1);
  });

  it('maps 403 (a scope the app lacks) to a PlatformError with Shopify’s words, not retried', async () => {
    fake.failNext(1, 403, '[API] This action requires merchant approval for read_orders scope.');
    const error = await failure(client().listOrders(null, 10));
    expect(error).toMatchObject({ status: 403, retryable: false, message: '[API] This action requires merchant approval for read_orders scope.' });
    expect(fake.requests).toHaveLength(1);
  });

  it('pages through every order once, by Link page_info, with the total from orders/count.json on the first page', async () => {
    const shopify = client();
    const seen: string[] = [];
    const totals: (number | null)[] = [];
    let cursor: string | null = null;
    do {
      const page = await shopify.listOrders(cursor, 100);
      seen.push(...page.orders.map((o) => o.externalId));
      totals.push(page.total);
      cursor = page.next;
    } while (cursor !== null);
    expect(totals).toEqual([530, null, null, null, null, null]);
    expect(new Set(seen).size).toBe(530);
    expect(seen.sort()).toEqual(fake.orders.map((o) => String(o.id)).sort());
    expect(seen.every((id) => BigInt(id) > 2n ** 53n)).toBe(true);
    const pages = fake.requests.filter((r) => r.path.endsWith('/orders.json'));
    expect(pages[0]!.query).toEqual({ status: 'any', limit: '100', fields: SHOPIFY_ORDER_FIELDS });
    expect(pages.slice(1).every((r) => Object.keys(r.query).sort().join() === 'fields,limit,page_info')).toBe(true);
  });

  it('asks only the fields the mapper reads, and maps them exactly as the whole order', async () => {
    const page = await client().listOrders(null, 20);
    for (const order of page.orders) {
      const whole = fake.orders.find((o) => String(o.id) === order.externalId)!;
      expect(order).toEqual(mapShopifyOrder(parseShopifyJson(shopifyJson(whole)), 'https://admin.shopify.com/store/fake-shop'));
    }
    expect(page.orders).toHaveLength(20);
  });

  it('filters the first page by createdBefore, and caps the page size at Shopify’s 250', async () => {
    const cutoff = fake.orders[99]!.created_at;
    const page = await client().listOrders(null, 1000, { createdBefore: cutoff });
    expect(page.total).toBe(100);
    expect(page.orders).toHaveLength(100);
    expect(page.next).toBeNull();
    expect(fake.requests[0]!.query).toMatchObject({ limit: '250', created_at_max: cutoff });
  });

  it('fetches one order by its exact id, and answers null for an unknown one', async () => {
    const wanted = fake.orders[7]!;
    const order = await client().fetchOrder(String(wanted.id));
    expect(order).toMatchObject({ externalId: String(wanted.id), number: wanted['name'], adminUrl: `https://admin.shopify.com/store/fake-shop/orders/${wanted.id}` });
    expect(order!.customer.externalId).toBeNull();
    await expect(client().fetchOrder('1')).resolves.toBeNull();
  });

  it('counts products as Shopify does, variants included', async () => {
    await expect(client().countProducts()).resolves.toBe(fake.variantCount());
    expect(fake.variantCount()).toBeGreaterThan(40);
  });

  it('waits Retry-After on 429 and then succeeds', async () => {
    const { waits, sleep } = recordingSleep();
    fake.throttleNext(2, '1.5');
    await expect(client({ sleep }).testConnection()).resolves.toMatchObject({ name: 'Fake Shop' });
    expect(waits).toEqual([1500, 1500]);
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('fails retryable when Retry-After exceeds the longest wait allowed', async () => {
    fake.throttleNext(1, '60.0');
    const error = await failure(client({ maxWaitMs: 30_000 }).testConnection());
    expect(error).toMatchObject({ status: 429, retryable: true });
  });

  it('slows down near the top of the call-limit bucket instead of hitting 429', async () => {
    const tight = new FakeShopify({ bucketSize: 8, leakPerSecond: 20 });
    await tight.start();
    try {
      const waits: number[] = [];
      const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(() => resolve(void waits.push(ms)), ms));
      const shopify = createShopifyClient(
        { platform: 'shopify', shopDomain: tight.shopDomain, accessToken: tight.accessToken, apiSecretKey: tight.apiSecretKey },
        endpointsFor(tight),
        { sleep, leakPerSecond: 20 },
      );
      for (let i = 0; i < 40; i += 1) await shopify.countProducts();
      expect(tight.requests).toHaveLength(40);
      expect(tight.throttled).toBe(0);
      expect(waits.length).toBeGreaterThan(0);
    } finally {
      await tight.stop();
    }
  });

  it('a client that ignored the header would have been throttled by the same fake bucket', async () => {
    const tight = new FakeShopify({ bucketSize: 8, leakPerSecond: 0.5 });
    await tight.start();
    try {
      const headers = { 'X-Shopify-Access-Token': tight.accessToken };
      for (let i = 0; i < 12; i += 1) await fetch(`${tight.origin}/admin/api/2025-07/shop.json`, { headers }).then((r) => r.arrayBuffer());
      expect(tight.throttled).toBeGreaterThan(0);
      expect(tight.requests.filter((r) => r.status === 429)[0]!.callLimit).toBe('8/8');
    } finally {
      await tight.stop();
    }
  });

  it('retries 5xx with backoff, then fails retryable', async () => {
    const { waits, sleep } = recordingSleep();
    fake.failNext(2, 503);
    await expect(client({ sleep }).countProducts()).resolves.toBe(fake.variantCount());
    expect(waits).toEqual([500, 1000]);

    fake.failNext(4, 500);
    const error = await failure(client({ maxRetries: 3 }).countProducts());
    expect(error).toMatchObject({ status: 500, retryable: true });
    expect(error.message).toMatch(/Internal Server Error/);
  });

  it('retries a request that hangs past the timeout, then fails retryable with status 0', async () => {
    fake.hangNext(1);
    await expect(client({ timeoutMs: 150 }).testConnection()).resolves.toMatchObject({ name: 'Fake Shop' });
    expect(fake.requests.map((r) => r.status)).toEqual([0, 200]);

    fake.hangNext(2);
    const error = await failure(client({ timeoutMs: 150, maxRetries: 1 }).testConnection());
    expect(error).toMatchObject({ status: 0, retryable: true });
    expect(error.message).toMatch(/timed out/);
  });

  it('times out a body that stalls after the headers like a silent server, and retries', async () => {
    fake.stallBodyNext(1);
    await expect(client({ timeoutMs: 150 }).testConnection()).resolves.toMatchObject({ name: 'Fake Shop' });
    expect(fake.requests).toHaveLength(2);
  });

  it('fails with a PlatformError, not a validation error, on an answer that is not Shopify’s', async () => {
    const answering = (body: string) => async () => new Response(body, { status: 200, headers: { 'Content-Type': 'text/html' } });
    const html = await failure(client({ fetch: answering('<html>Bad gateway</html>') }).testConnection());
    expect(html).toMatchObject({ status: 200, retryable: true, message: 'Shopify answered 200 with a body that is not JSON' });
    const empty = await failure(client({ fetch: answering('{}') }).testConnection());
    expect(empty).toMatchObject({ status: 200, retryable: false, message: 'Shopify answered without "shop"' });
  });

  it('registers every topic of issue 12 (json, our address), reuses them on reconnect, and unregisters (404 fine)', async () => {
    const address = 'https://boomerang.example/api/v1/webhooks/shopify/store-1';
    const first = await client().registerWebhooks(address, 'unused');
    expect(first.map((w) => w.topic)).toEqual([
      'orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled', 'refunds/create',
      'customers/create', 'customers/update', 'customers/data_request', 'customers/redact', 'shop/redact',
    ]);
    expect(fake.webhooks.every((w) => w.address === address && w.format === 'json')).toBe(true);
    expect(first.map((w) => w.id)).toEqual(fake.webhooks.map((w) => String(w.id)));
    expect(first.every((w) => BigInt(w.id) > 2n ** 53n)).toBe(true);

    const again = await client().registerWebhooks(address, 'unused');
    expect(again).toEqual(first);
    expect(fake.webhooks).toHaveLength(11);

    await client().unregisterWebhooks([...first.map((w) => w.id), '999']);
    expect(fake.webhooks).toHaveLength(0);
  });

  it('skips the privacy topics Shopify takes from the app configuration, and refuses a bad address with Shopify’s words', async () => {
    const strict = new FakeShopify({ refusePrivacyTopics: true });
    await strict.start();
    try {
      const shopify = createShopifyClient(
        { platform: 'shopify', shopDomain: strict.shopDomain, accessToken: strict.accessToken, apiSecretKey: strict.apiSecretKey },
        endpointsFor(strict),
      );
      const registered = await shopify.registerWebhooks('https://boomerang.example/hooks', 'unused');
      expect(registered).toHaveLength(8);
      const error = await failure(shopify.registerWebhooks('not a url', 'unused'));
      expect(error).toMatchObject({ status: 422, retryable: false, message: 'orders/create: address: is invalid' });
      expect(strict.webhooks).toHaveLength(8);
    } finally {
      await strict.stop();
    }
  });

  it('refuses a shop domain that is not *.myshopify.com when no origin is configured', () => {
    const make = (shopDomain: string) => () =>
      createShopifyClient({ platform: 'shopify', shopDomain, accessToken: 't', apiSecretKey: 's' }, { shopifyOrigin: null, bigcommerceOrigin: '', allowInsecureSiteUrls: false });
    expect(make('evil.example.com')).toThrow(DomainError);
    expect(make('evil.example.com')).toThrow(/shopDomain/);
    expect(make('https://Good-Shop.myshopify.com/')).not.toThrow();
  });

  it('reads the next page_info from a Link header with previous and next', () => {
    const link = '<https://s.myshopify.com/admin/api/2025-07/orders.json?limit=2&page_info=abc>; rel="previous", <https://s.myshopify.com/admin/api/2025-07/orders.json?limit=2&page_info=def>; rel="next"';
    expect(nextPageInfo(link)).toBe('def');
    expect(nextPageInfo(null)).toBeNull();
  });
});

describe('fake Shopify webhook deliveries', () => {
  const fake = new FakeShopify({ orders: 3 });
  const received: ReceivedWebhook[] = [];
  let receiver: Server;
  let address = '';

  beforeAll(async () => {
    await fake.start();
    receiver = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), rawBody: Buffer.concat(chunks) });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    address = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    const shopify = createShopifyClient({ platform: 'shopify', shopDomain: fake.shopDomain, accessToken: fake.accessToken, apiSecretKey: fake.apiSecretKey }, endpointsFor(fake));
    await shopify.registerWebhooks(address, 'unused');
  });
  afterAll(async () => {
    await fake.stop();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  it.each(['legacy', 'events', 'both'] as const)('signs %s headers so the adapter verifies them and reads the exact ids', async (headers) => {
    received.length = 0;
    const [delivery] = await fake.emitWebhook('orders/create', fake.orders[1], { headers });
    expect(delivery!.status).toBe(200);
    const webhook = received[0]!;
    expect(() => shopifyAdapter.verify(webhook, fake.apiSecretKey)).not.toThrow();
    expect(() => shopifyAdapter.verify(webhook, 'another secret')).toThrow();
    expect(shopifyAdapter.identify(webhook)).toEqual({ deliveryId: delivery!.webhookId, topic: 'orders/create' });
    const event = shopifyAdapter.normalize('orders/create', parseShopifyJson(webhook.rawBody), { adminBaseUrl: null });
    expect(event.kind === 'order' && event.order.externalId).toBe(String(fake.orders[1]!.id));
  });

  it('redelivers the same bytes with the same webhook id', async () => {
    received.length = 0;
    const [delivery] = await fake.emitWebhook('orders/paid', fake.orders[2]);
    await fake.redeliver(delivery!.webhookId);
    expect(received).toHaveLength(2);
    expect(received[1]!.rawBody.equals(received[0]!.rawBody)).toBe(true);
    expect(shopifyAdapter.identify(received[1]!).deliveryId).toBe(shopifyAdapter.identify(received[0]!).deliveryId);
  });

  it('delivers only to the addresses registered for the topic', async () => {
    received.length = 0;
    await expect(fake.emitWebhook('products/update', { id: 1 })).resolves.toEqual([]);
    expect(received).toHaveLength(0);
  });
});
