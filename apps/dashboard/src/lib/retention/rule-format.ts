import { parseDate } from '@internationalized/date';

// Pure helpers of the retention screens: labels, windows, money, date ranges in the store's zone, log paging.

export const SENDING_FILTERS = [
  { value: 'all', label: 'All customers' },
  { value: 'opted_in', label: 'Opted in' },
  { value: 'registered', label: 'Registered' },
] as const;

export const BACKFILL_CHOICES = [
  {
    value: 'within_window',
    label: 'Existing customers within the window',
    help: 'Customers whose last purchase is inside the window are scheduled now; nobody already past it gets a message.',
  },
  {
    value: 'include_overdue',
    label: 'Also overdue customers',
    help: 'Customers already past the window get their message at once (within quiet hours), the others when their window ends.',
  },
  { value: 'none', label: 'Only new purchases', help: 'Nobody is scheduled now; only orders from now on start the countdown.' },
] as const;

export type BackfillChoice = (typeof BACKFILL_CHOICES)[number]['value'];

export function sendingFilterLabel(value: string): string {
  return SENDING_FILTERS.find((f) => f.value === value)?.label ?? value;
}

export function ruleStatusLabel(status: string): string {
  return { draft: 'Draft', active: 'Active', paused: 'Paused', deleted: 'Deleted' }[status] ?? status;
}

/** Whole days of a window, or null when it is not a whole number of days (a short test window). */
export function wholeDays(seconds: number): number | null {
  return Number.isInteger(seconds) && seconds > 0 && seconds % 86_400 === 0 ? seconds / 86_400 : null;
}

export function formatCount(n: number): string {
  return new Intl.NumberFormat('en-US').format(n);
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * A day range picked in the store's time zone as the api's instants: `from` is the start of the first day,
 * `to` the start of the day after the last (the api's `to` is exclusive). Bad or empty days are left out.
 */
export function dayRangeToInstants(from: string | null, to: string | null, timeZone: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const start = dayStart(from, timeZone, 0);
  const end = dayStart(to, timeZone, 1);
  if (start) out.from = start;
  if (end) out.to = end;
  return out;
}

function dayStart(day: string | null, timeZone: string, plusDays: number): string | null {
  if (!day || !ISO_DAY.test(day)) return null;
  try {
    return parseDate(day).add({ days: plusDays }).toDate(timeZone).toISOString();
  } catch {
    return null;
  }
}

/** The cursors that led to the current log page, carried in the URL as `pages=c1.c2` (cursors are base64url). */
export function parsePages(param: string | null): string[] {
  if (!param) return [];
  return param
    .split('.')
    .filter((c) => /^[A-Za-z0-9_-]{1,200}$/.test(c))
    .slice(0, 200);
}

export function temporalRunUrl(baseUrl: string, namespace: string, workflowId: string): string {
  return `${baseUrl}/namespaces/${encodeURIComponent(namespace)}/workflows/${encodeURIComponent(workflowId)}`;
}

/** The CAN-SPAM field names the api reports, as the store settings form labels them. */
export function canSpamFieldLabel(field: string): string {
  const labels: Record<string, string> = {
    companyName: 'Company',
    street: 'Street',
    city: 'City',
    region: 'State / province',
    postalCode: 'Zip / postal code',
    country: 'Country',
    phone: 'Phone',
  };
  return labels[field.replace(/^store\./, '')] ?? field;
}

export const LOG_TABS = [
  { kind: 'pending', label: 'Pending', empty: 'No message is scheduled. Customers appear here once an order starts their countdown.' },
  { kind: 'sent', label: 'Sent', empty: 'No message sent in this period.' },
  { kind: 'conversions', label: 'Conversions', empty: 'No order attributed to a message in this period.' },
  { kind: 'skipped', label: 'Skipped', empty: 'No message skipped or failed in this period.' },
] as const;

export type LogKind = (typeof LOG_TABS)[number]['kind'];

export function logKindOf(value: string | null): LogKind {
  return LOG_TABS.find((t) => t.kind === value)?.kind ?? 'pending';
}

/** The api's skip reasons in words ("smart_sending" → "smart sending"). */
export function skipReason(reason: string | null): string {
  if (!reason) return '—';
  const words: Record<string, string> = {
    smart_sending: 'smart sending (another marketing message was sent recently)',
    unsubscribed: 'unsubscribed',
    suppressed: 'address suppressed (bounce or complaint)',
    rule_inactive: 'rule paused or deleted',
    not_opted_in: 'not opted in',
    not_registered: 'not registered',
    not_in_segment: 'not in the rule\'s segment',
    can_spam_incomplete: 'store CAN-SPAM details missing',
    newer_purchase: 'purchased again before the message was due',
  };
  return words[reason] ?? reason.replace(/_/g, ' ');
}
