import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { FakeBigcommerce } from './fake-bigcommerce.js';
import { FakeWoocommerce, phpJson } from './fake-woocommerce.js';

/** What the fakes do like the real platforms beyond what the clients' specs reach. */
describe('FakeWoocommerce', () => {
  let fake: FakeWoocommerce;
  const get = (path: string, auth = true) =>
    fetch(`${fake.siteUrl}${path}`, { headers: auth ? { Authorization: `Basic ${Buffer.from(`${fake.consumerKey}:${fake.consumerSecret}`).toString('base64')}` } : {} });

  beforeEach(async () => {
    fake = new FakeWoocommerce({ orders: 12 });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('pages like WordPress: totals, a Link header, and 400 past the last page', async () => {
    const res = await get('/wp-json/wc/v3/orders?per_page=5&page=2&order=asc');
    expect(res.headers.get('x-wp-total')).toBe('12');
    expect(res.headers.get('x-wp-totalpages')).toBe('3');
    expect(res.headers.get('link')).toMatch(/page=1[^>]*>; rel="prev", <[^>]*page=3[^>]*>; rel="next"/);
    expect(((await res.json()) as { id: number }[]).map((o) => o.id)).toEqual([1005, 1006, 1007, 1008, 1009]);
    const past = await get('/wp-json/wc/v3/orders?per_page=5&page=4');
    expect(past.status).toBe(400);
    await expect(past.json()).resolves.toMatchObject({ code: 'rest_post_invalid_page_number' });
    expect((await get('/wp-json/wc/v3/orders?per_page=101')).status).toBe(400);
  });

  it('accepts the key in the query string too, and refuses without one', async () => {
    expect((await get(`/wp-json/wc/v3/orders?consumer_key=${fake.consumerKey}&consumer_secret=${fake.consumerSecret}`, false)).status).toBe(200);
    const anonymous = await get('/wp-json/wc/v3/orders', false);
    expect(anonymous.status).toBe(401);
    await expect(anonymous.json()).resolves.toMatchObject({ code: 'woocommerce_rest_cannot_view' });
  });

  it('refuses to trash a webhook (force=true is required)', async () => {
    fake.webhooks.push({ id: 9, name: 'x', status: 'active', topic: 'order.created', delivery_url: 'http://127.0.0.1:9/', secret: 's', failure_count: 0 });
    const res = await fetch(`${fake.siteUrl}/wp-json/wc/v3/webhooks/9`, { method: 'DELETE', headers: { Authorization: `Basic ${Buffer.from(`${fake.consumerKey}:${fake.consumerSecret}`).toString('base64')}` } });
    expect(res.status).toBe(501);
    expect(fake.webhooks).toHaveLength(1);
  });

  it('disables a webhook after more than five failed deliveries in a row, as WooCommerce does', async () => {
    fake.webhooks.push({ id: 3, name: 'x', status: 'active', topic: 'order.created', delivery_url: 'http://127.0.0.1:9/unreachable', secret: 's', failure_count: 0 });
    for (let i = 0; i < 7; i++) await fake.placeOrder();
    expect(fake.deliveries).toHaveLength(7);
    expect(fake.deliveries.every((d) => d.status === 0)).toBe(true);
    expect(fake.webhooks[0]).toMatchObject({ status: 'disabled', failure_count: 6 });
    await fake.placeOrder();
    expect(fake.deliveries).toHaveLength(7);
  });

  it('logs each request with its answer, and the queued faults', async () => {
    fake.failNext(1, 502);
    await get('/wp-json/wc/v3/orders');
    await get('/wp-json/wc/v3/orders/1000');
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([
      ['/wp-json/wc/v3/orders', 502],
      ['/wp-json/wc/v3/orders/1000', 200],
    ]);
  });

  it('encodes bodies as PHP does, so the raw bytes differ from JSON.stringify', () => {
    expect(phpJson({ url: 'https://x.test/a', name: 'Zoë' })).toBe('{"url":"https:\\/\\/x.test\\/a","name":"Zo\\u00eb"}');
  });
});

describe('FakeBigcommerce', () => {
  let fake: FakeBigcommerce;
  let clock: number;
  const get = (path: string, token?: string) => fetch(`${fake.apiOrigin}/stores/${fake.storeHash}${path}`, { headers: { 'X-Auth-Token': token ?? fake.accessToken } });

  beforeEach(async () => {
    clock = 0;
    fake = new FakeBigcommerce({ orders: 3, rateLimit: { quota: 3, windowMs: 1000 }, now: () => clock });
    await fake.start();
  });
  afterEach(() => fake.stop());

  it('meters requests per window with the documented headers, 429 past the quota, and resets', async () => {
    const lefts: (string | null)[] = [];
    for (let i = 0; i < 3; i++) lefts.push((await get('/v2/orders')).headers.get('x-rate-limit-requests-left'));
    expect(lefts).toEqual(['2', '1', '0']);
    clock += 400;
    const limited = await get('/v2/orders');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('x-rate-limit-time-reset-ms')).toBe('600');
    clock += 600;
    expect((await get('/v2/orders')).status).toBe(200);
  });

  it('answers v2 and v3 auth errors in their own shapes', async () => {
    await expect((await get('/v2/store', 'bad')).json()).resolves.toEqual([{ status: 401, message: 'You must be authenticated to access this resource.' }]);
    await expect((await get('/v3/hooks', 'bad')).json()).resolves.toMatchObject({ status: 401, title: expect.stringContaining('Unauthorized') });
  });

  it('calls wildcard hooks and sends the light payload with the hook’s headers', async () => {
    const bodies: string[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        bodies.push(`${req.headers['x-secret']} ${body}`);
        res.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as { port: number }).port;
    fake.hooks.push({ id: 1, scope: 'store/order/*', destination: `http://127.0.0.1:${port}/`, is_active: true, headers: { 'X-Secret': 's3' }, created_at: 0, updated_at: 0 });
    clock = 1_561_479_335_000;
    await fake.placeOrder();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
    expect(bodies).toHaveLength(1);
    const [secret, json] = [bodies[0]!.slice(0, 2), bodies[0]!.slice(3)];
    expect(secret).toBe('s3');
    expect(JSON.parse(json)).toEqual({
      scope: 'store/order/created',
      store_id: '1025646',
      data: { type: 'order', id: 103 },
      hash: createHash('sha1').update('{"type":"order","id":103}').digest('hex'),
      created_at: 1561479335,
      producer: 'stores/abc123',
    });
  });
});

