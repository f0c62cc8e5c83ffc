import { api, COFFEE_REFILL_RULE, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';
import { ownByNewAccount } from './fuzz/tenant.js';

interface Store {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

const MAPS_KEY = 'test-maps-key';

describe('orders: list, detail and timeline (whole stack)', () => {
  let stack: Stack;
  let a: Store;
  let b: Store;
  let bOwner: { session: string };
  const ids: Record<string, string> = {};
  const placed = new Date(Date.now() - 60_000).toISOString();

  const get = (path: string, key = a.apiKey) => api(stack, 'GET', `/api/v1/stores/${a.id}${path}`, undefined, key);
  const buy = async (store: Store, body: Record<string, unknown>) => {
    const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order(body)));
    if (res.status !== 202) throw new Error(`order ${String(body['id'])}: ${JSON.stringify(res.body)}`);
    return res.body as { customerId: string; orderId: string };
  };
  const fields = (body: { issues?: { field: string }[] }) => (body.issues ?? []).map((i) => i.field).sort();
  const numbers = (body: { items: { number: string }[] }) => body.items.map((o) => o.number);
  const jane = {
    id: 'a-1',
    number: '#1001',
    status: 'pending',
    adminUrl: 'https://cart.alpha.example/admin/orders/a-1',
    customer: { email: 'jane@alpha.example', firstName: 'Jane', lastName: 'Doe', optedIn: true },
    lineItems: [
      { sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, price: 18.5, imageUrl: 'https://cdn.alpha.example/blend.png', productUrl: 'https://alpha.example/blend', manufacturer: 'Alpha Roastery', category: 'Coffee' },
      { sku: 'MUG', name: 'Mug', quantity: 1, price: 8 },
    ],
    totals: { subtotal: 45, discount: 5, shipping: 4.5, tax: 3.25, total: 47.75 },
    shippingAddress: { name: 'Jane Doe', line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB' },
    billingAddress: { name: 'Jane Doe', company: 'Doe & Co', line1: '1 High Street', city: 'Oxford', country: 'GB' },
    trackingNumbers: [{ number: '1Z999AA10123456784', carrier: 'UPS', url: 'https://ups.example/track/1Z999' }],
    createdAt: placed,
  };

  beforeAll(async () => {
    stack = await startStack({ env: { GOOGLE_MAPS_EMBED_KEY: MAPS_KEY } });
    a = await createReadyStore(stack, 'Alpha Coffee');
    b = await createReadyStore(stack, 'Bravo Tea');
    bOwner = await ownByNewAccount(stack, b.id, 'Bravo');
    const rule = await api(stack, 'POST', `/api/v1/stores/${a.id}/rules`, COFFEE_REFILL_RULE, a.apiKey);
    expect(rule.status).toBe(201);
    ids.ruleId = rule.body.id;
    ids.joe = (await buy(a, { id: 'a-2', number: '#1002', customer: { email: 'joe@alpha.example', firstName: 'Joe' }, createdAt: '2026-01-05T09:00:00Z', lineItems: [{ sku: 'TEA', quantity: 1, price: 5 }], totals: { total: 5 } })).customerId;
    await buy(a, { id: 'a-3', number: '#1003', status: 'cancelled', customer: { email: 'joe@alpha.example' }, createdAt: '2026-01-07T09:00:00Z', lineItems: [{ sku: 'TEA', quantity: 1, price: 5 }], totals: { total: 5 } });
    const first = await buy(a, jane);
    ids.jane = first.customerId;
    ids.order = first.orderId;
    ids.other = (await buy(b, { id: 'a-1', number: '#1001', customer: { email: 'jane@alpha.example' }, createdAt: placed })).orderId;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('lists the store\'s orders newest first, searches, filters and pages them', async () => {
    const all = await get('/orders');
    expect(all.status).toBe(200);
    expect(numbers(all.body)).toEqual(['#1001', '#1003', '#1002']);
    expect(all.body).toMatchObject({ total: 3, nextCursor: null });
    expect(all.body.items[0]).toMatchObject({ id: ids.order, status: 'pending', totalMinor: 4775, currency: 'USD', items: 3, customer: { id: ids.jane, email: 'jane@alpha.example', firstName: 'Jane' } });

    expect(numbers((await get('/orders?q=%231002')).body)).toEqual(['#1002']);
    expect(numbers((await get('/orders?q=JOE%40')).body)).toEqual(['#1003', '#1002']);
    expect(numbers((await get('/orders?status=cancelled')).body)).toEqual(['#1003']);
    expect((await get('/orders?from=2026-01-06&to=2026-01-08')).body).toMatchObject({ total: 1, items: [{ number: '#1003' }] });
    expect(numbers((await get(`/orders?customer=${ids.joe}&sort=oldest`)).body)).toEqual(['#1002', '#1003']);

    const first = await get('/orders?limit=2');
    expect(numbers(first.body)).toEqual(['#1001', '#1003']);
    const next = await get(`/orders?limit=2&cursor=${first.body.nextCursor}`);
    expect(next.body).toMatchObject({ total: 3, nextCursor: null });
    expect(numbers(next.body)).toEqual(['#1002']);
  });

  it('refuses bad query parameters with a 400 naming the field', async () => {
    const cases: [string, string[]][] = [
      ['/orders?status=lost', ['status']],
      ['/orders?from=yesterday', ['from']],
      ['/orders?from=2026-02-01&to=2026-01-01', ['to']],
      ['/orders?limit=101', ['limit']],
      ['/orders?customer=nope', ['customer']],
      ['/orders?sort=total', ['sort']],
      [`/orders?q=${'x'.repeat(101)}`, ['q']],
      ['/orders?cursor=not-a-cursor', ['cursor']],
    ];
    for (const [path, expected] of cases) {
      const res = await get(path);
      expect({ path, status: res.status, fields: fields(res.body) }).toEqual({ path, status: 400, fields: expected });
    }
    const page = await get('/orders?limit=1');
    const other = await get(`/orders?sort=oldest&limit=1&cursor=${page.body.nextCursor}`);
    expect([other.status, fields(other.body)]).toEqual([400, ['cursor']]);
  });

  it('shows the detail: customer, addresses and map, items with pictures, summary, tracking and admin link', async () => {
    const res = await get(`/orders/${ids.order}`);
    expect(res.status).toBe(200);
    const query = encodeURIComponent('10 Downing Street, London, SW1A 2AA, GB');
    expect(res.body).toMatchObject({
      id: ids.order,
      externalId: 'a-1',
      number: '#1001',
      status: 'pending',
      placedAt: placed,
      adminUrl: 'https://cart.alpha.example/admin/orders/a-1',
      customer: { id: ids.jane, email: 'jane@alpha.example', firstName: 'Jane', lastName: 'Doe', guest: true, orderCount: 1, optedIn: true, subscribed: true },
      shippingAddress: { name: 'Jane Doe', line1: '10 Downing Street', city: 'London', postalCode: 'SW1A 2AA', country: 'GB', company: null },
      billingAddress: { company: 'Doe & Co', city: 'Oxford' },
      map: { embedUrl: `https://www.google.com/maps/embed/v1/place?key=${MAPS_KEY}&q=${query}`, linkUrl: null },
      summary: { currency: 'USD', subtotalMinor: 4500, discountMinor: 500, shippingMinor: 450, taxMinor: 325, totalMinor: 4775 },
      trackingNumbers: [{ number: '1Z999AA10123456784', carrier: 'UPS', url: 'https://ups.example/track/1Z999', addedBy: 'platform', pushedTo: null, addedAt: null }],
    });
    expect(res.body.items).toEqual([
      { sku: 'COFFEE-1KG', name: 'House blend 1kg', description: 'Alpha Roastery · Coffee', imageUrl: 'https://cdn.alpha.example/blend.png', productUrl: 'https://alpha.example/blend', quantity: 2, unitPriceMinor: 1850, lineTotalMinor: 3700 },
      { sku: 'MUG', name: 'Mug', description: null, imageUrl: null, productUrl: null, quantity: 1, unitPriceMinor: 800, lineTotalMinor: 800 },
    ]);
    // A platform's line with a link that is not http(s) (no schema of ours checked it) is shown without the link.
    await stack.orm.em.fork().execute(`update order_line set product_url = 'javascript:alert(1)' where order_id = ? and sku = 'MUG'`, [ids.order]);
    expect((await get(`/orders/${ids.order}`)).body.items[1].productUrl).toBeNull();
  });

  it('tells the order\'s life: received, a status change by a later update, the retention cycle it armed and the email it sent', async () => {
    await buy(a, { ...jane, status: 'completed', updatedAt: new Date().toISOString() });
    const entries = await eventually(async () => {
      const res = await get(`/orders/${ids.order}/timeline`);
      const items = res.body.items as { kind: string }[];
      return items.some((e) => e.kind === 'message_sent') ? items : undefined;
    });
    expect(entries.map((e) => e.kind)).toEqual(['placed', 'received', 'status_changed', 'retention_armed', 'message_sent']);
    expect(entries[1]).toMatchObject({ status: 'pending', summary: 'Order received (pending)' });
    expect(entries[2]).toMatchObject({ status: 'completed', previousStatus: 'pending', summary: 'Status changed from pending to completed' });
    expect(entries[3]).toMatchObject({ ruleId: ids.ruleId, ruleName: 'Coffee refill' });
    expect(entries[4]).toMatchObject({ ruleId: ids.ruleId, subject: 'Running low, Jane?', summary: 'Email sent by “Coffee refill”: Running low, Jane?' });
    expect((await get(`/orders/${ids.order}`)).body.status).toBe('completed');
    expect((await get('/orders?status=completed')).body.items.map((o: { id: string }) => o.id)).toContain(ids.order);
  });

  it('answers 404 for another store\'s order, an unknown or malformed id, and another account\'s store', async () => {
    for (const path of [`/orders/${ids.other}`, `/orders/${ids.other}/timeline`, '/orders/00000000-0000-4000-8000-000000000000', '/orders/nope', '/orders/nope/timeline']) {
      expect({ path, status: (await get(path)).status }).toEqual({ path, status: 404 });
    }
    // Store B's merchant on store A's routes, and store A's customer as a filter of store B's list.
    for (const path of ['/orders', `/orders/${ids.order}`, `/orders/${ids.order}/timeline`]) {
      expect({ path, status: (await get(path, bOwner.session)).status }).toEqual({ path, status: 404 });
    }
    const bList = await api(stack, 'GET', `/api/v1/stores/${b.id}/orders?customer=${ids.jane}`, undefined, b.apiKey);
    expect(bList.status).toBe(404);
    const bAll = await api(stack, 'GET', `/api/v1/stores/${b.id}/orders`, undefined, b.apiKey);
    expect(bAll.body.items.map((o: { id: string }) => o.id)).toEqual([ids.other]);
  });
});
