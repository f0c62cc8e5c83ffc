import { EMPTY_REASONS, type StoreDashboard } from '@boomerang/reporting';
import { fromMinorUnits } from '@boomerang/domain';
import { z } from 'zod';

// The store dashboard's response schema, and the function that builds the answer typed by it (z.output).

const money = (description: string) => z.number().meta({ description: `${description}, in major units of \`currency\`` });
const count = (description: string) => z.number().int().meta({ description });
const empty = z.enum(EMPTY_REASONS).nullable().meta({ description: 'Why the widget has nothing to show; null when it has figures' });
const day = z.string().meta({ description: 'A calendar day in the store\'s time zone, YYYY-MM-DD' });

export const storeDashboardSchema = z
  .object({
    currency: z.string().meta({ description: 'The store\'s currency; orders in another currency are counted as if in it' }),
    timezone: z.string().meta({ description: 'The store\'s time zone: days and months are its calendar\'s' }),
    today: day,
    income: z.object({ monthStart: day, amount: money('Orders\' totals this calendar month'), empty }),
    orders: z.object({ monthStart: day, count: count('Orders this calendar month (not cancelled or refunded)'), empty }),
    products: z.object({
      count: count('Products as the platform counts them (variants included), or SKUs sold while it has not told us'),
      source: z.enum(['platform', 'orders']),
      empty,
    }),
    orderVolume: z.object({
      days: z.array(z.object({ day, orders: z.number().int(), revenue: money('Their totals') })).meta({ description: 'The last seven calendar days, today last' }),
      empty,
    }),
    totals: z.object({ orders: count('All orders ever (not cancelled or refunded)'), revenue: money('Their totals'), empty }),
    last30Days: z.object({
      orders: z.number().int(),
      revenue: money('Totals of the last 30 calendar days (today included)'),
      averageOrder: money('Revenue over orders').nullable(),
      newCustomers: count('Customers whose first order fell in the last 30 days'),
      newCustomersPrevious: count('Customers whose first order fell in the 30 days before those'),
      empty,
    }),
    connection: z.object({
      platform: z.string().nullable(),
      status: z.string(),
      lastEventAt: z.date().nullable(),
      workflowsActive: count('Active retention workflows'),
      appsActive: count('Active apps (Slack, Mailchimp installations that are on)'),
      empty,
    }),
    topSellers: z.object({
      items: z.array(z.object({ sku: z.string(), name: z.string().nullable(), quantity: z.number().int(), revenue: money('Quantity × line price') })),
      empty,
    }).meta({ description: 'The ten SKUs sold most in the last 90 days' }),
    analytics: z.object({
      visits: z.number().int().nullable().meta({ description: 'Visits this month as Google Analytics counts them; null while it is not connected' }),
      reason: z.literal('analytics_not_connected'),
    }).meta({ description: 'Visits, visitors, referrals and search terms need Google Analytics, not connected yet' }),
  })
  .meta({ id: 'StoreDashboard' });

export function storeDashboardView(d: StoreDashboard, store: { currency: string; timezone: string }): z.output<typeof storeDashboardSchema> {
  const major = (minor: number) => fromMinorUnits(minor, store.currency);
  return {
    currency: store.currency,
    timezone: store.timezone,
    today: d.today,
    income: { monthStart: d.month.start, amount: major(d.month.incomeMinor), empty: d.month.empty },
    orders: { monthStart: d.month.start, count: d.month.orders, empty: d.month.empty },
    products: d.products,
    orderVolume: { days: d.orderVolume.days.map((v) => ({ day: v.day, orders: v.orders, revenue: major(v.revenueMinor) })), empty: d.orderVolume.empty },
    totals: { orders: d.totals.orders, revenue: major(d.totals.revenueMinor), empty: d.totals.empty },
    last30Days: {
      orders: d.last30Days.orders,
      revenue: major(d.last30Days.revenueMinor),
      averageOrder: d.last30Days.averageOrderMinor === null ? null : major(d.last30Days.averageOrderMinor),
      newCustomers: d.last30Days.newCustomers,
      newCustomersPrevious: d.last30Days.newCustomersPrevious,
      empty: d.last30Days.empty,
    },
    connection: d.connection,
    topSellers: { items: d.topSellers.items.map((t) => ({ sku: t.sku, name: t.name, quantity: t.quantity, revenue: major(t.revenueMinor) })), empty: d.topSellers.empty },
    analytics: { visits: null, reason: 'analytics_not_connected' },
  };
}
