import { api, createReadyStore, order, postAndProject, startStack, type Stack } from './harness.js';
import { ownByNewAccount } from './fuzz/tenant.js';

const TZ = 'Australia/Adelaide'; // +10:30 in November: its days are not whole UTC days
const DAY = 86_400_000;
/** The calendar day of an instant in the store's time zone, YYYY-MM-DD. */
const localDay = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);

describe('store dashboard: the store page\'s widgets from the roll-ups (whole stack)', () => {
  let stack: Stack;
  let a: { id: string; webhookSecret: string };
  let fresh: { id: string };
  let freshOwner: { session: string };
  const placed: { at: Date; total: number }[] = [];
  const now = Date.now();

  const buy = async (id: string, email: string, at: Date, total: number, lineItems: unknown[], extra: Record<string, unknown> = {}) => {
    const body = order({ id, createdAt: at.toISOString(), customer: { email, optedIn: true }, lineItems, totals: { subtotal: total, tax: 0, shipping: 0, total }, ...extra });
    const res = await postAndProject(stack, a.id, a.webhookSecret, JSON.stringify(body));
    if (res.status !== 202) throw new Error(`order ${id}: ${JSON.stringify(res.body)}`);
  };
  const get = (storeId: string, key?: string) => api(stack, 'GET', `/api/v1/stores/${storeId}/dashboard`, undefined, key);

  beforeAll(async () => {
    stack = await startStack();
    a = await createReadyStore(stack, 'Alpha Coffee', { timezone: TZ });
    fresh = await createReadyStore(stack, 'Fresh Tea');
    freshOwner = await ownByNewAccount(stack, fresh.id, 'Fresh');
    const coffee = (quantity: number) => ({ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity, price: 18.5 });
    const orders: [string, string, number, number, unknown[]][] = [
      ['a-1', 'jane@alpha.example', 1 / 24, 45, [coffee(2)]],
      ['a-2', 'joe@alpha.example', 2, 15, [{ sku: 'TEA-250', name: 'Green tea', quantity: 3, price: 5 }]],
      ['a-3', 'ann@alpha.example', 40, 18.5, [coffee(1)]],
      ['a-5', 'bob@alpha.example', 120, 10, [{ sku: 'MUG', name: 'Mug', quantity: 1, price: 10 }]],
    ];
    for (const [id, email, daysAgo, total, lines] of orders) {
      const at = new Date(now - daysAgo * DAY);
      await buy(id, email, at, total, lines);
      placed.push({ at, total });
    }
    // Placed, then cancelled by a newer update: counted nowhere.
    const cancelledAt = new Date(now - 3 * DAY);
    await buy('a-4', 'kim@alpha.example', cancelledAt, 100, [coffee(5)]);
    await buy('a-4', 'kim@alpha.example', cancelledAt, 100, [coffee(5)], { status: 'cancelled', updatedAt: new Date().toISOString() });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('answers this month, the last 7 and 30 days, all time and the top sellers exactly', async () => {
    const res = await get(a.id);
    expect(res.status).toBe(200);
    const today = localDay(new Date());
    const monthStart = `${today.slice(0, 8)}01`;
    const thisMonth = placed.filter((o) => localDay(o.at) >= monthStart);
    const week = Array.from({ length: 7 }, (_, i) => localDay(new Date(Date.parse(`${today}T12:00:00Z`) - (6 - i) * DAY)));
    const onDay = (day: string) => placed.filter((o) => localDay(o.at) === day);

    expect(res.body).toMatchObject({
      currency: 'USD',
      timezone: TZ,
      today,
      income: { monthStart, amount: thisMonth.reduce((s, o) => s + o.total, 0), empty: thisMonth.length ? null : 'no_orders_this_month' },
      orders: { monthStart, count: thisMonth.length },
      totals: { orders: 4, revenue: 88.5, empty: null },
      last30Days: { orders: 2, revenue: 60, averageOrder: 30, newCustomers: 2, newCustomersPrevious: 1, empty: null },
      // Not connected: the SKUs sold (the cancelled order's included) stand for the product count.
      products: { count: 3, source: 'orders', empty: null },
      connection: { platform: null, status: 'disconnected', lastEventAt: null, workflowsActive: 0, appsActive: 0, empty: 'not_connected' },
      topSellers: {
        items: [
          { sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 3, revenue: 55.5 },
          { sku: 'TEA-250', name: 'Green tea', quantity: 3, revenue: 15 },
        ],
        empty: null,
      },
      analytics: {
        state: 'not_connected',
        days: 90,
        propertyId: null,
        fetchedAt: null,
        error: null,
        visits: { sessions: null, empty: 'analytics_not_connected' },
        visitors: { users: null, organicSearchSessions: null, siteSearches: null, empty: 'analytics_not_connected' },
        topReferrals: { items: [], empty: 'analytics_not_connected' },
        topSearchTerms: { items: [], empty: 'analytics_not_connected' },
      },
    });
    expect(res.body.orderVolume).toEqual({
      days: week.map((day) => ({ day, orders: onDay(day).length, revenue: onDay(day).reduce((s, o) => s + o.total, 0) })),
      empty: null,
    });
    expect(res.body.orderVolume.days.reduce((s: number, d: { orders: number }) => s + d.orders, 0)).toBe(2);
  });

  it('gives a new store every empty state, and another account\'s store is a 404', async () => {
    const res = await get(fresh.id, freshOwner.session);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      income: { amount: 0, empty: 'no_orders_this_month' },
      orders: { count: 0, empty: 'no_orders_this_month' },
      products: { count: 0, empty: 'no_products' },
      orderVolume: { empty: 'no_orders_last_7_days' },
      totals: { orders: 0, revenue: 0, empty: 'no_orders_yet' },
      last30Days: { orders: 0, averageOrder: null, empty: 'no_sales_last_30_days' },
      connection: { empty: 'not_connected' },
      topSellers: { items: [], empty: 'no_sales_last_90_days' },
    });
    expect(res.body.orderVolume.days.map((d: { orders: number }) => d.orders)).toEqual([0, 0, 0, 0, 0, 0, 0]);

    const foreign = await get(a.id, freshOwner.session);
    expect(foreign.status).toBe(404);
    expect(JSON.stringify(foreign.body)).not.toContain('COFFEE');
    expect((await get('00000000-0000-4000-8000-000000000000')).status).toBe(404);
  });
});
