import { z } from 'zod';

const DAY_MS = 86_400_000;
/** Nothing in a store's life happened before this. */
export const EARLIEST_INSTANT = Date.UTC(2000, 0, 1);

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

export interface InstantRange {
  /** Earliest accepted instant (ms since epoch); EARLIEST_INSTANT by default. */
  min?: number;
  /** How far past now an instant may lie; one day of clock skew by default. */
  maxAheadMs?: number;
  /** Accept a plain date (`2026-11-01`, UTC midnight) as well as a date-time. */
  allowDate?: boolean;
}

/** An ISO-8601 date-time with an offset, inside a sane range (an order from year 4000 or 0000 is refused). Yields a string. */
export function instant({ min = EARLIEST_INSTANT, maxAheadMs = DAY_MS, allowDate = false }: InstantRange = {}) {
  const form = allowDate ? 'an ISO-8601 date or date-time' : 'an ISO-8601 date-time with a time zone offset';
  return z
    .string({ error: `must be ${form}` })
    .max(40, `must be ${form}`)
    .superRefine((value, ctx) => {
      const t = (allowDate && ISO_DATE.test(value)) || ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
      if (Number.isNaN(t)) {
        ctx.addIssue({ code: 'custom', message: `must be ${form}` });
        return;
      }
      const max = Date.now() + maxAheadMs;
      if (t < min || t > max) {
        ctx.addIssue({ code: 'custom', message: `must lie between ${new Date(min).toISOString()} and ${new Date(max).toISOString()}` });
      }
    });
}

/** An instant that may lie far ahead (a filter over scheduled sends). */
export const filterInstant = () => instant({ maxAheadMs: 100 * 365 * DAY_MS, allowDate: true }).transform((s) => new Date(s));
