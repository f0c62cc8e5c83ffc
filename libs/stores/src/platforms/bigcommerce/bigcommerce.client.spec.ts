import { readFileSync } from 'node:fs';
import type { NormalizedOrder } from '@boomerang/domain';
import { FakeBigcommerce, WebhookReceiver, type CapturedWebhook, type FakeBigcommerceOptions } from '@boomerang/testing';
import { PlatformError, type PlatformClient } from '../platform.port.js';
import type { PlatformHttpTuning } from '../platform-http.js';
import { bigcommerceAdapter } from './bigcommerce.adapter.js';
import { BIGCOMMERCE_WEBHOOK_SCOPES, createBigcommerceClient } from './bigcommerce.client.js';

describe('BigCommerce client against the fake API', () => {
  let fake: FakeBigcommerce;
  /** A virtual clock shared by the fake's rate-limit window and the client's sleep: waiting is instant but real to both. */
  let clock: number;
  let waits: number[];
  const start = async (options: FakeBigcommerceOptions = {}) => {
    fake = new FakeBigcommerce({ orders: 7, now: () => clock, ...options });
    await fake.start();
  };
  const client = (token?: string, tuning: PlatformHttpTuning = {}): PlatformClient =>
    createBigcommerceClient(
      { platform: 'bigcommerce', storeHash: fake.storeHash, accessToken: token ?? fake.accessToken },
      { shopifyOrigin: null, bigcommerceOrigin: `${fake.apiOrigin}/`, allowInsecureSiteUrls: false },
      {
        sleep: async (ms) => {
          waits.push(ms);
          clock += ms;
        },
        timeoutMs: 2_000,
        ...tuning,
      },
    );

  beforeEach(() => {
    clock = Date.parse('2024-06-01T00:00:00Z');
    waits = [];
  });
  afterEach(() => fake.stop());

  it('tests the connection with the v2 store information', async () => {
    await start();
    await expect(client().testConnection()).resolves.toEqual({ name: 'Fake BigCommerce Store', currency: 'USD', timezone: 'America/Chicago', domain: 'fake-store.example.com' });
    expect(fake.requests[0]!.path).toBe(`/stores/${fake.storeHash}/v2/store`);
  });

  it('reads the documented responses: store information, an orders page, the count by status, products and addresses', async () => {
    await start();
    const doc = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url), 'utf8');
    const routes: [RegExp, string][] = [
      [/\/v2\/store$/, 'store.json'],
      [/\/v2\/orders$/, 'orders.list.json'],
      [/\/v2\/orders\/count$/, 'orders-count.json'],
      [/\/v2\/orders\/100\/products$/, 'order-products.json'],
      [/\/v2\/orders\/100\/shipping_addresses$/, 'order-shipping-addresses.json'],
    ];
    const documented: typeof fetch = async (input) => {
      const path = new URL(String(input)).pathname;
      const route = routes.find(([pattern]) => pattern.test(path));
      return route ? new Response(doc(route[1])) : new Response('[{"status":404,"message":"The requested resource was not found."}]', { status: 404 });
    };
    const c = client(undefined, { fetch: documented });
    await expect(c.testConnection()).resolves.toEqual({ name: 'BigCommerce', currency: 'USD', timezone: 'America/Chicago', domain: 'my-awesome.store' });
    const page = await c.listOrders(null, 50);
    // 133 orders by status, 15 of them Incomplete (which the list leaves out).
    expect(page).toMatchObject({ total: 118, next: null });
    expect(page.orders).toEqual([
      expect.objectContaining({ externalId: '100', status: 'processing', totalMinor: 36195, subtotalMinor: 33632, taxMinor: 0, customer: expect.objectContaining({ externalId: '20', email: 'janedoe@example.com' }) }),
    ]);
    expect(page.orders[0]!.lineItems.map((l) => l.sku)).toEqual(['S-ORAN']);
    expect(page.orders[0]!.shippingAddress).toMatchObject({ name: 'Trishy Smith', postalCode: '78251' });
  });

  it('refuses a wrong token with BigCommerce’s own message, not retried', async () => {
    await start();
    await expect(client('wrong').testConnection()).rejects.toMatchObject({ platform: 'bigcommerce', status: 401, message: 'You must be authenticated to access this resource.', retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses a store hash that is not one', async () => {
    await start();
    expect(() => createBigcommerceClient({ platform: 'bigcommerce', storeHash: '../x', accessToken: 't' }, { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: false })).toThrow(/storeHash/);
  });

  it.each([
    ['inline consignments (include=consignments.line_items)', true, 0],
    ['the products and shipping_addresses sub-resources (an API without consignments)', false, 12],
  ])('pages through v2 orders with page/limit, with lines and address from %s', async (_, consignments, subresourceCalls) => {
    await start({ consignments });
    fake.orders[2]!.status_id = 2;
    fake.orders[3]!.status_id = 0; // Incomplete: not listed, not counted
    const c = client();
    const orders: NormalizedOrder[] = [];
    let cursor: string | null = null;
    do {
      const page = await c.listOrders(cursor, 3);
      expect(page.total).toBe(6);
      orders.push(...page.orders);
      cursor = page.next;
    } while (cursor !== null);
    expect(orders.map((o) => o.externalId)).toEqual(['100', '101', '102', '104', '105', '106']);
    const shipped = orders[2]!;
    expect(shipped).toMatchObject({ status: 'shipped', trackingNumbers: [{ carrier: 'usps', number: 'EJ102US', url: null }] });
    expect(shipped.lineItems.map((l) => l.sku)).toEqual(['S-ORAN', null]);
    expect(shipped.shippingAddress).toMatchObject({ line1: '455 Main Street', country: 'US' });
    expect(fake.requests.filter((r) => /\/(products|shipping_addresses)$/.test(r.path))).toHaveLength(subresourceCalls);
    // Shipments are only read for shipped orders.
    expect(fake.requests.filter((r) => r.path.endsWith('/shipments')).map((r) => r.path)).toEqual([`/stores/${fake.storeHash}/v2/orders/102/shipments`]);
  });

  it('resumes from the next id, so an order archived mid-sync shifts nothing', async () => {
    await start();
    const c = client();
    const first = await c.listOrders(null, 3);
    expect(first.orders.map((o) => o.externalId)).toEqual(['100', '101', '102']);
    expect(first.next).toBe('103');
    fake.orders[0]!['is_deleted'] = true;
    fake.orders[1]!['is_deleted'] = true;
    const second = await c.listOrders(first.next, 3);
    expect(second.orders.map((o) => o.externalId)).toEqual(['103', '104', '105']);
    expect(fake.requests.find((r) => r.path.endsWith('/v2/orders') && r.query['min_id'] === '103')).toBeDefined();
    await expect(c.listOrders('page-2', 3)).rejects.toThrow(/cursor: must be a BigCommerce order id/);
  });

  it('reads an empty store (204 No Content) as an empty last page', async () => {
    await start({ orders: 0 });
    await expect(client().listOrders(null, 50)).resolves.toEqual({ orders: [], next: null, total: 0 });
  });

  it('fetches one order (guest and registered), and null for one that does not exist', async () => {
    await start();
    await expect(client().fetchOrder('101')).resolves.toMatchObject({ externalId: '101', customer: { externalId: null, registered: false } });
    await expect(client().fetchOrder('100')).resolves.toMatchObject({ externalId: '100', customer: { externalId: '100', registered: true }, totalMinor: 7908, discountMinor: 500 });
    await expect(client().fetchOrder('999')).resolves.toBeNull();
  });

  it('counts variants (each product’s base variant included)', async () => {
    await start({ catalog: { products: 5, variantsEach: 3 } });
    await expect(client().countProducts()).resolves.toBe(15);
  });

  it('pauses for X-Rate-Limit-Time-Reset-Ms when no requests are left, and never gets a 429', async () => {
    await start({ orders: 4, rateLimit: { quota: 5, windowMs: 30_000 }, consignments: false });
    const page = await client().listOrders(null, 250);
    expect(page.orders).toHaveLength(4);
    expect(fake.requests.some((r) => r.status === 429)).toBe(false);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((ms) => ms > 0 && ms <= 30_000)).toBe(true);
  });

  it('waits the reset time on a 429, with or without the headers', async () => {
    await start();
    fake.rateLimitNext(1, 4_000);
    await expect(client().fetchOrder('100')).resolves.not.toBeNull();
    expect(waits[0]).toBe(4_000);
    waits = [];
    fake.rateLimitNext(1, 0, false);
    await expect(client().fetchOrder('100')).resolves.not.toBeNull();
    expect(waits[0]).toBe(2_000);
  });

  it('fails as retryable when the reset is longer than the longest wait', async () => {
    await start();
    fake.rateLimitNext(1, 60_000);
    await expect(client(undefined, { maxWaitMs: 10_000 }).testConnection()).rejects.toMatchObject({ status: 429, retryable: true });
  });

  it('retries 5xx with backoff and times out a hang, then gives up as retryable', async () => {
    await start();
    fake.failNext(1, 503);
    fake.hangNext(1);
    await expect(client(undefined, { timeoutMs: 200 }).testConnection()).resolves.toMatchObject({ name: 'Fake BigCommerce Store' });
    expect(waits).toEqual([500, 1000]);
    fake.failNext(4, 500);
    const error = await client().testConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 500, retryable: true });
  });

  describe('hooks', () => {
    const receiver = new WebhookReceiver();
    const received = receiver.received;
    let address: string;
    const SECRET = 'our-hook-secret';

    beforeEach(async () => {
      received.length = 0;
      address = await receiver.start('/api/v1/webhooks/bigcommerce/store-1');
    });
    afterEach(() => receiver.stop());

    it('creates hooks carrying our secret header; callbacks verify and become order references; a retry is the same event', async () => {
      await start();
      const c = client();
      const hooks = await c.registerWebhooks(address, SECRET);
      expect(hooks.map((h) => h.topic)).toEqual([...BIGCOMMERCE_WEBHOOK_SCOPES]);

      const order = await fake.placeOrder();
      clock += 5_000;
      await fake.updateOrder(order.id, { status_id: 2 });
      expect(received).toHaveLength(2);
      const [created, updated] = received as [CapturedWebhook, CapturedWebhook];
      for (const callback of received) expect(() => bigcommerceAdapter.verify(callback, SECRET)).not.toThrow();
      expect(() => bigcommerceAdapter.verify(created, 'another-secret')).toThrow(/does not match/);

      const first = bigcommerceAdapter.identify(created);
      const second = bigcommerceAdapter.identify(updated);
      expect(first.topic).toBe('store/order/created');
      expect(second.topic).toBe('store/order/updated');
      expect(bigcommerceAdapter.normalize(second.topic, updated.rawBody, { adminBaseUrl: null })).toEqual({ kind: 'order_ref', externalId: String(order.id) });
      // The projector then fetches it.
      await expect(c.fetchOrder(String(order.id))).resolves.toMatchObject({ status: 'shipped' });

      await fake.redeliver(fake.deliveries[1]!);
      expect(bigcommerceAdapter.identify(received[2]!).deliveryId).toBe(second.deliveryId);
      expect(second.deliveryId).not.toBe(first.deliveryId);

      await c.unregisterWebhooks(hooks.map((h) => h.id));
      expect(fake.hooks).toHaveLength(0);
      await expect(c.unregisterWebhooks(hooks.map((h) => h.id))).resolves.toBeUndefined();
    });

    it('turns an archived order into a reference that fetches as cancelled and leaves the listing', async () => {
      await start();
      const c = client();
      await c.registerWebhooks(address, SECRET);
      await fake.archiveOrder(103);
      const archived = received.at(-1)!;
      const { topic } = bigcommerceAdapter.identify(archived);
      expect(topic).toBe('store/order/archived');
      expect(bigcommerceAdapter.normalize(topic, archived.rawBody, { adminBaseUrl: null })).toEqual({ kind: 'order_ref', externalId: '103' });
      await expect(c.fetchOrder('103')).resolves.toMatchObject({ status: 'cancelled' });
      expect((await c.listOrders(null, 250)).orders.map((o) => o.externalId)).not.toContain('103');
    });

    it('replaces hooks an earlier connection left at the same address', async () => {
      await start();
      await client().registerWebhooks(address, 'old-secret');
      await client().registerWebhooks(address, SECRET);
      expect(fake.hooks.map((h) => Object.values(h.headers ?? {}))).toEqual([[SECRET], [SECRET], [SECRET]]);
    });
  });
});
