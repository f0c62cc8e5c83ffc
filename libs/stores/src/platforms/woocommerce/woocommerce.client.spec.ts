import { readFileSync } from 'node:fs';
import { FakeWoocommerce, WebhookReceiver } from '@boomerang/testing';
import { PlatformError, type PlatformClient, type PlatformEndpoints } from '../platform.port.js';
import type { PlatformHttpTuning } from '../platform-http.js';
import { woocommerceAdapter } from './woocommerce.adapter.js';
import { createWoocommerceClient, WOO_WEBHOOK_TOPICS } from './woocommerce.client.js';

const endpoints: PlatformEndpoints = { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: true };

describe('WooCommerce client against the fake site', () => {
  let fake: FakeWoocommerce;
  let waits: number[];
  const client = (overrides: Partial<{ consumerKey: string; consumerSecret: string }> = {}, tuning: PlatformHttpTuning = {}): PlatformClient =>
    createWoocommerceClient(
      { platform: 'woocommerce', siteUrl: fake.siteUrl, consumerKey: fake.consumerKey, consumerSecret: fake.consumerSecret, ...overrides },
      endpoints,
      { sleep: async (ms) => void waits.push(ms), timeoutMs: 2_000, ...tuning },
    );

  beforeEach(async () => {
    waits = [];
    fake = new FakeWoocommerce({ orders: 23, products: { simple: 3, variable: 2, variationsEach: 4 } });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('tests the connection: currency from the settings, name and timezone from the WordPress index', async () => {
    await expect(client().testConnection()).resolves.toEqual({ name: 'Fake Woo Shop', currency: 'USD', timezone: 'UTC', domain: new URL(fake.siteUrl).host });
    expect(fake.requests.map((r) => r.path)).toEqual(['/wp-json/wc/v3/settings/general', '/wp-json/']);
  });

  it('names the zone of a site set to a bare UTC offset', async () => {
    await fake.stop();
    fake = new FakeWoocommerce({ timezone: { timezoneString: '', gmtOffset: 2 } });
    await fake.start();
    await expect(client().testConnection()).resolves.toMatchObject({ timezone: 'Etc/GMT-2' });
  });

  it.each([
    ['a wrong consumer key', { consumerKey: 'ck_wrong' }, 'Consumer key is invalid.'],
    ['a wrong consumer secret', { consumerSecret: 'cs_wrong' }, 'Invalid signature - provided signature does not match.'],
  ])('refuses %s with WooCommerce’s own message, not retried', async (_, overrides, message) => {
    const error = await client(overrides).testConnection().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ platform: 'woocommerce', status: 401, message, retryable: false });
    expect(fake.requests).toHaveLength(1);
  });

  it('refuses an http site URL unless insecure URLs are allowed', () => {
    expect(() =>
      createWoocommerceClient({ platform: 'woocommerce', siteUrl: 'http://shop.example.com', consumerKey: 'ck', consumerSecret: 'cs' }, { ...endpoints, allowInsecureSiteUrls: false }),
    ).toThrow(/siteUrl: must start with https:\/\//);
    expect(() => createWoocommerceClient({ platform: 'woocommerce', siteUrl: 'not a url', consumerKey: 'ck', consumerSecret: 'cs' }, endpoints)).toThrow(/siteUrl/);
  });

  it('pages through every order by id with offset/per_page and X-WP-Total', async () => {
    const c = client();
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page = await c.listOrders(cursor, 10);
      expect(page.total).toBe(23);
      seen.push(...page.orders.map((o) => o.externalId));
      cursor = page.next;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(3);
    expect(seen).toEqual(fake.orders.map((o) => String(o.id)));
    expect(fake.requests[0]!.query).toMatchObject({ offset: '0', per_page: '10', orderby: 'id', order: 'asc' });
    // Each later page starts one order early, on the last one read.
    expect(fake.requests[1]!.query).toMatchObject({ offset: '9', per_page: '11' });
  });

  it('stops the listing at createdBefore, so orders placed during a sync are left to webhooks', async () => {
    const cutoff = `${fake.orders[5]!.date_created_gmt}Z`;
    const page = await client().listOrders(null, 100, { createdBefore: cutoff });
    expect(page.orders.map((o) => o.externalId)).toEqual(fake.orders.slice(0, 5).map((o) => String(o.id)));
    expect(page).toMatchObject({ next: null, total: 5 });
  });

  it('fetches one order, and null for one that does not exist', async () => {
    const id = String(fake.orders[3]!.id);
    await expect(client().fetchOrder(id)).resolves.toMatchObject({ externalId: id, status: 'processing', totalMinor: 2935 });
    await expect(client().fetchOrder('999999')).resolves.toBeNull();
  });

  it('counts products with each variable product replaced by its variations', async () => {
    // 3 simple + 2 variable × 4 variations
    await expect(client().countProducts()).resolves.toBe(11);
  });

  it('counts the documented product list: a variable product as its variations, a simple one as one', async () => {
    const documented = JSON.parse(readFileSync(new URL('./__fixtures__/products.list.json', import.meta.url), 'utf8')) as { id: number; type: string; variations: number[] }[];
    const serving = (list: typeof documented): typeof fetch => async (input) => {
      const body = new URL(String(input)).searchParams.get('type') === 'variable' ? list.filter((p) => p.type === 'variable') : list;
      return new Response(JSON.stringify(body), { headers: { 'X-WP-Total': String(body.length), 'X-WP-TotalPages': '1' } });
    };
    // As documented, variable product 799 has no variations yet: nothing of it can be bought; 794 is simple.
    await expect(client({}, { fetch: serving(documented) }).countProducts()).resolves.toBe(1);
    // With the two documented variations (732, 733) attached to it.
    const withVariations = documented.map((p) => (p.id === 799 ? { ...p, variations: [732, 733] } : p));
    await expect(client({}, { fetch: serving(withVariations) }).countProducts()).resolves.toBe(3);
  });

  it('waits Retry-After on a 429, then succeeds', async () => {
    fake.rateLimitNext(2, 3);
    await expect(client().fetchOrder(String(fake.orders[0]!.id))).resolves.not.toBeNull();
    expect(waits).toEqual([3000, 3000]);
  });

  it('waits Retry-After on a 503 (maintenance mode) too', async () => {
    fake.failNext(1, 503, { 'Retry-After': '7' });
    await expect(client().fetchOrder(String(fake.orders[0]!.id))).resolves.not.toBeNull();
    expect(waits).toEqual([7000]);
  });

  it.each([
    ['orders before the cursor binned', (f: FakeWoocommerce) => f.orders.slice(2, 5).forEach((o) => (o['status'] = 'trash'))],
    ['more orders deleted before the cursor than a page holds', (f: FakeWoocommerce) => f.orders.splice(0, 9)],
    ['the last order read deleted', (f: FakeWoocommerce) => f.orders.splice(9, 1)],
  ])('skips nothing when, between two pages, %s', async (_, change) => {
    const c = client();
    const first = await c.listOrders(null, 10);
    const expected = fake.orders.slice(10).map((o) => String(o.id));
    change(fake);
    const rest: string[] = [];
    let cursor = first.next;
    while (cursor !== null) {
      const page = await c.listOrders(cursor, 10);
      rest.push(...page.orders.map((o) => o.externalId));
      cursor = page.next;
    }
    expect(rest).toEqual(expected);
  });

  it('refuses a cursor it did not make', async () => {
    await expect(client().listOrders('2', 10)).rejects.toThrow(/cursor: must be a WooCommerce listing position/);
  });

  it('fails as retryable when Retry-After is longer than the longest wait', async () => {
    fake.rateLimitNext(1, 120);
    await expect(client({}, { maxWaitMs: 30_000 }).fetchOrder('1000')).rejects.toMatchObject({ status: 429, retryable: true });
  });

  it('retries 5xx with backoff, then gives up as retryable', async () => {
    fake.failNext(2, 502);
    await expect(client().fetchOrder(String(fake.orders[0]!.id))).resolves.not.toBeNull();
    expect(waits).toEqual([500, 1000]);
    fake.failNext(4, 500);
    await expect(client().fetchOrder(String(fake.orders[0]!.id))).rejects.toMatchObject({ status: 500, retryable: true, message: 'Internal Server Error' });
  });

  it('times out a hanging request and retries it', async () => {
    fake.hangNext(1);
    await expect(client({}, { timeoutMs: 200 }).fetchOrder(String(fake.orders[0]!.id))).resolves.not.toBeNull();
    expect(fake.requests).toHaveLength(2);
    fake.hangNext(2);
    await expect(client({}, { timeoutMs: 200, retries: 1 }).fetchOrder('1000')).rejects.toMatchObject({ status: 0, retryable: true, message: /timed out/ });
  });

  describe('webhooks', () => {
    const receiver = new WebhookReceiver();
    const received = receiver.received;
    let address: string;
    const SECRET = 'our-webhook-secret';

    beforeEach(async () => {
      received.length = 0;
      address = await receiver.start('/api/v1/webhooks/woocommerce/store-1');
    });
    afterEach(() => receiver.stop());

    it('registers our topics; each creation pings; deliveries verify, identify and normalize; deletes them with force', async () => {
      const c = client();
      const hooks = await c.registerWebhooks(address, SECRET);
      expect(hooks.map((h) => h.topic)).toEqual([...WOO_WEBHOOK_TOPICS]);
      await fake.settled();

      // One unsigned ping per webhook, accepted and ignored.
      expect(received).toHaveLength(WOO_WEBHOOK_TOPICS.length);
      for (const ping of received) {
        expect(() => woocommerceAdapter.verify(ping, SECRET)).not.toThrow();
        const { topic } = woocommerceAdapter.identify(ping);
        expect(woocommerceAdapter.normalize(topic, ping.rawBody, { adminBaseUrl: fake.siteUrl }).kind).toBe('ignored');
      }

      const order = await fake.placeOrder({ billing: { first_name: 'Zoë', last_name: 'Ørsted', email: 'zoe@example.com', country: 'DK' } });
      const delivery = received[WOO_WEBHOOK_TOPICS.length]!;
      expect(() => woocommerceAdapter.verify(delivery, SECRET)).not.toThrow();
      const { deliveryId, topic } = woocommerceAdapter.identify(delivery);
      expect(topic).toBe('order.created');
      // PHP's json_encode escapes "/" and non-ASCII: only the raw bytes verify, and they still parse to the order.
      expect(delivery.rawBody.toString()).toContain('\\u00d8rsted');
      expect(woocommerceAdapter.normalize(topic, delivery.rawBody, { adminBaseUrl: fake.siteUrl })).toMatchObject({
        kind: 'order',
        order: { externalId: String(order.id), customer: { lastName: 'Ørsted', email: 'zoe@example.com' } },
      });

      // A redelivery is recognised by the same identity.
      await fake.redeliver(fake.deliveries.at(-1)!);
      expect(woocommerceAdapter.identify(received.at(-1)!).deliveryId).toBe(deliveryId);

      await c.unregisterWebhooks(hooks.map((h) => h.id));
      expect(fake.webhooks).toHaveLength(0);
      expect(fake.requests.filter((r) => r.method === 'DELETE').every((r) => r.query['force'] === 'true')).toBe(true);
    });

    it('turns a trashed order (order.deleted, { id } only) into a reference that fetches as cancelled', async () => {
      const c = client();
      await c.registerWebhooks(address, SECRET);
      await fake.settled();
      const id = fake.orders[0]!.id;
      await fake.trashOrder(id);
      const deleted = received.at(-1)!;
      expect(() => woocommerceAdapter.verify(deleted, SECRET)).not.toThrow();
      const { topic } = woocommerceAdapter.identify(deleted);
      expect(woocommerceAdapter.normalize(topic, deleted.rawBody, { adminBaseUrl: null })).toEqual({ kind: 'order_ref', externalId: String(id) });
      await expect(c.fetchOrder(String(id))).resolves.toMatchObject({ status: 'cancelled' });
    });

    it('refuses a secret WooCommerce would alter before signing (HTML entities are decoded)', async () => {
      await expect(client().registerWebhooks(address, 'a&amp;b')).rejects.toThrow(/secret: must be non-empty/);
      expect(fake.webhooks).toHaveLength(0);
    });

    it('replaces webhooks an earlier connection left at the same address', async () => {
      await client().registerWebhooks(address, 'old-secret');
      await client().registerWebhooks(address, SECRET);
      expect(fake.webhooks.map((w) => w.secret)).toEqual(WOO_WEBHOOK_TOPICS.map(() => SECRET));
      await fake.settled();
    });

    it('removes what it created when a later registration fails', async () => {
      let posts = 0;
      const refuseAfterFirst: typeof fetch = async (input, init) => {
        if (init?.method === 'POST' && ++posts > 1) {
          return new Response(JSON.stringify({ code: 'rest_invalid_param', message: 'Invalid parameter(s): delivery_url', data: { status: 400 } }), { status: 400 });
        }
        return fetch(input, init);
      };
      await expect(client({}, { fetch: refuseAfterFirst }).registerWebhooks(address, SECRET)).rejects.toMatchObject({
        status: 400,
        message: 'Invalid parameter(s): delivery_url',
        retryable: false,
      });
      expect(fake.webhooks).toHaveLength(0);
      await fake.settled();
    });
  });
});
