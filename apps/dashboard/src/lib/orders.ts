// Wording of the orders list and the order detail: pure, so it is unit-tested beside the rest of the dashboard.
import type { components } from './api/schema.js';

export const ORDER_STATUS_OPTIONS = [
  { value: 'pending', label: 'Pending' },
  { value: 'processing', label: 'Processing' },
  { value: 'completed', label: 'Completed' },
  { value: 'shipped', label: 'Shipped' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'refunded', label: 'Refunded' },
] as const;
export type OrderStatusFilter = (typeof ORDER_STATUS_OPTIONS)[number]['value'];

export function orderStatusOf(value: string | null): OrderStatusFilter | undefined {
  return ORDER_STATUS_OPTIONS.find((s) => s.value === value)?.value;
}

export function orderStatusLabel(status: string): string {
  return ORDER_STATUS_OPTIONS.find((s) => s.value === status)?.label ?? status;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A date input's value (`2026-01-31`) or nothing: anything else the browser would not send is dropped. */
export function dayOf(value: string | null): string {
  return value && DAY.test(value) && !Number.isNaN(Date.parse(value)) ? value : '';
}

/** The list's `to` is exclusive: the merchant's last day, inclusive, ends at the next day's start. */
export function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

export type AddressParts = components['schemas']['OrderAddress'];

/** An address as the lines of a label: name, company, street, "City Region Postcode", country, phone. */
export function addressLines(a: AddressParts | null): string[] {
  if (!a) return [];
  const place = [a.city, a.region, a.postalCode].filter(Boolean).join(' ');
  return [a.name, a.company, a.line1, a.line2, place, a.country, a.phone].filter((l): l is string => Boolean(l && l.trim()));
}

/** "3 items", "1 item". */
export function itemCount(n: number): string {
  return n === 1 ? '1 item' : `${n} items`;
}

/** Suggestions of the tracking form's carrier field (any other name is accepted as typed, up to 60 characters). */
export const CARRIER_SUGGESTIONS = ['UPS', 'USPS', 'FedEx', 'DHL Express', 'DHL eCommerce', 'Canada Post', 'Royal Mail', 'Australia Post', 'La Poste', 'Deutsche Post', 'PostNL', 'GLS', 'DPD', 'Evri', 'Purolator', 'OnTrac', 'Amazon Logistics'] as const;

const PUSHING_PLATFORMS: Record<string, string> = { shopify: 'Shopify', bigcommerce: 'BigCommerce' };

/** Where an added tracking number goes: the platform's name when the api pushes it there, null when it is kept here only. */
export function trackingDestination(platform: string): string | null {
  return PUSHING_PLATFORMS[platform] ?? null;
}

/** The line under a tracking number: who added it and where it went. */
export function trackingNote(t: { addedBy: 'merchant' | 'platform'; pushedTo: string | null }): string {
  if (t.addedBy === 'platform') return 'from the store';
  return t.pushedTo ? `added here, pushed to ${PUSHING_PLATFORMS[t.pushedTo] ?? t.pushedTo}` : 'added here (kept in Boomerang only)';
}
