import type { EntityManager } from '@boomerang/persistence';
import { StoreDashboardRepository, type DayVolume, type TopSellerRow } from './store-dashboard.repository.js';

/** Days of the order volume graph, of the stats, and of the top sellers. */
export const VOLUME_DAYS = 7;
export const STATS_DAYS = 30;
export const TOP_SELLER_DAYS = 90;
export const TOP_SELLER_LIMIT = 10;

/** Why a widget has nothing to show; null when it has figures. */
export const EMPTY_REASONS = [
  'no_orders_this_month',
  'no_products',
  'no_orders_last_7_days',
  'no_orders_yet',
  'no_sales_last_30_days',
  'not_connected',
  'no_sales_last_90_days',
] as const;
export type EmptyReason = (typeof EMPTY_REASONS)[number];

/**
 * The store page's widgets (seed 002 "Dashboard Widgets"). Money in minor units of the store's currency: orders in
 * another currency are added as if they were in it (the roll-ups do not convert).
 */
export interface StoreDashboard {
  today: string;
  month: { start: string; orders: number; incomeMinor: number; empty: EmptyReason | null };
  products: { count: number; source: 'platform' | 'orders'; empty: EmptyReason | null };
  orderVolume: { days: DayVolume[]; empty: EmptyReason | null };
  totals: { orders: number; revenueMinor: number; empty: EmptyReason | null };
  last30Days: {
    orders: number;
    revenueMinor: number;
    averageOrderMinor: number | null;
    newCustomers: number;
    newCustomersPrevious: number;
    empty: EmptyReason | null;
  };
  connection: {
    platform: string | null;
    status: string;
    lastEventAt: Date | null;
    workflowsActive: number;
    appsActive: number;
    empty: EmptyReason | null;
  };
  topSellers: { items: TopSellerRow[]; empty: EmptyReason | null };
}

const when = (isEmpty: boolean, reason: EmptyReason) => (isEmpty ? reason : null);

export class StoreDashboardService {
  constructor(private readonly clock: () => Date = () => new Date()) {}

  async dashboard(em: EntityManager, store: { id: string; timezone: string }): Promise<StoreDashboard> {
    const repo = new StoreDashboardRepository(em);
    const now = this.clock();
    const { id, timezone } = store;
    const figures = await repo.orderFigures(id, timezone, now);
    const days = await repo.dailyVolume(id, timezone, now, VOLUME_DAYS);
    const top = await repo.topSellers(id, timezone, now, TOP_SELLER_DAYS, TOP_SELLER_LIMIT);
    const customers = await repo.newCustomers(id, timezone, now, STATS_DAYS);
    const connection = await repo.connection(id);
    const workflowsActive = await repo.activeWorkflows(id);
    const appsActive = await repo.activeApps(id);
    const platformCount = connection?.productCount ?? null;
    const productCount = platformCount ?? (await repo.soldSkus(id));
    return {
      today: figures.today,
      month: { start: figures.monthStart, orders: figures.monthOrders, incomeMinor: figures.monthRevenueMinor, empty: when(figures.monthOrders === 0, 'no_orders_this_month') },
      products: { count: productCount, source: platformCount === null ? 'orders' : 'platform', empty: when(productCount === 0, 'no_products') },
      orderVolume: { days, empty: when(days.every((d) => d.orders === 0), 'no_orders_last_7_days') },
      totals: { orders: figures.totalOrders, revenueMinor: figures.totalRevenueMinor, empty: when(figures.totalOrders === 0, 'no_orders_yet') },
      last30Days: {
        orders: figures.last30Orders,
        revenueMinor: figures.last30RevenueMinor,
        averageOrderMinor: figures.last30Orders === 0 ? null : Math.round(figures.last30RevenueMinor / figures.last30Orders),
        newCustomers: customers.current,
        newCustomersPrevious: customers.previous,
        empty: when(figures.last30Orders === 0, 'no_sales_last_30_days'),
      },
      connection: {
        platform: connection?.platform ?? null,
        status: connection?.status ?? 'disconnected',
        lastEventAt: connection?.lastEventAt ?? null,
        workflowsActive,
        appsActive,
        empty: when(connection === null || connection.status === 'disconnected', 'not_connected'),
      },
      topSellers: { items: top, empty: when(top.length === 0, 'no_sales_last_90_days') },
    };
  }
}
