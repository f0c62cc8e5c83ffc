import { fromMinorUnits, isCurrency, NotFoundError, ValidationError } from '@boomerang/domain';
import type { EntityManager, OutboxEmail } from '@boomerang/persistence';
import { filterInstant, instant, isUuid, text, uuid } from '@boomerang/validation';
import { z } from 'zod';
import { MessageLogRepository, type LogKind } from './message-log.repository.js';

const limit = z.coerce
  .number({ error: 'must be a whole number from 1 to 1000' })
  .int('must be a whole number from 1 to 1000')
  .min(1, 'must be a whole number from 1 to 1000')
  .max(1000, 'must be a whole number from 1 to 1000');

/** A log's query string: `from`/`to` (ISO dates in a sane range), `ruleId`, `limit`, and the `cursor` a page returned. */
export const logQuerySchema = z.object({
  ruleId: uuid().optional(),
  from: filterInstant().optional(),
  to: filterInstant().optional(),
  cursor: text(200)
    .refine((c) => decodeCursorOrNull(c) !== null, 'is not a cursor this API returned')
    .optional(),
  limit: limit.default(100),
});

export const statsQuerySchema = z.object({ ruleId: uuid().optional() });
export const outboxQuerySchema = z.object({ limit: limit.default(100) });

export interface LogQuery {
  ruleId?: string;
  from?: Date;
  to?: Date;
  cursor?: string;
  limit: number;
}

export interface LogPage<T> {
  items: T[];
  nextCursor: string | null;
}

export interface RetentionStats {
  pending: number;
  sent: number;
  skipped: number;
  opens: number;
  clicks: number;
  conversions: number;
  revenue: number;
  /** Sent messages per ISO week (Monday, UTC), oldest first, for the activity chart. */
  weekly: { weekStart: string; sent: number }[];
}

/** Read side for the dashboard and API: all-time statistics, the four logs, and the outbox. */
export class MessageLogService {
  async log(em: EntityManager, kind: LogKind, storeId: string, query: LogQuery): Promise<LogPage<Record<string, unknown>>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { items, next } = await new MessageLogRepository(em).logPage(storeId, kind, {
      ruleId: query.ruleId,
      from: query.from,
      to: query.to,
      after: after && { time: new Date(after[0]), id: after[1] },
      limit: query.limit,
    });
    return { items, nextCursor: next ? encodeCursor(next.time, next.id) : null };
  }

  /** All-time figures; messages and conversions of deleted rules still count. */
  async stats(em: EntityManager, storeId: string, ruleId?: string, weeks = 12): Promise<RetentionStats> {
    const repository = new MessageLogRepository(em);
    const counts = await repository.counts(storeId, ruleId);
    // Revenue is kept in each order currency's minor units (JPY has none, BHD three).
    const revenueRows = await repository.revenueByCurrency(storeId, ruleId);
    const revenue = revenueRows.reduce(
      (sum, r) => sum + (isCurrency(r.currency) ? fromMinorUnits(r.minor, r.currency) : r.minor / 100),
      0,
    );
    const weekly = await repository.sentPerWeek(storeId, weeks, ruleId);
    return { ...counts, revenue: Math.round(revenue * 1000) / 1000, weekly };
  }

  outbox(em: EntityManager, storeId: string, limit = 100): Promise<OutboxEmail[]> {
    return new MessageLogRepository(em).outbox(storeId, limit);
  }

  async outboxEmail(em: EntityManager, storeId: string, id: string): Promise<OutboxEmail> {
    const email = isUuid(id) ? await new MessageLogRepository(em).outboxEmail(storeId, id) : null;
    if (!email) throw new NotFoundError('outbox email', id);
    return email;
  }
}

function encodeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

const cursorTime = instant({ maxAheadMs: 100 * 365 * 86_400_000 });

/** A cursor is `[ISO time, row uuid]`, base64url: both checked, so nothing unparseable reaches SQL. */
function decodeCursorOrNull(cursor: string): [string, string] | null {
  if (cursor.length > 200) return null;
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(value) || value.length !== 2) return null;
    const [time, id] = value as unknown[];
    return cursorTime.safeParse(time).success && isUuid(id) ? [time as string, id] : null;
  } catch {
    return null;
  }
}

function decodeCursor(cursor: string): [string, string] {
  const decoded = decodeCursorOrNull(cursor);
  if (!decoded) throw ValidationError.field('cursor', 'is not a cursor this API returned');
  return decoded;
}
