import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { RetentionLifecycle, retentionWorkflowId } from '@boomerang/temporal-client';
import {
  FakeBigcommerce,
  FakeShopify,
  FakeWoocommerce,
  shopifyJson,
  shopifyWebhookHeaders,
  TcpProxy,
  type FakeDelivery,
  type FakeShopifyOrder,
} from '@boomerang/testing';
import type { InboxProjector } from '@boomerang/intake';
import { createIntakeProjector } from '../../worker/src/intake-projector.js';
import { api, createReadyStore, eventually, startStack, type Stack } from './harness.js';

/**
 * Issue 12's "Done means" on the whole stack: each platform's documented payloads, delivered by its fake on loopback to
 * the address our connection registered, through the real receiver and inbox into PostgreSQL, and the purchase
 * signals into Temporal — with redeliveries, out-of-order updates and a projector replaced in the middle of a burst.
 */

const fixture = (platform: string, name: string) =>
  readFileSync(new URL(`../../../libs/stores/src/platforms/${platform}/__fixtures__/${name}`, import.meta.url), 'utf8');
const json = (platform: string, name: string) => JSON.parse(fixture(platform, name)) as Record<string, unknown>;

const RULE = { name: 'Any purchase', status: 'active', windowDays: 3650, senderName: 'Shop', senderEmail: 'shop@platforms.example', subject: 'Hi', bodyHtml: '<p>Hi</p>' };

