import { FakeShopify } from '@boomerang/testing';
import { PlatformError, type PlatformClient } from '../platform.port.js';
import { createShopifyClient } from './shopify.client.js';

describe('Shopify tracking push against the fake Admin API', () => {
  const fake = new FakeShopify({ orders: 12, products: 3, leakPerSecond: 1000 });
  let client: PlatformClient;
  // Seeded order 1 is unfulfilled (order 0 is paid and fulfilled: index % 3 === 0).
  const open = () => fake.orders[1]!;
  const fulfilled = () => fake.orders[0]!;

  beforeAll(async () => {
    await fake.start();
    client = createShopifyClient(
      { platform: 'shopify', shopDomain: fake.shopDomain, accessToken: fake.accessToken, apiSecretKey: fake.apiSecretKey },
      { shopifyOrigin: fake.origin, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: true },
      { sleep: async () => undefined },
    );
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.requests.length = 0;
  });

  it('fulfils the open fulfilment order with the tracking, its id exact beyond 2^53, customer not notified', async () => {
    const pushed = await client.addTracking!(String(open().id), { carrier: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /admin/api/2025-07/orders/${open().id}/fulfillment_orders.json`,
      'POST /admin/api/2025-07/fulfillments.json',
    ]);
    const push = fake.fulfilments.pushes.at(-1)!;
    expect(push).toMatchObject({ kind: 'create', orderId: open().id });
    expect(pushed.reference).toBe(String(push.fulfillmentId));
    expect(push.body).toEqual({
      fulfillment: {
        line_items_by_fulfillment_order: [{ fulfillment_order_id: open().id + 3n }],
        tracking_info: { number: '1Z999AA10123456784', company: 'UPS', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' },
        notify_customer: false,
      },
    });
    expect(open()['fulfillment_status']).toBe('fulfilled');
  });

  it('puts the tracking on the latest fulfilment of an order already fulfilled (update_tracking)', async () => {
    const before = (fulfilled()['fulfillments'] as { id: bigint }[]).at(-1)!.id;
    const pushed = await client.addTracking!(String(fulfilled().id), { carrier: 'DHL Express', number: 'JD014600006281230701', url: null });
    expect(fake.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /admin/api/2025-07/orders/${fulfilled().id}/fulfillment_orders.json`,
      `GET /admin/api/2025-07/orders/${fulfilled().id}/fulfillments.json`,
      `POST /admin/api/2025-07/fulfillments/${before}/update_tracking.json`,
    ]);
    expect(pushed.reference).toBe(String(before));
    expect(fake.fulfilments.pushes.at(-1)!.body).toEqual({ fulfillment: { tracking_info: { number: 'JD014600006281230701', company: 'DHL Express' }, notify_customer: false } });
  });

  it('passes Shopify’s refusal on as a PlatformError in its words, not retried', async () => {
    fake.fulfilments.refuseNext('Tracking number is invalid for this carrier.');
    const error = await client.addTracking!(String(fake.orders[2]!.id), { carrier: 'UPS', number: 'X1', url: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 422, retryable: false, message: 'Tracking number is invalid for this carrier.' });
    expect(fake.requests.filter((r) => r.path.endsWith('fulfillments.json'))).toHaveLength(1);
  });

  it('waits out a 429 (Retry-After) and then fulfils', async () => {
    fake.throttleNext(1, '0.5');
    const order = fake.orders[4]!;
    await expect(client.addTracking!(String(order.id), { carrier: 'FedEx', number: '449044304137821', url: null })).resolves.toEqual({ reference: expect.any(String) });
    expect(fake.requests.map((r) => r.status)).toEqual([429, 200, 201]);
  });

  it('answers 404 for an order Shopify does not have', async () => {
    const error = await client.addTracking!('999', { carrier: 'UPS', number: 'X1', url: null }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 404, retryable: false });
  });
});
