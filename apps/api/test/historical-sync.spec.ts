import { platformClients, type SyncSourcePort } from '@boomerang/stores';
import { FakeWoocommerce } from '@boomerang/testing';
import { api, createReadyStore, eventually, startStack, type Stack } from './harness.js';

// Settings → Sync historical data through the api, on the whole stack: the worker's own composition (the interim
// intake projecting into store_order, the rule back-fill) walking a fake WooCommerce of 250 orders through the real
// WooCommerce client, which can hold its second page so the test sees a sync that is running.
const ORDERS = 250;
// Seven customers buy again and again (the fake gives every order its own customer otherwise), and their orders are
// completed: purchases a retention rule counts.
const CUSTOMERS = 7;

describe('historical sync (POST/GET /api/v1/stores/:storeId/sync)', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string };
  let other: { id: string; apiKey: string };
  let ruleId: string;
  let reachedPage2!: () => void;
  let releasePage2!: () => void;
  const atPage2 = new Promise<void>((r) => (reachedPage2 = r));
  const page2 = new Promise<void>((r) => (releasePage2 = r));

  const woo = new FakeWoocommerce({ orders: ORDERS });
  for (const [i, order] of woo.orders.entries()) {
    (order['billing'] as { email: string }).email = `customer${i % CUSTOMERS}@woo.example`;
    order['status'] = 'completed';
  }
  let pages = 0;
  const sources: SyncSourcePort = async () => {
    const credentials = { platform: 'woocommerce' as const, siteUrl: woo.siteUrl, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret };
    const client = platformClients.woocommerce(credentials, { shopifyOrigin: null, bigcommerceOrigin: 'https://api.bigcommerce.com', allowInsecureSiteUrls: true });
    return {
      platform: 'woocommerce',
      client: {
        testConnection: () => client.testConnection(),
        countProducts: () => client.countProducts(),
        fetchOrder: (id) => client.fetchOrder(id),
        registerWebhooks: (address, secret) => client.registerWebhooks(address, secret),
        unregisterWebhooks: (ids) => client.unregisterWebhooks(ids),
        async listOrders(cursor, pageSize, options) {
          pages += 1;
          if (pages === 2) {
            reachedPage2();
            await page2;
          }
          return client.listOrders(cursor, pageSize, options);
        },
      },
    };
  };

  beforeAll(async () => {
    await woo.start();
    stack = await startStack({ sync: { sources } });
    store = await createReadyStore(stack, 'History');
    other = await createReadyStore(stack, 'Elsewhere');
    // Active before the sync: with a ten-year window, every customer who bought coffee in the history is inside it.
    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Coffee refill', status: 'active', windowDays: 3650, skus: ['Bar3'],
      senderName: 'History', senderEmail: 'shop@history.example', subject: 'Hi', bodyHtml: '<p>Hi</p>',
    }, store.apiKey);
    expect(rule.status).toBe(201);
    ruleId = rule.body.id;
  });

  afterAll(async () => {
    releasePage2?.();
    await stack?.stop();
    await woo.stop();
  });

  const sync = (method: 'GET' | 'POST', key = store.apiKey, storeId = store.id) => api(stack, method, `/api/v1/stores/${storeId}/sync`, undefined, key);

  it('has nothing to show before the first sync', async () => {
    const none = await sync('GET');
    expect(none).toMatchObject({ status: 404, body: { error: 'not_found' } });
  });

  it('starts one sync, refuses a second while it runs, and reports fetched of total with a rate', async () => {
    const started = await sync('POST');
    expect(started.status).toBe(202);
    expect(started.body).toMatchObject({ state: 'running', fetched: 0, percent: 0, etaSeconds: null, finishedAt: null, error: null });

    await atPage2;
    const again = await sync('POST');
    expect(again).toMatchObject({ status: 409, body: { error: 'conflict' } });
    const running = await sync('GET');
    // The first page: WooCommerce's pages hold 99 new orders (one slot overlaps the previous page).
    expect(running.body).toMatchObject({ id: started.body.id, state: 'running', platform: 'woocommerce', fetched: 99, total: ORDERS, percent: 39 });
    expect(running.body.ordersPerSecond).toBeGreaterThan(0);
    expect(running.body.etaSeconds).toBeGreaterThanOrEqual(0);
    // Another store's key opens nothing here.
    expect((await sync('GET', other.apiKey)).status).toBe(401);
    expect((await sync('POST', other.apiKey)).status).toBe(401);
    expect((await sync('GET', other.apiKey, other.id)).status).toBe(404);
  });

  it('finishes at 100 %, with every order stored, then back-fills the active rule from the synced history', async () => {
    releasePage2();
    const done = await eventually(async () => {
      const res = await sync('GET');
      return res.body.state === 'completed' ? res.body : undefined;
    }, 60_000);
    expect(done).toMatchObject({ fetched: ORDERS, total: ORDERS, percent: 100, etaSeconds: null, error: null });
    expect(Date.parse(done.finishedAt)).toBeGreaterThanOrEqual(Date.parse(done.startedAt));

    const [{ orders }] = await stack.orm.em.fork().execute(`select count(*)::int as orders from store_order where store_id = ?`, [store.id]);
    expect(orders).toBe(ORDERS);
    // Seven customers in the history, each with orders of the rule's SKU: the rule's back-fill arms all seven.
    const armed = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute(`select count(*)::int as n from retention_enrollment where rule_id = ? and state = 'armed'`, [ruleId]);
      return rows[0].n === CUSTOMERS ? rows[0].n : undefined;
    }, 60_000);
    expect(armed).toBe(CUSTOMERS);

    // A finished sync may run again, at once (its workflow closes a moment after its row says completed).
    const rerun = await sync('POST');
    expect(rerun.status).toBe(202);
    await eventually(async () => ((await sync('GET')).body.state === 'completed' ? true : undefined), 60_000);
    const [{ total }] = await stack.orm.em.fork().execute(`select count(*)::int as total from store_order where store_id = ?`, [store.id]);
    expect(total).toBe(ORDERS);
  });
});
