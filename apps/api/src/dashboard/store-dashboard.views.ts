import { ANALYTICS_DAYS, type AnalyticsWidgets } from '@boomerang/integrations';
import { EMPTY_REASONS, type StoreDashboard } from '@boomerang/reporting';
import { fromMinorUnits } from '@boomerang/domain';
import { z } from 'zod';

// The store dashboard's response schema, and the function that builds the answer typed by it (z.output).

const money = (description: string) => z.number().meta({ description: `${description}, in major units of \`currency\`` });
const count = (description: string) => z.number().int().meta({ description });
const empty = z.enum(EMPTY_REASONS).nullable().meta({ description: 'Why the widget has nothing to show; null when it has figures' });
const day = z.string().meta({ description: 'A calendar day in the store\'s time zone, YYYY-MM-DD' });

/** Why a Google Analytics widget has nothing to show. */
export const ANALYTICS_EMPTY_REASONS = ['analytics_not_connected', 'analytics_unavailable', 'no_visits_last_90_days', 'no_referrals_last_90_days', 'no_site_searches_last_90_days'] as const;
const analyticsEmpty = z.enum(ANALYTICS_EMPTY_REASONS).nullable().meta({ description: 'Why the widget has nothing to show (`analytics_unavailable`: see `error`); null when it has figures' });
const sessions = (description: string) => z.number().int().nullable().meta({ description: `${description}; null without a report` });

const analyticsSchema = z
  .object({
    state: z.enum(['not_connected', 'fresh', 'stale', 'unavailable']).meta({
      description: '`fresh`: read within the cache\'s life; `stale`: the last good report, Google failing now (see `error`); `unavailable`: no report to show',
    }),
    days: z.number().int().meta({ description: 'The widgets cover this many days up to today' }),
    propertyId: z.string().nullable(),
    fetchedAt: z.date().nullable().meta({ description: 'When the report was read from Google' }),
    error: z.string().nullable().meta({ description: 'Google\'s answer to the last failed read' }),
    visits: z.object({ sessions: sessions('Sessions'), empty: analyticsEmpty }),
    visitors: z.object({
      users: sessions('Total users'),
      organicSearchSessions: sessions('Sessions from organic search (default channel group "Organic Search")'),
      siteSearches: sessions('Searches on the store\'s site (`view_search_results` events)'),
      empty: analyticsEmpty,
    }),
    topReferrals: z.object({ items: z.array(z.object({ source: z.string(), sessions: z.number().int() })), empty: analyticsEmpty }),
    topSearchTerms: z.object({ items: z.array(z.object({ term: z.string(), searches: z.number().int() })), empty: analyticsEmpty }),
  })
  .meta({ id: 'StoreAnalytics', description: 'The Google Analytics widgets (GA4 Data API), cached an hour per store' });

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
    analytics: analyticsSchema,
  })
  .meta({ id: 'StoreDashboard' });

function analyticsView(a: AnalyticsWidgets): z.output<typeof analyticsSchema> {
  const r = a.report;
  const missing = a.state === 'not_connected' ? 'analytics_not_connected' : 'analytics_unavailable';
  const when = (isEmpty: boolean, reason: (typeof ANALYTICS_EMPTY_REASONS)[number]) => (!r ? missing : isEmpty ? reason : null);
  return {
    state: a.state,
    days: ANALYTICS_DAYS,
    propertyId: a.propertyId,
    fetchedAt: a.fetchedAt,
    error: a.error,
    visits: { sessions: r?.visits ?? null, empty: when(r?.visits === 0, 'no_visits_last_90_days') },
    visitors: {
      users: r?.visitors ?? null,
      organicSearchSessions: r?.organicSearchSessions ?? null,
      siteSearches: r?.siteSearches ?? null,
      empty: when(r?.visitors === 0, 'no_visits_last_90_days'),
    },
    topReferrals: { items: r?.topReferrers ?? [], empty: when(r?.topReferrers.length === 0, 'no_referrals_last_90_days') },
    topSearchTerms: { items: r?.topSearchTerms ?? [], empty: when(r?.topSearchTerms.length === 0, 'no_site_searches_last_90_days') },
  };
}

export function storeDashboardView(d: StoreDashboard, store: { currency: string; timezone: string }, analytics: AnalyticsWidgets): z.output<typeof storeDashboardSchema> {
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
    analytics: analyticsView(analytics),
  };
}
