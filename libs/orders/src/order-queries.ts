import { ORDER_STATUSES, ValidationError } from '@boomerang/domain';
import { filterInstant, isUuid, text } from '@boomerang/validation';
import { z } from 'zod';

export const ORDER_SORTS = ['newest', 'oldest'] as const;
export type OrderSort = (typeof ORDER_SORTS)[number];

/** Longest search term: a whole email address fits; anything longer is not a search. */
export const MAX_ORDER_SEARCH_LENGTH = 100;
export const MAX_ORDER_PAGE_SIZE = 100;

/** A list cursor: the sort it belongs to, the last row's placed_at (microseconds, UTC) and id, as base64url JSON. */
export interface OrderListCursor {
  sort: OrderSort;
  placedAt: string;
  id: string;
}

const PLACED_AT_KEY = /^(\d{4})-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

/** Only what `to_char(... 'US')` wrote for a real instant passes, so the cast in SQL cannot fail. */
function isPlacedAtKey(value: string): boolean {
  const match = PLACED_AT_KEY.exec(value);
  if (!match || Number(match[1]) < 1970) return false;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 19) === value.slice(0, 19);
}

export function encodeOrderCursor(cursor: OrderListCursor): string {
  return Buffer.from(JSON.stringify([cursor.sort, cursor.placedAt, cursor.id])).toString('base64url');
}

export function decodeOrderCursor(value: string): OrderListCursor | null {
  if (value.length > 200) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== 3) return null;
    const [sort, placedAt, id] = parsed as unknown[];
    if (!ORDER_SORTS.includes(sort as OrderSort) || typeof placedAt !== 'string' || !isPlacedAtKey(placedAt) || !isUuid(id)) return null;
    return { sort: sort as OrderSort, placedAt, id };
  } catch {
    return null;
  }
}

const limitError = `must be a whole number from 1 to ${MAX_ORDER_PAGE_SIZE}`;

/** The orders list's query string. */
export const orderListQuerySchema = z
  .object({
    q: text(MAX_ORDER_SEARCH_LENGTH, { min: 0 })
      .optional()
      .meta({ description: 'The start of the order number (with or without `#`) or platform id, or part of the customer\'s email or name' }),
    status: z.enum(ORDER_STATUSES, { error: `must be one of ${ORDER_STATUSES.join(', ')}` }).optional(),
    from: filterInstant().optional().meta({ description: 'Placed at or after (ISO date or date-time)' }),
    to: filterInstant().optional().meta({ description: 'Placed before (ISO date or date-time)' }),
    customer: z.uuid({ error: 'must be a customer id' }).optional().meta({ description: 'Only this customer\'s orders' }),
    sort: z.enum(ORDER_SORTS, { error: `must be one of ${ORDER_SORTS.join(', ')}` }).default('newest'),
    limit: z.coerce.number({ error: limitError }).int(limitError).min(1, limitError).max(MAX_ORDER_PAGE_SIZE, limitError).default(25),
    cursor: text(200)
      .refine((c) => decodeOrderCursor(c) !== null, 'is not a cursor this API returned')
      .optional()
      .meta({ description: '`nextCursor` of the previous page, with the same sort' }),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be after from' });
export type OrderListQuery = z.output<typeof orderListQuerySchema>;

/** A cursor that passed the schema but belongs to the other sort is refused the same way. */
export function orderCursorFor(query: OrderListQuery): OrderListCursor | undefined {
  if (!query.cursor) return undefined;
  const cursor = decodeOrderCursor(query.cursor);
  if (!cursor || cursor.sort !== query.sort) throw ValidationError.field('cursor', 'belongs to another sort; start from the first page');
  return cursor;
}
