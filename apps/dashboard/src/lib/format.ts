// Pure display helpers shared by the dashboard's pages.

const EMPTY = '—';

const UNITS = [
  { seconds: 86_400, name: 'day' },
  { seconds: 3_600, name: 'hour' },
  { seconds: 60, name: 'minute' },
  { seconds: 1, name: 'second' },
] as const;

/**
 * "2026-11-22 10:56 UTC", in `timeZone` when it is a valid IANA zone (falls back to UTC).
 * Built from numeric parts so the output is the same whatever the server's locale.
 */
export function formatDateTime(value: string | Date | null | undefined, timeZone = 'UTC'): string {
  if (value === null || value === undefined || value === '') return EMPTY;
  const date = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(date.getTime())) return EMPTY;
  const zone = isTimeZone(timeZone) ? timeZone : 'UTC';
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(date);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${zone}`;
}

/** A rule's window in the largest whole unit: 2592000 → "30 days", 10 → "10 seconds", 5400 → "90 minutes". */
export function formatWindow(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds < 0) return EMPTY;
  const unit = UNITS.find((u) => seconds % u.seconds === 0 && seconds >= u.seconds) ?? UNITS[UNITS.length - 1];
  const count = seconds / unit.seconds;
  return `${count} ${unit.name}${count === 1 ? '' : 's'}`;
}

function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * "€12.50" in the store's currency. `minor`: the amount is in minor units (cents), divided by the currency's own
 * number of decimals (JPY has none). An unknown currency code falls back to "12.50 XYZ".
 */
export function formatMoney(amount: number | null | undefined, currency: string, { minor = false } = {}): string {
  if (amount === null || amount === undefined || !Number.isFinite(amount)) return EMPTY;
  try {
    const format = new Intl.NumberFormat('en-US', { style: 'currency', currency });
    const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
    return format.format(minor ? amount / 10 ** digits : amount);
  } catch {
    return `${(minor ? amount / 100 : amount).toFixed(2)} ${currency}`;
  }
}

/** The trial as the top bar says it: "Free trial: 23 days left", "Free trial: last day", "Trial ended", or null (none). */
export function trialLabel(trial: { daysLeft: number; active: boolean } | null | undefined): string | null {
  if (!trial) return null;
  if (!trial.active) return 'Trial ended';
  if (trial.daysLeft === 0) return 'Free trial: last day';
  return `Free trial: ${trial.daysLeft} ${trial.daysLeft === 1 ? 'day' : 'days'} left`;
}

/**
 * Where to go after signing in: `next` only when it is a path on this site ("/stores/1?x"), never "//evil.example"
 * or "https://…" (an open redirect would make a phishing link look like ours).
 */
export function safeNextPath(next: string | null | undefined, fallback = '/stores'): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) return fallback;
  try {
    const url = new URL(next, 'http://dashboard.invalid');
    if (url.origin !== 'http://dashboard.invalid') return fallback;
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return fallback;
  }
}

/** "Sending any time" or "Sending 08:00–20:00" (store time); hours are 0–23. */
export function formatSendingHours(hours: { start: number; end: number } | null | undefined): string {
  if (!hours) return 'any time';
  const hh = (h: number) => `${String(h).padStart(2, '0')}:00`;
  return `${hh(hours.start)}–${hh(hours.end)}`;
}
