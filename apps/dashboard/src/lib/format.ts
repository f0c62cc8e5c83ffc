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
