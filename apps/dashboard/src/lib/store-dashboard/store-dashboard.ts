// The store page's widgets: the api's answer and what each empty state says.
import type { components } from '../api/schema.js';

/** GET /api/v1/stores/{storeId}/dashboard. */
export type StoreDashboard = components['schemas']['StoreDashboard'];
export type EmptyReason = NonNullable<StoreDashboard['totals']['empty']>;
export type AnalyticsEmptyReason = NonNullable<StoreDashboard['analytics']['visits']['empty']>;

export const EMPTY_MESSAGES: Record<EmptyReason | AnalyticsEmptyReason, string> = {
  no_orders_this_month: 'No orders this month yet.',
  no_products: 'No products yet: connect your store, or they appear with the first orders.',
  no_orders_last_7_days: 'No orders in the last 7 days.',
  no_orders_yet: 'No orders yet.',
  no_sales_last_30_days: 'No sales in the last 30 days.',
  not_connected: 'Your store is not connected.',
  no_sales_last_90_days: 'No sales in the last 90 days.',
  analytics_not_connected: 'Google Analytics is not connected.',
  analytics_unavailable: 'Google Analytics could not be read.',
  no_visits_last_90_days: 'No visits in the last 90 days.',
  no_referrals_last_90_days: 'No visits from referral sites in the last 90 days.',
  no_site_searches_last_90_days: 'No searches on your site in the last 90 days.',
};

/** "+25%" / "−10%" / "new" for the new customers against the 30 days before; null when both are zero. */
export function changeLabel(current: number, previous: number): string | null {
  if (previous === 0) return current === 0 ? null : 'new';
  const pct = Math.round(((current - previous) / previous) * 100);
  return `${pct > 0 ? '+' : pct < 0 ? '−' : '±'}${Math.abs(pct)}%`;
}

/** "Mon 23" for a YYYY-MM-DD calendar day (the store's, so no time zone shift). */
export function dayLabel(day: string): string {
  const date = new Date(`${day}T12:00:00Z`);
  return `${new Intl.DateTimeFormat('en-US', { weekday: 'short', timeZone: 'UTC' }).format(date)} ${date.getUTCDate()}`;
}
