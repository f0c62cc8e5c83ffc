import { ValidationError } from '@boomerang/domain';
import { isUuid, text } from '@boomerang/validation';
import { z } from 'zod';

export const CUSTOMER_SORTS = ['last_order', 'total_spent', 'orders'] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];
export const SORT_DIRECTIONS = ['asc', 'desc'] as const;
export type SortDirection = (typeof SORT_DIRECTIONS)[number];

/** Longest search term: a whole email address fits; anything longer is not a search. */
export const MAX_SEARCH_LENGTH = 100;
export const MAX_PAGE_SIZE = 100;
export const MAX_TIMELINE_PAGE_SIZE = 100;

const pageSize = (max: number, fallback: number) =>
  z.coerce
    .number({ error: `must be a whole number from 1 to ${max}` })
    .int(`must be a whole number from 1 to ${max}`)
    .min(1, `must be a whole number from 1 to ${max}`)
    .max(max, `must be a whole number from 1 to ${max}`)
    .default(fallback);

/** A list cursor: the sort it belongs to, the last row's sort key and id (base64url JSON). Nothing unchecked reaches SQL. */
export interface ListCursor {
  sort: CustomerSort;
  direction: SortDirection;
  key: string;
  id: string;
}

const TIME_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;
const INT_KEY = /^-?\d{1,19}$/;
const INT4_MAX = 2_147_483_647n;
const INT8_MAX = 9_223_372_036_854_775_807n;

/** A UTC instant PostgreSQL takes as it is: a real calendar time (no Feb 30) from 1970 to 9999. */
function isTimeKey(value: string): boolean {
  if (!TIME_KEY.test(value)) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.getUTCFullYear() >= 1970 && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

/** An integer within the column's range (`int` or `bigint`), so the cast in SQL cannot fail. */
function isIntKey(value: string, max: bigint): boolean {
  if (!INT_KEY.test(value)) return false;
  const n = BigInt(value);
  return n <= max && n >= -max;
}

function isSortKey(sort: CustomerSort, key: string): boolean {
  if (sort === 'last_order') return key === '-infinity' || isTimeKey(key);
  return isIntKey(key, sort === 'orders' ? INT4_MAX : INT8_MAX);
}

export function encodeListCursor(cursor: ListCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.direction, cursor.key, cursor.id])).toString('base64url');
}

export function decodeListCursor(value: string): ListCursor | null {
  if (value.length > 300) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 4) return null;
    const [sort, direction, key, id] = parsed as unknown[];
    if (!CUSTOMER_SORTS.includes(sort as CustomerSort) || !SORT_DIRECTIONS.includes(direction as SortDirection)) return null;
    if (typeof key !== 'string' || !isUuid(id)) return null;
    if (!isSortKey(sort as CustomerSort, key)) return null;
    return { sort: sort as CustomerSort, direction: direction as SortDirection, key, id };
  } catch {
    return null;
  }
}

/** The customers list's query string. */
export const customerListQuerySchema = z.object({
  q: text(MAX_SEARCH_LENGTH, { min: 0 }).optional().meta({ description: 'Part of the email or name, any case' }),
  sort: z.enum(CUSTOMER_SORTS, { error: `must be one of ${CUSTOMER_SORTS.join(', ')}` }).default('last_order'),
  direction: z.enum(SORT_DIRECTIONS, { error: 'must be asc or desc' }).default('desc'),
  segment: z.uuid({ error: 'must be a segment id' }).optional().meta({ description: 'Only the current members of this segment' }),
  limit: pageSize(MAX_PAGE_SIZE, 25),
  cursor: text(300)
    .refine((c) => decodeListCursor(c) !== null, 'is not a cursor this API returned')
    .optional()
    .meta({ description: '`nextCursor` of the previous page, with the same sort and direction' }),
});
export type CustomerListQuery = z.output<typeof customerListQuerySchema>;

/** A timeline cursor: the last entry's time (microseconds, UTC) and key. */
export interface TimelineCursor {
  at: string;
  key: string;
}

const TIMELINE_KEY = /^[a-z]:[0-9a-f-]{1,36}$/;

export function encodeTimelineCursor(cursor: TimelineCursor): string {
  return Buffer.from(JSON.stringify([cursor.at, cursor.key])).toString('base64url');
}

export function decodeTimelineCursor(value: string): TimelineCursor | null {
  if (value.length > 200) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 2) return null;
    const [at, key] = parsed as unknown[];
    if (typeof at !== 'string' || !isTimeKey(at)) return null;
    if (typeof key !== 'string' || !TIMELINE_KEY.test(key)) return null;
    return { at, key };
  } catch {
    return null;
  }
}

export const timelineQuerySchema = z.object({
  limit: pageSize(MAX_TIMELINE_PAGE_SIZE, 50),
  cursor: text(200)
    .refine((c) => decodeTimelineCursor(c) !== null, 'is not a cursor this API returned')
    .optional()
    .meta({ description: '`nextCursor` of the previous page' }),
});
export type TimelineQuery = z.output<typeof timelineQuerySchema>;

/** The merchant's subscription change from the customer card. */
export const subscriptionChangeSchema = z.object({
  subscribed: z.boolean({ error: 'must be true or false' }),
  reason: text(500).optional(),
});
export type SubscriptionChangeInput = z.output<typeof subscriptionChangeSchema>;

/** A cursor that passed the schema but belongs to another sort is refused the same way. */
export function listCursorFor(query: CustomerListQuery): ListCursor | undefined {
  if (!query.cursor) return undefined;
  const cursor = decodeListCursor(query.cursor);
  if (!cursor || cursor.sort !== query.sort || cursor.direction !== query.direction) {
    throw ValidationError.field('cursor', 'belongs to another sort or direction; start from the first page');
  }
  return cursor;
}
