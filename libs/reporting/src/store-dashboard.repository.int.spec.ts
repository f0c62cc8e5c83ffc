import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, type TestOrm } from '@boomerang/testing';
import { StoreDashboardRepository } from './store-dashboard.repository.js';
import { StoreDashboardService } from './store-dashboard.service.js';

type Line = { sku: string; name: string | null; quantity: number; priceCents: number };
const line = (sku: string, quantity: number, priceCents: number): Line => ({ sku, name: `Product ${sku}`, quantity, priceCents });

/** The roll-ups' rows as the orders themselves give them (the reference the triggers must equal). */
async function fromOrders(em: EntityManager, storeId: string) {
  const days = await em.execute<Record<string, string>[]>(
    `select to_char((o.placed_at at time zone s.timezone)::date, 'YYYY-MM-DD') as day, count(*)::int as orders, sum(o.total_cents)::bigint as revenue
     from store_order o join store s on s.id = o.store_id
     where o.store_id = ? and o.status not in ('cancelled', 'refunded') group by 1 order by 1`,
    [storeId],
  );
  const skus = await em.execute<Record<string, string>[]>(
    `select to_char((o.placed_at at time zone s.timezone)::date, 'YYYY-MM-DD') as day, l.sku, sum(l.quantity)::int as quantity, sum(l.quantity * l."priceCents")::bigint as revenue
     from store_order o join store s on s.id = o.store_id cross join lateral jsonb_to_recordset(o.lines) as l(sku text, quantity int, "priceCents" bigint)
     where o.store_id = ? and o.status not in ('cancelled', 'refunded') group by 1, 2 order by 1, 2`,
    [storeId],
  );
  return { days: days.map((r) => [r['day'], Number(r['orders']), Number(r['revenue'])]), skus: skus.map((r) => [r['day'], r['sku'], Number(r['quantity']), Number(r['revenue'])]) };
}

/** The roll-ups' rows, those whose figures dropped to zero left out. */
async function fromRollups(em: EntityManager, storeId: string) {
  const days = await em.execute<Record<string, string>[]>(
    `select to_char(day, 'YYYY-MM-DD') as day, orders, revenue_minor from store_order_day where store_id = ? and (orders <> 0 or revenue_minor <> 0) order by day`,
    [storeId],
  );
  const skus = await em.execute<Record<string, string>[]>(
    `select to_char(day, 'YYYY-MM-DD') as day, sku, quantity, revenue_minor from store_product_day where store_id = ? and (quantity <> 0 or revenue_minor <> 0) order by day, sku`,
    [storeId],
  );
  return { days: days.map((r) => [r['day'], Number(r['orders']), Number(r['revenue_minor'])]), skus: skus.map((r) => [r['day'], r['sku'], Number(r['quantity']), Number(r['revenue_minor'])]) };
}

