import { FakeBigcommerce, FakeShopify, TcpProxy } from '@boomerang/testing';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

/**
 * Issue 13, point 4 on the whole stack: a tracking number added to an order reaches the store's platform (the fakes
 * of Shopify and BigCommerce on loopback, through the stored connection), is stored with the platform's id and shows
 * in the order's detail and timeline; a refusal is answered in the platform's words with nothing stored.
 */
describe('tracking numbers pushed to the platform', () => {
  let stack: Stack;
  const apiTarget = { host: '127.0.0.1', port: 0 };
  const front = new TcpProxy(apiTarget);
  const shopify = new FakeShopify({ accessToken: 'shpat_tracking', apiSecretKey: 'shpss_tracking', shopDomain: 'tracked.myshopify.com', leakPerSecond: 1000 });
  const bigcommerce = new FakeBigcommerce({ storeHash: 'tracked', accessToken: 'bc-tracking-token' });
  let shop: { id: string; apiKey: string };
  let shopOrderId: string;
  let shopOrderExternal: bigint;

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);
  const trackingRows = async () => Number((await sql<{ n: string }>(`select count(*) as n from order_tracking`))[0]!.n);
  const orderIdOf = (storeId: string, externalId: string) =>
    eventually(async () => (await sql<{ id: string }>(`select id from store_order where store_id = ? and external_id = ?`, [storeId, externalId]))[0]?.id);
  const track = (storeId: string, orderId: string, body: unknown, key?: string) => api(stack, 'POST', `/api/v1/stores/${storeId}/orders/${orderId}/tracking`, body, key);

  beforeAll(async () => {
    const publicUrl = `http://${await front.up()}`;
    await Promise.all([shopify.start(), bigcommerce.start()]);
    stack = await startStack({
      env: { PUBLIC_URL: publicUrl, SHOPIFY_API_ORIGIN: shopify.origin, BIGCOMMERCE_API_ORIGIN: bigcommerce.origin, ALLOW_INSECURE_PLATFORM_URLS: 'true' },
      projector: { batch: 5 },
    });
    apiTarget.port = Number(new URL(stack.baseUrl).port);
    shop = await createReadyStore(stack, 'Tracked Shopify shop');
    const put = await api(stack, 'PUT', `/api/v1/stores/${shop.id}/connection`, { platform: 'shopify', shopDomain: shopify.shopDomain, accessToken: shopify.accessToken, apiSecretKey: shopify.apiSecretKey });
    expect(put).toMatchObject({ status: 200, body: { status: 'connected' } });
    // An unfulfilled order (seed index 1), announced by orders/create.
    const placed = shopify.addOrder({ fulfillment_status: null, fulfillments: [], closed_at: null });
    shopOrderExternal = placed.id;
    await shopify.emitWebhook('orders/create', placed);
    shopOrderId = await orderIdOf(shop.id, String(placed.id));
  }, 180_000);

  afterAll(async () => {
    await stack?.stop();
    await Promise.all([shopify.stop(), bigcommerce.stop()]);
    await front.down();
  });

  it('pushes a Shopify order’s tracking as a fulfilment, stores it with the fulfilment id and shows it in the detail and timeline', async () => {
    const res = await track(shop.id, shopOrderId, { carrier: 'UPS', number: '1Z 999 AA1 01 2345 6784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784' });
    expect(res.status).toBe(201);
    const push = shopify.fulfilments.pushes.at(-1)!;
    expect(push).toMatchObject({ kind: 'create', orderId: shopOrderExternal });
    expect(push.body).toMatchObject({ fulfillment: { tracking_info: { number: '1Z999AA10123456784', company: 'UPS' }, notify_customer: false } });
    expect(res.body).toEqual({
      id: expect.any(String),
      carrier: 'UPS',
      number: '1Z999AA10123456784',
      url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784',
      pushedTo: 'shopify',
      platformReference: String(push.fulfillmentId),
      addedAt: expect.any(String),
    });

    const detail = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders/${shopOrderId}`);
    expect(detail.body.trackingNumbers[0]).toEqual({ carrier: 'UPS', number: '1Z999AA10123456784', url: 'https://www.ups.com/track?tracknum=1Z999AA10123456784', addedBy: 'merchant', pushedTo: 'shopify', addedAt: res.body.addedAt });
    const timeline = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders/${shopOrderId}/timeline`);
    const entry = timeline.body.items.find((e: { kind: string }) => e.kind === 'tracking_added');
    expect(entry).toMatchObject({ summary: `Tracking UPS 1Z999AA10123456784 added, pushed to Shopify (fulfilment ${push.fulfillmentId})`, tracking: { number: '1Z999AA10123456784', pushedTo: 'shopify' } });

    // Shopify's orders/updated and orders/fulfilled follow: the paid order ships, and the number it now reports is listed once.
    const fulfilled = await eventually(async () => {
      const d = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders/${shopOrderId}`);
      return d.body.status === 'shipped' ? d.body : undefined;
    });
    expect(fulfilled.trackingNumbers.map((t: { number: string; addedBy: string }) => [t.number, t.addedBy])).toEqual([['1Z999AA10123456784', 'merchant']]);
  });

  it('takes the same carrier and number again (other case, other spacing) without pushing twice', async () => {
    const pushes = shopify.fulfilments.pushes.length;
    const rows = await trackingRows();
    const again = await track(shop.id, shopOrderId, { carrier: 'ups', number: '1z999aa1 0123456784' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ carrier: 'UPS', number: '1Z999AA10123456784', pushedTo: 'shopify' });
    expect(shopify.fulfilments.pushes).toHaveLength(pushes);
    expect(await trackingRows()).toBe(rows);
  });

  it('pushes once when the same number is sent twice at the same time (a double click)', async () => {
    const second = shopify.addOrder({ fulfillment_status: null, fulfillments: [], closed_at: null });
    await shopify.emitWebhook('orders/create', second);
    const orderId = await orderIdOf(shop.id, String(second.id));
    const body = { carrier: 'USPS', number: '9400111899560000000001' };
    const answers = await Promise.all([track(shop.id, orderId, body), track(shop.id, orderId, body)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 201]);
    expect(answers[0]!.body.id).toBe(answers[1]!.body.id);
    expect(shopify.fulfilments.pushes.filter((p) => p.orderId === second.id)).toHaveLength(1);
  });

  it('shows Shopify’s refusal (422 in its words) and stores nothing', async () => {
    shopify.fulfilments.refuseNext('Tracking number has already been taken by another fulfillment.');
    const rows = await trackingRows();
    const refused = await track(shop.id, shopOrderId, { carrier: 'FedEx', number: '449044304137821' });
    expect(refused).toMatchObject({ status: 422, body: { error: 'unprocessable', message: expect.stringContaining('Tracking number has already been taken by another fulfillment.') } });
    expect(refused.body.message).toBe('Shopify refused the tracking number: Tracking number has already been taken by another fulfillment. (HTTP 422). Nothing was stored.');
    expect(await trackingRows()).toBe(rows);
    const timeline = await api(stack, 'GET', `/api/v1/stores/${shop.id}/orders/${shopOrderId}/timeline`);
    expect(timeline.body.items.filter((e: { kind: string }) => e.kind === 'tracking_added')).toHaveLength(1);
  });

  it('answers 502 when Shopify keeps failing, with its words, and stores nothing', async () => {
    shopify.failNext(2, 503);
    const rows = await trackingRows();
    const failed = await track(shop.id, shopOrderId, { carrier: 'FedEx', number: '449044304137821' });
    expect(failed).toMatchObject({ status: 502, body: { error: 'bad_gateway', message: 'Shopify could not take the tracking number: Shopify answered 503: Service Unavailable. Nothing was stored; try again.' } });
    expect(await trackingRows()).toBe(rows);
  });

  it('answers 404 for another store’s order (or an unknown one): nothing pushed, nothing written', async () => {
    const other = await createReadyStore(stack, 'Another store');
    const pushes = shopify.fulfilments.pushes.length;
    const rows = await trackingRows();
    for (const key of [other.apiKey, undefined]) {
      const res = await track(other.id, shopOrderId, { carrier: 'UPS', number: '1ZOTHER' }, key);
      expect(res).toMatchObject({ status: 404, body: { error: 'not_found', message: `order ${shopOrderId} was not found` } });
    }
    expect(await track(shop.id, '00000000-0000-4000-8000-000000000000', { carrier: 'UPS', number: '1ZNONE' })).toMatchObject({ status: 404, body: { error: 'not_found' } });
    expect(shopify.fulfilments.pushes).toHaveLength(pushes);
    expect(await trackingRows()).toBe(rows);
  });

  it('refuses bad input with 400 naming each field, pushing and writing nothing', async () => {
    const pushes = shopify.fulfilments.pushes.length;
    const rows = await trackingRows();
    const cases: [unknown, string[]][] = [
      [{ carrier: '', number: '1Z1' }, ['carrier']],
      [{ carrier: 'UPS', number: '1Z1;drop table' }, ['number']],
      [{ carrier: 'UPS', number: 'A'.repeat(41) }, ['number']],
      [{ carrier: 'x'.repeat(61), number: '1Z1' }, ['carrier']],
      [{ carrier: 'UPS', number: '1Z1', url: 'javascript:alert(1)' }, ['url']],
      [{ carrier: 'UPS', number: '1Z1', notify: true }, ['(body)']],
      [{ number: 7 }, ['carrier', 'number']],
    ];
    for (const [body, fields] of cases) {
      const res = await track(shop.id, shopOrderId, body);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('validation_failed');
      expect(res.body.issues.map((i: { field: string }) => i.field).sort()).toEqual(fields);
    }
    expect(shopify.fulfilments.pushes).toHaveLength(pushes);
    expect(await trackingRows()).toBe(rows);
  });

  it('pushes a BigCommerce order’s tracking as a shipment of its lines', async () => {
    const store = await createReadyStore(stack, 'Tracked BigCommerce store');
    const put = await api(stack, 'PUT', `/api/v1/stores/${store.id}/connection`, { platform: 'bigcommerce', storeHash: bigcommerce.storeHash, accessToken: bigcommerce.accessToken });
    expect(put).toMatchObject({ status: 200, body: { status: 'connected' } });
    const placed = await bigcommerce.placeOrder();
    const orderId = await orderIdOf(store.id, String(placed.id));
    const res = await track(store.id, orderId, { carrier: 'USPS', number: '9400111899560000000000' });
    expect(res).toMatchObject({ status: 201, body: { pushedTo: 'bigcommerce', platformReference: String(bigcommerce.shipments.get(placed.id)![0]!['id']) } });
    expect(bigcommerce.shipmentRequests.at(-1)).toMatchObject({ method: 'POST', orderId: placed.id, body: { tracking_number: '9400111899560000000000', shipping_provider: 'usps', order_address_id: placed.id } });

    bigcommerce.refuseNextShipment(400, "The field 'tracking_number' is invalid.");
    const refused = await track(store.id, orderId, { carrier: 'USPS', number: 'EJ958083578US' });
    expect(refused).toMatchObject({ status: 422, body: { message: "BigCommerce refused the tracking number: The field 'tracking_number' is invalid. (HTTP 400). Nothing was stored." } });
    const detail = await api(stack, 'GET', `/api/v1/stores/${store.id}/orders/${orderId}`);
    expect(detail.body.trackingNumbers.filter((t: { addedBy: string }) => t.addedBy === 'merchant').map((t: { number: string }) => t.number)).toEqual(['9400111899560000000000']);

    // Disconnected, the store cannot push: 409 saying so, nothing sent.
    expect((await api(stack, 'DELETE', `/api/v1/stores/${store.id}/connection`)).status).toBe(200);
    const requests = bigcommerce.shipmentRequests.length;
    const disconnected = await track(store.id, orderId, { carrier: 'USPS', number: 'EJ958083578US' });
    expect(disconnected).toMatchObject({ status: 409, body: { error: 'conflict', message: 'the store is not connected to BigCommerce: connect it again to push tracking numbers' } });
    expect(bigcommerce.shipmentRequests).toHaveLength(requests);
  });

  it('stores a custom cart’s tracking here only, and says so in the timeline', async () => {
    const store = await createReadyStore(stack, 'Custom cart store');
    const projected = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'custom-77' })));
    const orderId = (projected.body as { orderId: string }).orderId;
    const res = await track(store.id, orderId, { carrier: 'Royal Mail', number: 'AB123456789GB' });
    expect(res).toMatchObject({ status: 201, body: { pushedTo: null, platformReference: null } });
    const timeline = await api(stack, 'GET', `/api/v1/stores/${store.id}/orders/${orderId}/timeline`);
    expect(timeline.body.items.find((e: { kind: string }) => e.kind === 'tracking_added').summary).toBe('Tracking Royal Mail AB123456789GB added, stored here only (the cart has no tracking API)');
  });
});
