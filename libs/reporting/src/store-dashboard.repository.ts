import type { EntityManager } from '@boomerang/persistence';

/** The order figures of the dashboard, read from `store_order_day` (days are the store's calendar days). */
export interface OrderFigures {
  /** The store's calendar day `now` falls on. */
  today: string;
  monthStart: string;
  monthOrders: number;
  monthRevenueMinor: number;
  last30Orders: number;
  last30RevenueMinor: number;
  totalOrders: number;
  totalRevenueMinor: number;
}

export interface DayVolume {
  day: string;
  orders: number;
  revenueMinor: number;
}

export interface TopSellerRow {
  sku: string;
  name: string | null;
  quantity: number;
  revenueMinor: number;
}

export interface ConnectionRow {
  platform: string;
  status: string;
  lastEventAt: Date | null;
  productCount: number | null;
}

/** The calendar day `now` (a parameter) falls on in the time zone (a parameter): the first CTE of every read. */
const TODAY = `today as (select (cast(? as timestamptz) at time zone ?)::date as d)`;

const num = (v: unknown) => Number(v ?? 0);
const isoDay = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

/** The dashboard's reads; each takes the store id, the store's time zone and the instant it counts from. */
export class StoreDashboardRepository {
  constructor(private readonly em: EntityManager) {}

  /** This month, the last 30 days (today and the 29 before) and all time, in one pass over the store's day rows. */
  async orderFigures(storeId: string, timezone: string, now: Date): Promise<OrderFigures> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `with ${TODAY}, b as (select d as today, date_trunc('month', d)::date as month_start, d - 29 as from30 from today)
       select to_char(b.today, 'YYYY-MM-DD') as today, to_char(b.month_start, 'YYYY-MM-DD') as month_start,
              coalesce(sum(o.orders) filter (where o.day between b.month_start and b.today), 0) as month_orders,
              coalesce(sum(o.revenue_minor) filter (where o.day between b.month_start and b.today), 0) as month_revenue,
              coalesce(sum(o.orders) filter (where o.day between b.from30 and b.today), 0) as orders30,
              coalesce(sum(o.revenue_minor) filter (where o.day between b.from30 and b.today), 0) as revenue30,
              coalesce(sum(o.orders), 0) as orders, coalesce(sum(o.revenue_minor), 0) as revenue
       from b left join store_order_day o on o.store_id = ?
       group by b.today, b.month_start`,
      [now.toISOString(), timezone, storeId],
    );
    return {
      today: String(r!['today']),
      monthStart: String(r!['month_start']),
      monthOrders: num(r!['month_orders']),
      monthRevenueMinor: num(r!['month_revenue']),
      last30Orders: num(r!['orders30']),
      last30RevenueMinor: num(r!['revenue30']),
      totalOrders: num(r!['orders']),
      totalRevenueMinor: num(r!['revenue']),
    };
  }

  /** Orders and revenue on each of the last `days` calendar days (today last), days without orders as zero. */
  async dailyVolume(storeId: string, timezone: string, now: Date, days: number): Promise<DayVolume[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `with ${TODAY}
       select to_char(today.d - g.n, 'YYYY-MM-DD') as day, coalesce(o.orders, 0) as orders, coalesce(o.revenue_minor, 0) as revenue
       from today cross join generate_series(0, cast(? as int) - 1) as g(n)
       left join store_order_day o on o.store_id = ? and o.day = today.d - g.n
       order by g.n desc`,
      [now.toISOString(), timezone, days, storeId],
    );
    return rows.map((r) => ({ day: isoDay(r['day']), orders: num(r['orders']), revenueMinor: num(r['revenue']) }));
  }

  /** The SKUs sold most (by quantity, then revenue) over the last `days` calendar days; names from `store_product`. */
  async topSellers(storeId: string, timezone: string, now: Date, days: number, limit: number): Promise<TopSellerRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `with ${TODAY},
       top as (
         select p.sku, sum(p.quantity) as quantity, sum(p.revenue_minor) as revenue
         from today, store_product_day p
         where p.store_id = ? and p.day between today.d - (cast(? as int) - 1) and today.d
         group by p.sku
         having sum(p.quantity) > 0
         order by quantity desc, revenue desc, p.sku
         limit cast(? as int)
       )
       select top.sku, sp.name, top.quantity, top.revenue
       from top left join store_product sp on sp.store_id = ? and sp.sku = top.sku
       order by top.quantity desc, top.revenue desc, top.sku`,
      [now.toISOString(), timezone, storeId, days, limit, storeId],
    );
    return rows.map((r) => ({ sku: String(r['sku']), name: (r['name'] as string | null) ?? null, quantity: num(r['quantity']), revenueMinor: num(r['revenue']) }));
  }

  /** Customers whose first counted order fell in the last `days` calendar days, and in the `days` before those. */
  async newCustomers(storeId: string, timezone: string, now: Date, days: number): Promise<{ current: number; previous: number }> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `with ${TODAY},
       b as (select (today.d - (cast(? as int) - 1))::timestamp at time zone ? as cur, (today.d - (2 * cast(? as int) - 1))::timestamp at time zone ? as prev,
                    (today.d + 1)::timestamp at time zone ? as until from today)
       select count(*) filter (where c.first_order_at >= b.cur) as current, count(*) filter (where c.first_order_at < b.cur) as previous
       from b join customer c on c.store_id = ? and c.first_order_at >= b.prev and c.first_order_at < b.until`,
      [now.toISOString(), timezone, days, timezone, days, timezone, timezone, storeId],
    );
    return { current: num(r?.['current']), previous: num(r?.['previous']) };
  }

  async connection(storeId: string): Promise<ConnectionRow | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select platform, status, last_event_at, product_count from store_connection where store_id = ?`,
      [storeId],
    );
    if (!r) return null;
    return {
      platform: String(r['platform']),
      status: String(r['status']),
      lastEventAt: r['last_event_at'] ? new Date(r['last_event_at'] as string) : null,
      productCount: r['product_count'] === null ? null : num(r['product_count']),
    };
  }

  /** Active retention rules (the dashboard's "workflows active"). */
  async activeWorkflows(storeId: string): Promise<number> {
    const [r] = await this.em.execute<{ n: string }[]>(`select count(*) as n from retention_rule where store_id = ? and status = 'active'`, [storeId]);
    return num(r?.n);
  }

  /** App installations (Slack, Mailchimp) that are on; webhook endpoints are not apps. */
  async activeApps(storeId: string): Promise<number> {
    const [r] = await this.em.execute<{ n: string }[]>(`select count(*) as n from webhook_endpoint where store_id = ? and kind <> 'webhook' and status = 'active'`, [storeId]);
    return num(r?.n);
  }

  /** SKUs the store has sold (`store_product`): the product count while the platform has not given one. */
  async soldSkus(storeId: string): Promise<number> {
    const [r] = await this.em.execute<{ n: string }[]>(`select count(*) as n from store_product where store_id = ?`, [storeId]);
    return num(r?.n);
  }
}