describe('store dashboard roll-ups (PostgreSQL triggers) and reads', () => {
  let db: TestOrm;
  let orm: MikroORM;
  let store: string;
  let other: string;
  let customer: string;

  const order = (em: EntityManager, placedAt: string, total: number, lines: Line[], values: Record<string, unknown> = {}) =>
    seedRow(em, 'store_order', { store_id: store, customer_id: customer, placed_at: placedAt, total_cents: total, lines: JSON.stringify(lines), ...values });

  async function expectExact(em: EntityManager) {
    const expected = await fromOrders(em, store);
    expect(await fromRollups(em, store)).toEqual(expected);
    return expected;
  }

  beforeAll(async () => {
    db = await openTestOrm('boomerang_store_dashboard');
    orm = db.orm;
    const em = orm.em.fork();
    // New York: UTC-5 in November, UTC-4 in October; the month starts at 04:00 UTC on 1 November.
    store = await seedRow(em, 'store', { timezone: 'America/New_York' });
    other = await seedRow(em, 'store');
    customer = await seedRow(em, 'customer', { store_id: store });
  });

  afterAll(async () => {
    await db?.close();
  });

  it('keeps the day and SKU roll-ups exact through inserts, cancellation, total changes, re-dating and deletes', async () => {
    const em = orm.em.fork();
    const a = await order(em, '2026-11-10T15:00:00Z', 2500, [line('A', 2, 1000), line('B', 1, 500)]);
    const b = await order(em, '2026-11-10T16:00:00Z', 1000, [line('A', 1, 1000)]);
    const c = await order(em, '2026-11-11T03:00:00Z', 700, [line('C', 1, 700)]); // 10 November, 22:00 in New York
    await seedRow(em, 'store_order', { store_id: other, customer_id: customer, placed_at: '2026-11-10T15:00:00Z', total_cents: 9999 });
    expect((await expectExact(em)).days).toEqual([['2026-11-10', 3, 4200]]);

    await em.execute(`update store_order set status = 'cancelled' where id = ?`, [b]);
    expect((await expectExact(em)).days).toEqual([['2026-11-10', 2, 3200]]);
    await em.execute(`update store_order set total_cents = 3000 where id = ?`, [a]);
    expect((await expectExact(em)).days).toEqual([['2026-11-10', 2, 3700]]);
    await em.execute(`update store_order set placed_at = '2026-11-12T15:00:00Z' where id = ?`, [c]);
    expect((await expectExact(em)).days).toEqual([['2026-11-10', 1, 3000], ['2026-11-12', 1, 700]]);
    // An update the roll-ups do not read changes nothing; reviving the cancelled order counts it again.
    await em.execute(`update store_order set tracking_numbers = '[]' where store_id = ?`, [store]);
    await em.execute(`update store_order set status = 'completed' where id = ?`, [b]);
    const revived = await expectExact(em);
    expect(revived.days).toEqual([['2026-11-10', 2, 4000], ['2026-11-12', 1, 700]]);
    expect(revived.skus).toEqual([['2026-11-10', 'A', 3, 3000], ['2026-11-10', 'B', 1, 500], ['2026-11-12', 'C', 1, 700]]);
    // New lines (an edited order) move the SKU figures, and an order in another currency counts as the store's.
    await em.execute(`update store_order set lines = ?, currency = 'EUR' where id = ?`, [JSON.stringify([line('D', 4, 250)]), b]);
    expect((await expectExact(em)).skus).toEqual([['2026-11-10', 'A', 2, 2000], ['2026-11-10', 'B', 1, 500], ['2026-11-10', 'D', 4, 1000], ['2026-11-12', 'C', 1, 700]]);
    await em.execute(`delete from store_order where id = any(cast(? as uuid[]))`, [`{${a},${c}}`]);
    expect((await expectExact(em)).days).toEqual([['2026-11-10', 1, 1000]]);
    await em.execute(`delete from store_order where store_id = ?`, [store]);
    expect(await fromRollups(em, store)).toEqual({ days: [], skus: [] });
    expect((await fromRollups(em, other)).days).toEqual([['2026-11-10', 1, 9999]]);
  });

  it('counts this month in the store\'s time zone, the last 7 days with empty days, top sellers and new customers', async () => {
    const em = orm.em.fork();
    await em.execute(`delete from store_order where store_id = ?`, [store]);
    await order(em, '2026-11-01T03:59:00Z', 100, [line('A', 1, 100)]); // 31 October, 23:59 in New York
    await order(em, '2026-11-01T04:00:00Z', 200, [line('B', 3, 50), line('A', 1, 50)]); // 1 November, 00:00
    await order(em, '2026-11-14T12:00:00Z', 400, [line('B', 2, 200)]);
    await order(em, '2026-11-15T04:30:00Z', 800, [line('C', 1, 800)]); // 14 November, 23:30
    await order(em, '2026-11-15T05:30:00Z', 1600, [line('C', 1, 1600)], { status: 'refunded' });
    const now = new Date('2026-11-15T14:00:00Z');
    const repo = new StoreDashboardRepository(em);

    const figures = await repo.orderFigures(store, 'America/New_York', now);
    expect(figures).toEqual({
      today: '2026-11-15', monthStart: '2026-11-01', monthOrders: 3, monthRevenueMinor: 1400,
      last30Orders: 4, last30RevenueMinor: 1500, totalOrders: 4, totalRevenueMinor: 1500,
    });

    expect(await repo.dailyVolume(store, 'America/New_York', now, 7)).toEqual([
      { day: '2026-11-09', orders: 0, revenueMinor: 0 },
      { day: '2026-11-10', orders: 0, revenueMinor: 0 },
      { day: '2026-11-11', orders: 0, revenueMinor: 0 },
      { day: '2026-11-12', orders: 0, revenueMinor: 0 },
      { day: '2026-11-13', orders: 0, revenueMinor: 0 },
      { day: '2026-11-14', orders: 2, revenueMinor: 1200 },
      { day: '2026-11-15', orders: 0, revenueMinor: 0 },
    ]);
    await em.execute(`insert into store_product (id, store_id, sku, name, orders, last_ordered_at) values (gen_random_uuid(), ?, 'B', 'Blue mug', 2, now())`, [store]);
    expect(await repo.topSellers(store, 'America/New_York', now, 90, 2)).toEqual([
      { sku: 'B', name: 'Blue mug', quantity: 5, revenueMinor: 550 },
      { sku: 'A', name: null, quantity: 2, revenueMinor: 150 },
    ]);
    // The customer's first order (31 October) is within the last 30 days; another customer's first order 40 days ago.
    const older = await seedRow(em, 'customer', { store_id: store });
    await seedRow(em, 'store_order', { store_id: store, customer_id: older, placed_at: '2026-10-06T12:00:00Z', total_cents: 100 });
    expect(await repo.newCustomers(store, 'America/New_York', now, 30)).toEqual({ current: 1, previous: 1 });
  });

  it('rebuilds a store\'s days when its time zone changes', async () => {
    const em = orm.em.fork();
    await em.execute(`update store set timezone = 'Asia/Kolkata' where id = ?`, [store]);
    const rebuilt = await expectExact(em);
    expect(rebuilt.days[0]).toEqual(['2026-10-06', 1, 100]);
    expect(rebuilt.days).toContainEqual(['2026-11-01', 2, 300]); // 09:29 and 09:30 in Kolkata
    await em.execute(`update store set timezone = 'America/New_York' where id = ?`, [store]);
    await expectExact(em);
  });

  it('never fails an order\'s write: a zone PostgreSQL does not know counts in UTC days, a line without SKU or price counts as nothing', async () => {
    const em = orm.em.fork();
    const odd = await seedRow(em, 'store', { timezone: 'Mars/Olympus' });
    const buyer = await seedRow(em, 'customer', { store_id: odd });
    await seedRow(em, 'store_order', {
      store_id: odd, customer_id: buyer, placed_at: '2026-11-02T23:30:00Z', total_cents: 700,
      lines: JSON.stringify([{ sku: 'A', quantity: 2 }, { name: 'no sku', quantity: 1, priceCents: 100 }, { sku: 'B', quantity: 1, priceCents: 300 }]),
    });
    expect(await fromRollups(em, odd)).toEqual({ days: [['2026-11-02', 1, 700]], skus: [['2026-11-02', 'A', 2, 0], ['2026-11-02', 'B', 1, 300]] });
    await em.execute(`update store set timezone = 'Pluto/Base' where id = ?`, [odd]);
    expect((await fromRollups(em, odd)).days).toEqual([['2026-11-02', 1, 700]]);
  });

  it('gives every widget its empty state for a store without orders or connection', async () => {
    const em = orm.em.fork();
    const fresh = await seedRow(em, 'store', { timezone: 'Europe/Paris' });
    const d = await new StoreDashboardService(() => new Date('2026-11-15T14:00:00Z')).dashboard(em, { id: fresh, timezone: 'Europe/Paris' });
    expect(d.month).toEqual({ start: '2026-11-01', orders: 0, incomeMinor: 0, empty: 'no_orders_this_month' });
    expect(d.orderVolume.days).toHaveLength(7);
    expect(d.orderVolume.empty).toBe('no_orders_last_7_days');
    expect(d.totals.empty).toBe('no_orders_yet');
    expect(d.last30Days).toEqual({ orders: 0, revenueMinor: 0, averageOrderMinor: null, newCustomers: 0, newCustomersPrevious: 0, empty: 'no_sales_last_30_days' });
    expect(d.products).toEqual({ count: 0, source: 'orders', empty: 'no_products' });
    expect(d.connection).toEqual({ platform: null, status: 'disconnected', lastEventAt: null, workflowsActive: 0, appsActive: 0, empty: 'not_connected' });
    expect(d.topSellers).toEqual({ items: [], empty: 'no_sales_last_90_days' });
  });

  it('takes the platform\'s product count and the connection, and counts active workflows and active apps only', async () => {
    const em = orm.em.fork();
    const connected = await seedRow(em, 'store');
    await em.execute(
      `insert into store_connection (store_id, platform, identifiers, registered_webhooks, status, last_event_at, updated_at, product_count)
       values (?, 'shopify', '{}', '[]', 'connected', '2026-11-15T10:00:00Z', now(), 1200000)`,
      [connected],
    );
    await seedRow(em, 'retention_rule', { store_id: connected, status: 'active' });
    await seedRow(em, 'retention_rule', { store_id: connected, status: 'paused' });
    await seedRow(em, 'retention_rule', { store_id: store, status: 'active' });
    const endpoint = (storeId: string, kind: string, status: string) =>
      em.execute(
        `insert into webhook_endpoint (id, store_id, kind, url, event_types, secret_sealed, status, created_at, updated_at) values (gen_random_uuid(), ?, ?, 'https://x.test', '[]', 's', ?, now(), now())`,
        [storeId, kind, status],
      );
    await endpoint(connected, 'slack', 'active');
    await endpoint(connected, 'mailchimp', 'active');
    await endpoint(connected, 'mailchimp', 'disabled');
    await endpoint(connected, 'webhook', 'active');
    await endpoint(store, 'slack', 'active');
    const d = await new StoreDashboardService(() => new Date('2026-11-15T14:00:00Z')).dashboard(em, { id: connected, timezone: 'UTC' });
    expect(d.products).toEqual({ count: 1_200_000, source: 'platform', empty: null });
    expect(d.connection).toEqual({ platform: 'shopify', status: 'connected', lastEventAt: new Date('2026-11-15T10:00:00Z'), workflowsActive: 1, appsActive: 2, empty: null });
  });
});
