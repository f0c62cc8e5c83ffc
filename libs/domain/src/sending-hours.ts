/** The hour (0-23) on the wall clock of `timeZone` at `at`. */
export function localHour(at: Date, timeZone: string): number {
  const hour = new Intl.DateTimeFormat('en-US', { timeZone, hour: 'numeric', hourCycle: 'h23' }).format(at);
  return Number(hour) % 24;
}

/** Whether `hour` lies in [start, end); a window like 20→6 wraps past midnight. start === end means any time. */
export function inSendingHours(hour: number, start: number, end: number): boolean {
  if (start === end) return true;
  return start < end ? hour >= start && hour < end : hour >= start || hour < end;
}

/**
 * The earliest time at or after `now` inside the store's local sending hours (quiet hours are the rest).
 * Steps in 15-minute increments so half- and quarter-hour time zones land on their local hour boundary.
 */
export function nextSendingTime(now: Date, timeZone: string, start: number | null, end: number | null): Date {
  if (start === null || end === null) return now;
  if (inSendingHours(localHour(now, timeZone), start, end)) return now;
  const step = 15 * 60_000;
  let t = Math.ceil(now.getTime() / step) * step;
  for (let i = 0; i < 4 * 24 + 1; i++, t += step) {
    if (inSendingHours(localHour(new Date(t), timeZone), start, end)) return new Date(t);
  }
  return now;
}
