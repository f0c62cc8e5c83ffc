import { FakeBigcommerce } from '@boomerang/testing';
import { PlatformError, type PlatformClient } from '../platform.port.js';
import { bigcommerceCarrier } from './bigcommerce-tracking.js';
import { createBigcommerceClient } from './bigcommerce.client.js';

describe('BigCommerce tracking push against the fake API', () => {
  const fake = new FakeBigcommerce({ orders: 3 });
  let client: PlatformClient;

  beforeAll(async () => {
    await fake.start();
    client = createBigcommerceClient(
      { platform: 'bigcommerce', storeHash: fake.storeHash, accessToken: fake.accessToken },
      { shopifyOrigin: null, bigcommerceOrigin: fake.apiOrigin, allowInsecureSiteUrls: true },
      { sleep: async () => undefined },
    );
  });
  afterAll(() => fake.stop());

  it('maps known carriers to BigCommerce’s provider codes and others to tracking_carrier', () => {
    expect(bigcommerceCarrier('USPS')).toEqual({ shipping_provider: 'usps' });
    expect(bigcommerceCarrier('Australia Post')).toEqual({ shipping_provider: 'auspost' });
    expect(bigcommerceCarrier('Bob’s Couriers')).toEqual({ shipping_provider: '', tracking_carrier: 'Bob’s Couriers' });
  });

  it('creates a shipment of every line still to ship, to the order’s shipping address', async () => {
    const order = fake.orders[0]!;
    const pushed = await client.addTracking!(String(order.id), { carrier: 'USPS', number: '9400111899560000000000', url: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899560000000000' });
    expect(fake.shipmentRequests).toEqual([
      {
        method: 'POST',
        orderId: order.id,
        body: {
          order_address_id: order.id,
          items: [{ order_product_id: order.id * 10 + 1, quantity: 1 }, { order_product_id: order.id * 10 + 2, quantity: 1 }],
          tracking_number: '9400111899560000000000',
          shipping_provider: 'usps',
          tracking_link: 'https://tools.usps.com/go/TrackConfirmAction?tLabels=9400111899560000000000',
        },
      },
    ]);
    expect(pushed.reference).toBe(String(fake.shipments.get(order.id)![0]!['id']));
    expect(order.status_id).toBe(2);
  });

  it('puts the tracking on the latest shipment when nothing is left to ship', async () => {
    const order = fake.orders[0]!;
    const pushed = await client.addTracking!(String(order.id), { carrier: 'Evri', number: 'H01HYA0012345678', url: null });
    expect(fake.shipmentRequests.at(-1)).toEqual({ method: 'PUT', orderId: order.id, body: { tracking_number: 'H01HYA0012345678', shipping_provider: '', tracking_carrier: 'Evri' } });
    expect(pushed.reference).toBe(String(fake.shipments.get(order.id)![0]!['id']));
    expect(fake.shipments.get(order.id)![0]).toMatchObject({ tracking_number: 'H01HYA0012345678', tracking_carrier: 'Evri' });
  });

  it('passes BigCommerce’s refusal on in its words, not retried', async () => {
    fake.refuseNextShipment(400, "The field 'tracking_number' is invalid.");
    const before = fake.requests.length;
    const error = await client.addTracking!(String(fake.orders[1]!.id), { carrier: 'UPS', number: 'BAD', url: null }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PlatformError);
    expect(error).toMatchObject({ status: 400, retryable: false, message: "The field 'tracking_number' is invalid." });
    expect(fake.requests.slice(before).filter((r) => r.path.endsWith('/shipments'))).toHaveLength(1);
    expect(fake.shipments.get(fake.orders[1]!.id)).toBeUndefined();
  });

  it('waits out a 429 and then ships', async () => {
    fake.rateLimitNext(1, 10);
    await expect(client.addTracking!(String(fake.orders[2]!.id), { carrier: 'FedEx', number: '449044304137821', url: null })).resolves.toEqual({ reference: expect.any(String) });
    expect(fake.shipments.get(fake.orders[2]!.id)).toHaveLength(1);
  });
});