describe('platform webhooks on the whole stack (fakes of Shopify, WooCommerce and BigCommerce)', () => {
  let stack: Stack;
  // The platforms deliver to PUBLIC_URL, fixed before the api picks its port: this proxy forwards it there.
  const apiTarget = { host: '127.0.0.1', port: 0 };
  const front = new TcpProxy(apiTarget);
  const shopify = new FakeShopify({ accessToken: 'shpat_platforms', apiSecretKey: 'shpss_platforms', shopDomain: 'bean-there.myshopify.com' });
  const woo = new FakeWoocommerce({ consumerKey: 'ck_platforms', consumerSecret: 'cs_platforms' });
  // BigCommerce's clock can stop, so two of its events fall in one second (its light payloads' `created_at`).
  let bcFrozenAt: number | null = null;
  const bigcommerce = new FakeBigcommerce({ storeHash: 'beanthere', accessToken: 'bc-platforms-token', now: () => bcFrozenAt ?? Date.now() });
  const extraProjectors: { projector: InboxProjector; lifecycle: RetentionLifecycle }[] = [];

  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);

  beforeAll(async () => {
    const publicUrl = `http://${await front.up()}`;
    await Promise.all([shopify.start(), woo.start(), bigcommerce.start()]);
    stack = await startStack({
      env: { PUBLIC_URL: publicUrl, SHOPIFY_API_ORIGIN: shopify.origin, BIGCOMMERCE_API_ORIGIN: bigcommerce.origin, ALLOW_INSECURE_PLATFORM_URLS: 'true' },
      projector: { batch: 5 },
    });
    apiTarget.port = Number(new URL(stack.baseUrl).port);
  }, 180_000);

  afterAll(async () => {
    for (const { projector, lifecycle } of extraProjectors) {
      await projector.stop();
      await lifecycle.close();
    }
    await stack?.stop();
    await Promise.all([shopify.stop(), woo.stop(), bigcommerce.stop()]);
    await front.down();
  });

  /** A store with CAN-SPAM details, an active rule for any purchase, connected through `PUT …/connection`. */
  async function connectedStore(name: string, credentials: Record<string, string>) {
    const store = await createReadyStore(stack, name);
    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, RULE, store.apiKey);
    expect(rule.status).toBe(201);
    const put = await api(stack, 'PUT', `/api/v1/stores/${store.id}/connection`, credentials);
    expect(put).toMatchObject({ status: 200, body: { platform: credentials.platform, status: 'connected' } });
    return { ...store, ruleId: rule.body.id as string, address: put.body.webhookUrl as string, topics: put.body.webhookTopics as string[] };
  }

  /** Waits until none of the store's inbox events is pending; answers them, oldest first. */
  async function drained(storeId: string, expected?: number) {
    return eventually(async () => {
      const rows = await sql<{ delivery_id: string; topic: string | null; state: string; last_error: string | null; result: Record<string, unknown> | null }>(
        `select delivery_id, topic, state, last_error, result from inbox_event where store_id = ? order by seq`,
        [storeId],
      );
      if (expected !== undefined && rows.length < expected) return undefined;
      return rows.every((r) => r.state !== 'pending') ? rows : undefined;
    }, 60_000, 100);
  }

  const orderRow = async (storeId: string, externalId: string) =>
    (
      await sql(
        `select o.id, o.external_id, o.status, o.currency, o.total_cents::int as total, o.subtotal_minor::int as subtotal, o.discount_minor::int as discount,
                o.shipping_minor::int as shipping, o.tax_minor::int as tax, o.number, c.email, c.registered, c.external_id as customer_external_id
         from store_order o join customer c on c.id = o.customer_id where o.store_id = ? and o.external_id = ?`,
        [storeId, externalId],
      )
    )[0];
  const lines = (orderId: unknown) =>
    sql(`select external_id, sku, product_id, variant_id, name, quantity, price_minor::int as price from order_line where order_id = ? order by position`, [orderId]);
  const dispatches = (storeId: string, orderId: unknown) =>
    sql<{ kind: string; delivered: boolean }>(`select kind, dispatched_at is not null as delivered from retention_dispatch where store_id = ? and order_id = ? order by id`, [storeId, orderId]);

  /**
   * The signals the customer's retention workflow received for this order, as its Temporal history records them, in
   * every run of it: a run that continued as new keeps the signals it received in its own history. Runs are found by
   * walking back from the latest one (consistent) and by listing the id (visibility, for runs that were not continued).
   */
  async function signalsInTemporal(storeId: string, ruleId: string, email: string, orderId: string): Promise<{ signals: string[]; trace: string[] }> {
    const workflowId = retentionWorkflowId(storeId, ruleId, email);
    const client = stack.env.client;
    type History = Awaited<ReturnType<ReturnType<typeof client.workflow.getHandle>['fetchHistory']>>;
    const histories = new Map<string, History>();
    const latest = await client.workflow.getHandle(workflowId).describe();
    for (let runId: string | null | undefined = latest.runId; runId && !histories.has(runId); ) {
      const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
      histories.set(runId, history);
      runId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.continuedExecutionRunId;
    }
    for await (const run of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
      if (!histories.has(run.runId)) histories.set(run.runId, await client.workflow.getHandle(workflowId, run.runId).fetchHistory());
    }
    const started = (h: History) => Number(h.events?.[0]?.eventTime?.seconds ?? 0) * 1e3 + Number(h.events?.[0]?.eventTime?.nanos ?? 0) / 1e6;
    const runs = [...histories.entries()].sort(([, a], [, b]) => started(a) - started(b));
    const signals: string[] = [];
    const trace: string[] = [];
    for (const [runId, history] of runs) {
      for (const event of history.events ?? []) {
        const signalled = event.workflowExecutionSignaledEventAttributes;
        const payload = signalled?.input?.payloads?.[0]?.data;
        const arg = payload ? (JSON.parse(Buffer.from(payload).toString('utf8')) as { orderId?: string }) : {};
        trace.push(`${runId.slice(0, 8)} #${String(event.eventId)} ${String(event.eventType)}${signalled ? ` ${signalled.signalName} ${arg.orderId ?? ''}` : ''}`);
        if (signalled && arg.orderId === orderId) signals.push(signalled.signalName!);
      }
    }
    return { signals, trace };
  }

  /** Asserts the signals the workflow received for the order; a mismatch reports every run's history. */
  async function expectSignals(storeId: string, ruleId: string, email: string, orderId: string, expected: string[]) {
    const { signals, trace } = await signalsInTemporal(storeId, ruleId, email, orderId);
    if (JSON.stringify(signals) !== JSON.stringify(expected)) {
      throw new Error(`signals for order ${orderId}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(signals)}\n${trace.join('\n')}`);
    }
  }

  /** Waits until every retention signal owed for the order has been delivered to Temporal. */
  const delivered = (storeId: string, orderId: unknown, count: number) =>
    eventually(async () => {
      const rows = await dispatches(storeId, orderId);
      return rows.length === count && rows.every((r) => r.delivered) ? rows.map((r) => r.kind) : undefined;
    }, 60_000, 100);

  describe('Shopify', () => {
    let store: Awaited<ReturnType<typeof connectedStore>>;

    beforeAll(async () => {
      store = await connectedStore('Shopify Beans', { platform: 'shopify', shopDomain: 'bean-there.myshopify.com', accessToken: shopify.accessToken, apiSecretKey: shopify.apiSecretKey });
    });

    it('registered our receiver with Shopify for every order, refund and customer topic', () => {
      const ours = shopify.webhooks.filter((w) => w.address === store.address).map((w) => w.topic).sort();
      expect(ours).toEqual([...store.topics].sort());
      expect(ours).toEqual(expect.arrayContaining(['orders/create', 'orders/updated', 'orders/paid', 'orders/fulfilled', 'orders/cancelled', 'refunds/create']));
      expect(store.address).toMatch(new RegExp(`/api/v1/webhooks/shopify/${store.id}$`));
    });

    it('follows an order from created to paid to fulfilled to refunded (the refund fetched back from Shopify), with its purchase signal and its revocation', async () => {
      const [created] = await shopify.emitWebhook('orders/create', fixture('shopify', 'orders-create.json'));
      expect(created!.status).toBe(200);
      await drained(store.id, 1);
      const row = await orderRow(store.id, '450789469');
      expect(row).toEqual({
        id: expect.any(String),
        external_id: '450789469',
        status: 'pending',
        currency: 'USD',
        total: 40994,
        subtotal: 39800,
        discount: 0,
        shipping: 0,
        tax: 1194,
        number: '#1001',
        email: 'bob.norman@hostmail.com',
        // A customer record without an account (`state` "disabled") is not registered.
        registered: false,
        customer_external_id: '207119551',
      });
      expect((await lines(row!.id)).map((l) => [l.external_id, l.sku, l.quantity, l.price])).toEqual([
        ['466157049', 'IPOD2008GREEN', 1, 19900],
        ['518995019', 'IPOD2008RED', 1, 19900],
        ['703073504', 'IPOD2008BLACK', 1, 19900],
      ]);
      expect(await dispatches(store.id, row!.id)).toEqual([]);

      await shopify.emitWebhook('orders/paid', fixture('shopify', 'orders-paid.json'));
      await drained(store.id, 2);
      expect(await orderRow(store.id, '450789469')).toMatchObject({ id: row!.id, status: 'processing' });
      expect(await dispatches(store.id, row!.id)).toEqual([]);

      await shopify.emitWebhook('orders/fulfilled', fixture('shopify', 'orders-fulfilled.json'));
      await drained(store.id, 3);
      expect(await orderRow(store.id, '450789469')).toMatchObject({ id: row!.id, status: 'shipped' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
      await expectSignals(store.id, store.ruleId, 'bob.norman@hostmail.com', row!.id as string, ['purchase']);

      // refunds/create carries the refund, not the order: the projector fetches the order through the connection.
      const fulfilled = json('shopify', 'orders-fulfilled.json');
      shopify.addOrder({ ...fulfilled, id: 450789469n, financial_status: 'refunded', updated_at: '2016-03-22T11:15:00-04:00' } as Partial<FakeShopifyOrder>);
      const fetchesBefore = shopify.requests.filter((r) => r.path.endsWith('/orders/450789469.json')).length;
      await shopify.emitWebhook('refunds/create', fixture('shopify', 'refunds-create.json'));
      const events = await drained(store.id, 4);
      expect(events.map((e) => [e.topic, e.state])).toEqual([
        ['orders/create', 'projected'],
        ['orders/paid', 'projected'],
        ['orders/fulfilled', 'projected'],
        ['refunds/create', 'projected'],
      ]);
      expect(shopify.requests.filter((r) => r.path.endsWith('/orders/450789469.json')).length).toBe(fetchesBefore + 1);
      expect(await orderRow(store.id, '450789469')).toMatchObject({ id: row!.id, status: 'refunded' });
      expect(await delivered(store.id, row!.id, 2)).toEqual(['purchase', 'revoke']);
      await expectSignals(store.id, store.ruleId, 'bob.norman@hostmail.com', row!.id as string, ['purchase', 'revokePurchase']);
      expect(await sql(`select count(*)::int as n from store_order where store_id = ? and external_id = '450789469'`, [store.id])).toEqual([{ n: 1 }]);
    });

    it('keeps ids beyond 2^53 exact: a cancelled order and its lines', async () => {
      await shopify.emitWebhook('orders/cancelled', fixture('shopify', 'orders-cancelled.json'));
      await drained(store.id);
      const row = await orderRow(store.id, '820982911946154508');
      expect(row).toMatchObject({ external_id: '820982911946154508', status: 'cancelled', currency: 'USD', total: 40300, subtotal: 39300, discount: 500 });
      expect((await lines(row!.id)).map((l) => [l.external_id, l.sku])).toEqual([
        ['866550311766439020', 'IPOD2008PINK'],
        ['141249953214522974', 'IPOD2008PINK'],
      ]);
      expect(await dispatches(store.id, row!.id)).toEqual([]);
    });

    it('takes a guest checkout (no customer object, email from contact_email) with lines without SKU and zone-less dates', async () => {
      await shopify.emitWebhook('orders/updated', fixture('shopify', 'orders-updated-guest.json'));
      await drained(store.id);
      const row = await orderRow(store.id, '9007199254740993');
      expect(row).toMatchObject({ external_id: '9007199254740993', status: 'processing', email: 'guest.buyer@example.com', registered: false, customer_external_id: null });
      const got = await lines(row!.id);
      expect(got.map((l) => [l.external_id, l.sku])).toEqual([
        ['866550311766439020', null],
        ['18446744073709551615', null],
      ]);
    });

    it('takes customers/update then the older customers/create in Shopify\'s newer header family (Shopify-*): id exact, the newer profile kept', async () => {
      const [update] = await shopify.emitWebhook('customers/update', fixture('shopify', 'customers-update.json'), { headers: 'events' });
      expect(update!.headers).not.toHaveProperty('X-Shopify-Hmac-Sha256');
      await shopify.emitWebhook('customers/create', fixture('shopify', 'customers-create.json'), { headers: 'events' });
      const events = await drained(store.id);
      expect(events.slice(-2).map((e) => [e.topic, e.state, e.result?.applied])).toEqual([
        ['customers/update', 'projected', true],
        ['customers/create', 'projected', false],
      ]);
      expect(await sql(`select email, first_name, last_name, phone, external_id, registered from customer where store_id = ? and email = 'bob@biller.com'`, [store.id])).toEqual([
        { email: 'bob@biller.com', first_name: 'Bob', last_name: 'Biller', phone: '+16135551212', external_id: '706405506930370084', registered: true },
      ]);
    });

    it('recognises redeliveries of one delivery, even at once: one inbox row, one order, one signal', async () => {
      const order = shopify.addOrder({ financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: null, cancelled_at: null, email: 'again@platforms.example', customer: { id: 7208134217362513999n, email: 'again@platforms.example', first_name: 'Al', last_name: 'Again' } });
      const [first] = await shopify.emitWebhook('orders/fulfilled', order);
      expect(first!.status).toBe(200);
      const again = await Promise.all([1, 2, 3].map(() => shopify.redeliver(first!.webhookId)));
      expect(again.map((d) => d.status)).toEqual([200, 200, 200]);
      const rows = (await drained(store.id)).filter((e) => e.delivery_id === first!.webhookId);
      expect(rows).toHaveLength(1);
      const row = await orderRow(store.id, String(order.id));
      expect(row).toMatchObject({ status: 'shipped', email: 'again@platforms.example' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
      await expectSignals(store.id, store.ruleId, 'again@platforms.example', row!.id as string, ['purchase']);
      expect(await sql(`select count(*)::int as n from store_order where store_id = ? and external_id = ?`, [store.id, String(order.id)])).toEqual([{ n: 1 }]);
    });

    it('keeps the newer state when an older update arrives after it (by Shopify\'s updated_at)', async () => {
      const base = shopify.addOrder({ email: 'late@platforms.example', customer: undefined, contact_email: 'late@platforms.example' });
      const older = { ...base, financial_status: 'paid', fulfillment_status: null, closed_at: null, cancelled_at: null, updated_at: '2025-03-01T10:00:00-05:00' };
      const newer = { ...base, financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: null, cancelled_at: null, updated_at: '2025-03-01T10:05:00-05:00' };
      await shopify.emitWebhook('orders/fulfilled', newer);
      await drained(store.id);
      await shopify.emitWebhook('orders/paid', older);
      const events = await drained(store.id);
      expect(events.at(-1)).toMatchObject({ topic: 'orders/paid', state: 'projected', result: expect.objectContaining({ applied: false }) });
      const row = await orderRow(store.id, String(base.id));
      expect(row).toMatchObject({ status: 'shipped' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
    });

    it('projects every order of a burst exactly once when the projector is replaced in the middle of it', async () => {
      const N = 40;
      // Completed orders with at least one SKU each (a rule without SKUs arms on an order with some SKU: libs/domain ruleMatchesSkus).
      const orders = Array.from({ length: N }, (_, i) => {
        const order = shopify.addOrder({ financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: '2025-04-01T00:00:00Z', cancelled_at: null, email: `burst${i % 10}@platforms.example`, customer: undefined, contact_email: `burst${i % 10}@platforms.example`, updated_at: `2025-04-01T00:00:${String(i).padStart(2, '0')}Z` });
        order['line_items'] = (order['line_items'] as Record<string, unknown>[]).map((line, l) => ({ ...line, sku: line['sku'] ?? `BURST-${i}-${l}` }));
        return order;
      });
      const before = (await drained(store.id)).length;
      const sent = Promise.all(orders.map((o) => shopify.emitWebhook('orders/create', o)));
      // Stopped once it has projected part of the burst (5 per round), then another projector takes over.
      await eventually(async () => {
        const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from inbox_event where store_id = ? and state = 'projected'`, [store.id]);
        return n > before + 5 ? n : undefined;
      }, 60_000, 10);
      await stack.projector!.stop();
      const deliveries = (await sent).flat();
      expect(deliveries.map((d) => d.status)).toEqual(Array(N).fill(200));
      const [{ projected }] = await sql<{ projected: number }>(`select count(*)::int as projected from inbox_event where store_id = ? and state = 'projected'`, [store.id]);
      // The first projector stopped part-way through the burst.
      expect(projected - before).toBeGreaterThan(0);
      expect(projected - before).toBeLessThan(N);
      const lifecycle = RetentionLifecycle.fromClient(stack.env.client);
      const next = createIntakeProjector({ orm: stack.orm, lifecycle, databaseUrl: stack.db.url, platforms: stack.config, policy: { pollMs: 250, backoffMs: 250, batch: 5 }, logger: { warn() {} } });
      extraProjectors.push({ projector: next, lifecycle });
      next.start();
      const events = await drained(store.id, before + N);
      expect(events.slice(before).map((e) => e.state)).toEqual(Array(N).fill('projected'));
      const ids = orders.map((o) => String(o.id));
      expect(await sql(`select count(*)::int as n, count(distinct external_id)::int as d from store_order where store_id = ? and external_id = any(string_to_array(?, ','))`, [store.id, ids.join(',')])).toEqual([{ n: N, d: N }]);
      const [{ n: lineCount }] = await sql<{ n: number }>(`select count(*)::int as n from order_line l join store_order o on o.id = l.order_id where o.store_id = ? and o.external_id = any(string_to_array(?, ','))`, [store.id, ids.join(',')]);
      expect(lineCount).toBe(orders.reduce((sum, o) => sum + (o['line_items'] as unknown[]).length, 0));
      const signals = await eventually(async () => {
        const rows = await sql<{ n: number; d: number; undelivered: number }>(
          `select count(*)::int as n, count(distinct d.order_id)::int as d, count(*) filter (where dispatched_at is null)::int as undelivered
           from retention_dispatch d join store_order o on o.id = d.order_id where o.store_id = ? and o.external_id = any(string_to_array(?, ','))`,
          [store.id, ids.join(',')],
        );
        return rows[0]!.undelivered === 0 ? rows[0] : undefined;
      }, 60_000, 100);
      expect(signals).toEqual({ n: N, d: N, undelivered: 0 });
      // Each customer's workflow got one purchase signal per order of theirs, no more.
      const first = await orderRow(store.id, ids[0]!);
      const mine = await sql<{ id: string }>(`select o.id from store_order o join customer c on c.id = o.customer_id where o.store_id = ? and c.email = 'burst0@platforms.example' and o.external_id = any(string_to_array(?, ','))`, [store.id, ids.join(',')]);
      expect(first).toMatchObject({ email: 'burst0@platforms.example' });
      for (const { id } of mine) await expectSignals(store.id, store.ruleId, 'burst0@platforms.example', id, ['purchase']);
    });
  });

  describe('WooCommerce', () => {
    let store: Awaited<ReturnType<typeof connectedStore>>;

    beforeAll(async () => {
      store = await connectedStore('Woo Beans', { platform: 'woocommerce', siteUrl: woo.siteUrl, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret });
      await woo.settled();
    });

    const hooks = () => woo.webhooks.filter((w) => w.delivery_url === store.address);

    it('registered our receiver with a secret of ours; its unsigned creation pings were accepted and ignored', async () => {
      expect(hooks().map((w) => w.topic).sort()).toEqual([...store.topics].sort());
      expect(hooks().every((w) => w.secret.length >= 32 && w.status === 'active')).toBe(true);
      const pings = woo.deliveries.filter((d) => d.address === store.address && d.body.startsWith('webhook_id='));
      expect(pings.map((d) => d.status)).toEqual(hooks().map(() => 200));
      const events = await drained(store.id, hooks().length);
      expect(events.map((e) => [e.state, e.result?.kind])).toEqual(hooks().map(() => ['projected', 'ignored']));
    });

    it('follows the documented guest order (a line without SKU) from processing to completed to refunded, with its signal and its revocation', async () => {
      const guest = json('woocommerce', 'order-created.guest.json');
      await woo.placeOrder(guest);
      await drained(store.id);
      const row = await orderRow(store.id, '727');
      expect(row).toMatchObject({ external_id: '727', status: 'processing', currency: 'USD', email: 'john.doe@example.com', registered: false, customer_external_id: null });
      expect(row!.total).toBe(Math.round(Number(guest['total']) * 100));
      expect(row!.shipping).toBe(Math.round(Number(guest['shipping_total']) * 100));
      const got = await lines(row!.id);
      expect(got.map((l) => [l.sku, l.quantity])).toEqual((guest['line_items'] as { sku: string; quantity: number }[]).map((l) => [l.sku === '' ? null : l.sku, l.quantity]));
      expect(await dispatches(store.id, row!.id)).toEqual([]);

      await woo.updateOrder(727, { status: 'completed' });
      await drained(store.id);
      expect(await orderRow(store.id, '727')).toMatchObject({ id: row!.id, status: 'completed' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
      await expectSignals(store.id, store.ruleId, 'john.doe@example.com', row!.id as string, ['purchase']);

      await woo.updateOrder(727, { status: 'refunded' });
      await drained(store.id);
      expect(await orderRow(store.id, '727')).toMatchObject({ id: row!.id, status: 'refunded' });
      expect(await delivered(store.id, row!.id, 2)).toEqual(['purchase', 'revoke']);
      await expectSignals(store.id, store.ruleId, 'john.doe@example.com', row!.id as string, ['purchase', 'revokePurchase']);
    });

    it('takes a registered customer\'s order, and a cancellation', async () => {
      const placed = await woo.placeOrder({ customer_id: 26, billing: { first_name: 'Reg', last_name: 'Istered', email: 'registered@platforms.example', country: 'US' } });
      await drained(store.id);
      const row = await orderRow(store.id, String(placed.id));
      expect(row).toMatchObject({ status: 'processing', total: 2935, shipping: 1000, tax: 135, email: 'registered@platforms.example', registered: true, customer_external_id: '26' });
      expect((await lines(row!.id)).map((l) => [l.sku, l.product_id, l.variant_id])).toEqual([
        [null, '1', null],
        ['Bar3', '4', '5'],
      ]);
      await woo.updateOrder(placed.id, { status: 'cancelled' });
      await drained(store.id);
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ id: row!.id, status: 'cancelled' });
    });

    it('reads dates written with a zone and the Shipment Tracking extension\'s numbers', async () => {
      await woo.placeOrder({ ...json('woocommerce', 'order-updated.zoned-dates.json'), id: 728, number: '728' });
      await drained(store.id);
      const [o] = await sql<{ status: string; placed_at: Date; tracking_numbers: { number: string }[] }>(`select status, placed_at, tracking_numbers from store_order where store_id = ? and external_id = '728'`, [store.id]);
      expect(o!.status).toBe('completed');
      expect(new Date(o!.placed_at).toISOString()).toBe('2017-03-22T19:28:02.000Z');
      expect(o!.tracking_numbers.map((t) => t.number)).toEqual(['9400111899223197428490']);
    });

    it('takes order.deleted (a body of only { id }) by reading the order from the site: a binned order is cancelled', async () => {
      const placed = await woo.placeOrder({ billing: { email: 'woo-bin@platforms.example' } });
      await drained(store.id);
      await woo.trashOrder(placed.id);
      const events = await drained(store.id);
      expect(events.at(-1)).toMatchObject({ topic: 'order.deleted', state: 'projected' });
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ status: 'cancelled' });
    });

    it('recognises a redelivery of the same bytes as one event', async () => {
      await woo.placeOrder({ status: 'completed', billing: { email: 'woo-again@platforms.example' } });
      const delivery = woo.deliveries.at(-1)!;
      const again = await Promise.all([woo.redeliver(delivery), woo.redeliver(delivery)]);
      expect(again.map((d) => d.status)).toEqual([200, 200]);
      await drained(store.id);
      const id = String(JSON.parse(delivery.body).id);
      const [{ n }] = await sql<{ n: number }>(`select count(*)::int as n from inbox_event where store_id = ? and convert_from(body, 'UTF8') like ?`, [store.id, `{"id":${id},%`]);
      expect(n).toBe(1);
      const row = await orderRow(store.id, id);
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
      await expectSignals(store.id, store.ruleId, 'woo-again@platforms.example', row!.id as string, ['purchase']);
    });

    it('keeps the newer state when WooCommerce retries an older delivery after a newer one (by date_modified_gmt)', async () => {
      const placed = await woo.placeOrder({ billing: { email: 'woo-late@platforms.example' } });
      await drained(store.id);
      // The older update's first delivery fails (the receiver unreachable); Woo retries it after the newer one landed.
      const hook = hooks().find((w) => w.topic === 'order.updated')!;
      hook.delivery_url = 'http://127.0.0.1:9/unreachable';
      await woo.updateOrder(placed.id, { status: 'on-hold' });
      hook.delivery_url = store.address;
      const failed = woo.deliveries.at(-1)!;
      expect(failed.status).toBe(0);
      await woo.updateOrder(placed.id, { status: 'completed' });
      await drained(store.id);
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ status: 'completed' });
      const retried = await woo.redeliver({ ...failed, address: store.address } as FakeDelivery);
      expect(retried.status).toBe(200);
      const events = await drained(store.id);
      expect(events.at(-1)).toMatchObject({ state: 'projected', result: expect.objectContaining({ applied: false }) });
      const row = await orderRow(store.id, String(placed.id));
      expect(row).toMatchObject({ status: 'completed' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
    });
  });

  describe('BigCommerce', () => {
    let store: Awaited<ReturnType<typeof connectedStore>>;

    beforeAll(async () => {
      store = await connectedStore('BC Beans', { platform: 'bigcommerce', storeHash: bigcommerce.storeHash, accessToken: bigcommerce.accessToken });
    });

    const hooks = () => bigcommerce.hooks.filter((h) => h.destination === store.address);

    it('registered hooks that carry our secret header', () => {
      expect(hooks().length).toBeGreaterThan(0);
      expect(hooks().map((h) => h.scope).sort()).toEqual([...store.topics].sort());
      expect(hooks().every((h) => h.headers !== null && Object.values(h.headers).some((v) => v.length >= 32))).toBe(true);
    });

    it('fetches each light payload\'s order back through the connection: created, two updates in one second, refunded, with its signal and its revocation', async () => {
      const placed = await bigcommerce.placeOrder({ customer_id: 4242 });
      await drained(store.id);
      const row = await orderRow(store.id, String(placed.id));
      const email = `shopper${placed.id}@example.com`;
      expect(row).toMatchObject({ external_id: String(placed.id), status: 'processing', currency: 'USD', total: 7908, tax: 1015, discount: 500, email, registered: true, customer_external_id: '4242' });
      expect((await lines(row!.id)).map((l) => [l.sku, l.product_id, l.quantity, l.price])).toEqual([
        ['S-ORAN', '77', 1, 5599],
        [null, null, 1, 685],
      ]);
      expect(await dispatches(store.id, row!.id)).toEqual([]);

      // Awaiting Shipment, then Shipped, in one second: two store/order/updated payloads with one scope, time and hash.
      bcFrozenAt = Date.now();
      try {
        await bigcommerce.updateOrder(placed.id, { status_id: 9, status: 'Awaiting Shipment' });
        const first = bigcommerce.deliveries.at(-1)!;
        await drained(store.id);
        expect(await orderRow(store.id, String(placed.id))).toMatchObject({ id: row!.id, status: 'processing' });
        await bigcommerce.updateOrder(placed.id, { status_id: 2, status: 'Shipped' });
        expect(bigcommerce.deliveries.at(-1)!.body).toBe(first.body);
      } finally {
        bcFrozenAt = null;
      }
      await drained(store.id);
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ id: row!.id, status: 'shipped' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
      await expectSignals(store.id, store.ruleId, email, row!.id as string, ['purchase']);

      // A refund is a change of the order: store/order/updated (we register no refund scope; the update carries it).
      await bigcommerce.updateOrder(placed.id, { status_id: 4, status: 'Refunded', refunded_amount: '79.0800' });
      await drained(store.id);
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ id: row!.id, status: 'refunded' });
      expect(await delivered(store.id, row!.id, 2)).toEqual(['purchase', 'revoke']);
      await expectSignals(store.id, store.ruleId, email, row!.id as string, ['purchase', 'revokePurchase']);
    });

    it('takes a guest checkout (customer_id 0) and a cancellation', async () => {
      const guest = await bigcommerce.placeOrder({ customer_id: 0 });
      await drained(store.id);
      expect(await orderRow(store.id, String(guest.id))).toMatchObject({ status: 'processing', email: `shopper${guest.id}@example.com`, registered: false, customer_external_id: null });
      await bigcommerce.updateOrder(guest.id, { status_id: 5, status: 'Cancelled' });
      await drained(store.id);
      expect(await orderRow(store.id, String(guest.id))).toMatchObject({ status: 'cancelled' });
    });

    it('takes store/order/archived: the order, still readable by id, is cancelled', async () => {
      const placed = await bigcommerce.placeOrder();
      await drained(store.id);
      await bigcommerce.archiveOrder(placed.id);
      const events = await drained(store.id);
      expect(events.at(-1)).toMatchObject({ topic: 'store/order/archived', state: 'projected' });
      expect(await orderRow(store.id, String(placed.id))).toMatchObject({ status: 'cancelled' });
    });

    it('recognises a redelivered hook as one event', async () => {
      const placed = await bigcommerce.placeOrder({ status_id: 10, status: 'Completed' });
      const delivery = bigcommerce.deliveries.at(-1)!;
      const again = await Promise.all([bigcommerce.redeliver(delivery), bigcommerce.redeliver(delivery)]);
      expect(again.map((d) => d.status)).toEqual([200, 200]);
      const events = await drained(store.id);
      expect(events.filter((e) => e.delivery_id.startsWith('store/order/created:') && e.delivery_id.includes(':' + JSON.parse(delivery.body).hash))).toHaveLength(1);
      const row = await orderRow(store.id, String(placed.id));
      expect(row).toMatchObject({ status: 'completed' });
      expect(await delivered(store.id, row!.id, 1)).toEqual(['purchase']);
    });
  });

  describe('bad input on the receivers: 4xx naming the problem, nothing stored, never a 5xx', () => {
    let shop: Awaited<ReturnType<typeof connectedStore>>;
    let wooStore: Awaited<ReturnType<typeof connectedStore>>;
    let bcStore: Awaited<ReturnType<typeof connectedStore>>;

    beforeAll(async () => {
      shop = await connectedStore('Bad Shopify', { platform: 'shopify', shopDomain: 'bean-there.myshopify.com', accessToken: shopify.accessToken, apiSecretKey: shopify.apiSecretKey });
      wooStore = await connectedStore('Bad Woo', { platform: 'woocommerce', siteUrl: woo.siteUrl, consumerKey: woo.consumerKey, consumerSecret: woo.consumerSecret });
      bcStore = await connectedStore('Bad BC', { platform: 'bigcommerce', storeHash: bigcommerce.storeHash, accessToken: bigcommerce.accessToken });
      await woo.settled();
    });

    const post = (address: string, body: string | Buffer, headers: Record<string, string>) =>
      fetch(address.replace(/^https?:\/\/[^/]+/, stack.baseUrl), { method: 'POST', headers, body }).then(async (res) => ({ status: res.status, body: (await res.json()) as { error: string; message: string; issues?: { field: string }[] } }));
    const stored = async (storeId: string) => (await sql<{ n: number }>(`select count(*)::int as n from inbox_event where store_id = ?`, [storeId]))[0]!.n;

    type Signer = (body: string | Buffer) => Record<string, string>;
    const cases = () => {
      const wooHook = woo.webhooks.find((w) => w.delivery_url === wooStore.address && w.topic === 'order.created')!;
      const bcHook = bigcommerce.hooks.find((h) => h.destination === bcStore.address && h.scope === 'store/order/created')!;
      const wooSign = (secret: string): Signer => (body) => ({
        'content-type': 'application/json',
        'x-wc-webhook-topic': 'order.created',
        'x-wc-webhook-delivery-id': `d${Math.random().toString(36).slice(2)}`,
        'x-wc-webhook-signature': createHmac('sha256', secret).update(body).digest('base64'),
      });
      return [
        {
          name: 'shopify',
          storeId: () => shop.id,
          address: () => shop.address,
          sign: ((body) => ({ ...shopifyWebhookHeaders({ topic: 'orders/create', body, secret: shopify.apiSecretKey }) })) as Signer,
          forge: ((body) => shopifyWebhookHeaders({ topic: 'orders/create', body, secret: 'not-the-secret' })) as Signer,
          valid: () => fixture('shopify', 'orders-create.json'),
          wrongType: () => shopifyJson({ ...json('shopify', 'orders-create.json'), id: { nested: true } }),
          wrongField: 'id',
        },
        {
          name: 'woocommerce',
          storeId: () => wooStore.id,
          address: () => wooStore.address,
          sign: wooSign(wooHook.secret),
          forge: wooSign('not-the-secret'),
          valid: () => fixture('woocommerce', 'order-created.guest.json'),
          wrongType: () => JSON.stringify({ ...json('woocommerce', 'order-created.guest.json'), line_items: 'none' }),
          wrongField: 'line_items',
        },
        {
          name: 'bigcommerce',
          storeId: () => bcStore.id,
          address: () => bcStore.address,
          sign: (() => ({ 'content-type': 'application/json', ...bcHook.headers })) as Signer,
          forge: (() => ({ 'content-type': 'application/json', ...Object.fromEntries(Object.keys(bcHook.headers!).map((k) => [k, 'not-the-secret'])) })) as Signer,
          valid: () => fixture('bigcommerce', 'hook-order-created.json'),
          wrongType: () => JSON.stringify({ ...json('bigcommerce', 'hook-order-created.json'), data: { type: 'order', id: { nested: true } } }),
          wrongField: 'data.id',
        },
      ];
    };

    it.each(['shopify', 'woocommerce', 'bigcommerce'])('%s', async (name) => {
      const c = cases().find((x) => x.name === name)!;
      const before = await stored(c.storeId());
      const valid = c.valid();
      const answers: { what: string; status: number; body: { error: string; message: string; issues?: { field: string }[] } }[] = [];
      const attempt = async (what: string, body: string | Buffer, headers: Record<string, string>) => answers.push({ what, ...(await post(c.address(), body, headers)) });

      await attempt('wrong signature', valid, c.forge(valid));
      await attempt('no signature', valid, { 'content-type': 'application/json' });
      const huge = `{"pad":"${'x'.repeat(1024 * 1024)}"}`;
      await attempt('oversize', huge, c.sign(huge));
      const truncated = valid.slice(0, Math.floor(valid.length / 2));
      await attempt('truncated', truncated, c.sign(truncated));
      await attempt('malformed', '{"id": 1,,}', c.sign('{"id": 1,,}'));
      await attempt('empty', '', c.sign(''));
      await attempt('not an object', '[1,2,3]', c.sign('[1,2,3]'));
      const wrong = c.wrongType();
      await attempt('wrongly typed', wrong, c.sign(wrong));
      const binary = Buffer.from([0xff, 0xfe, 0x00, 0x7b]);
      await attempt('not UTF-8', binary, c.sign(binary));

      for (const a of answers) {
        expect({ what: a.what, status: a.status >= 400 && a.status < 500, error: typeof a.body.error, message: typeof a.body.message }).toEqual({ what: a.what, status: true, error: 'string', message: 'string' });
      }
      const by = Object.fromEntries(answers.map((a) => [a.what, a]));
      expect(by['wrong signature']).toMatchObject({ status: 401, body: { error: 'invalid_signature' } });
      expect(by['no signature']).toMatchObject({ status: 401 });
      expect(by['oversize']).toMatchObject({ status: 413, body: { error: 'payload_too_large' } });
      for (const what of ['truncated', 'malformed', 'empty', 'not UTF-8']) {
        expect({ what, status: by[what]!.status, error: by[what]!.body.error, message: by[what]!.body.message }).toEqual({ what, status: 400, error: 'malformed_json', message: expect.stringMatching(/not (valid )?JSON/) });
      }
      expect(by['not an object']).toMatchObject({ status: 400, body: { error: 'validation_failed', issues: [expect.objectContaining({ field: expect.any(String) })] } });
      expect(by['wrongly typed']).toMatchObject({ status: 400, body: { error: 'validation_failed', issues: [expect.objectContaining({ field: c.wrongField })] } });
      expect(await stored(c.storeId())).toBe(before);
      // And the genuine delivery still goes through.
      expect((await post(c.address(), valid, c.sign(valid))).status).toBe(200);
      expect(await stored(c.storeId())).toBe(before + 1);
    });
  });
});
