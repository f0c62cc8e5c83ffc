import { fromMinorUnits, isCurrency, NotFoundError, ValidationError } from '@boomerang/domain';
import type { EntityManager, OutboxEmail } from '@boomerang/persistence';
import { filterInstant, instant, isUuid, text, uuid } from '@boomerang/validation';
import { z } from 'zod';
import { MessageLogRepository, type LogFilter, type LogKind } from './message-log.repository.js';

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
  /** The store's currency: `revenue` counts only conversions in it. */
  currency: string;
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

/** A log export's query string: the same filters as a page, without paging. */
export const logExportQuerySchema = logQuerySchema.pick({ ruleId: true, from: true, to: true });
export type LogExportQuery = z.output<typeof logExportQuerySchema>;

/** The most rows one export holds; a longer log is cut and says so in its last row. */
export const MAX_EXPORT_ROWS = 100_000;
const EXPORT_PAGE = 1_000;

/** The columns of each log's CSV export, in order (the keys of a log row). */
export const EXPORT_COLUMNS: Record<LogKind, string[]> = {
  pending: ['scheduledFor', 'email', 'customerId', 'ruleName', 'ruleId', 'lastPurchaseAt', 'workflowId'],
  sent: ['sentAt', 'email', 'customerId', 'ruleName', 'ruleId', 'subject', 'dueAt', 'opens', 'clicks', 'transport', 'messageId'],
  skipped: ['at', 'status', 'reason', 'email', 'customerId', 'ruleName', 'ruleId', 'dueAt', 'messageId'],
  conversions: ['occurredAt', 'email', 'customerId', 'orderNumber', 'revenue', 'currency', 'ruleName', 'ruleId', 'messageSubject', 'messageSentAt', 'orderId', 'messageId'],
};

export interface MessageLogOptions {
  /** The retention workflow's id for a pending row (from the Temporal client library), so the dashboard can link to it. */
  workflowIdOf?: (storeId: string, ruleId: string, email: string) => string;
}

/** Read side for the dashboard and API: all-time statistics, the four logs, and the outbox. */
export class MessageLogService {
  constructor(private readonly options: MessageLogOptions = {}) {}

  async log(em: EntityManager, kind: LogKind, storeId: string, query: LogQuery): Promise<LogPage<Record<string, unknown>>> {
    const after = query.cursor ? decodeCursor(query.cursor) : undefined;
    const { items, next } = await new MessageLogRepository(em).logPage(storeId, kind, {
      ruleId: query.ruleId,
      from: query.from,
      to: query.to,
      after: after && { time: new Date(after[0]), id: after[1] },
      limit: query.limit,
    });
    return { items: this.withWorkflowIds(kind, storeId, items), nextCursor: next ? encodeCursor(next.time, next.id) : null };
  }

  /**
   * Every row of a log for an export, page by page (one bounded query each, through the same cursor as the api's
   * pages), at most `maxRows`; `truncated` is yielded last when more rows were left out.
   */
  async *exportRows(em: EntityManager, kind: LogKind, storeId: string, query: LogExportQuery, maxRows = MAX_EXPORT_ROWS): AsyncGenerator<Record<string, unknown> | { truncated: true }> {
    const repository = new MessageLogRepository(em);
    let after: LogFilter['after'];
    let sent = 0;
    for (;;) {
      const limit = Math.min(EXPORT_PAGE, maxRows - sent);
      if (limit <= 0) {
        const more = await repository.logPage(storeId, kind, { ...query, after, limit: 1 });
        if (more.items.length) yield { truncated: true };
        return;
      }
      const page = await repository.logPage(storeId, kind, { ...query, after, limit });
      for (const item of this.withWorkflowIds(kind, storeId, page.items)) yield item;
      sent += page.items.length;
      if (!page.next) return;
      after = { time: new Date(page.next.time), id: page.next.id };
    }
  }

  private withWorkflowIds(kind: LogKind, storeId: string, items: Record<string, unknown>[]): Record<string, unknown>[] {
    const workflowIdOf = this.options.workflowIdOf;
    if (kind !== 'pending' || !workflowIdOf) return items;
    return items.map((item) => ({ ...item, workflowId: workflowIdOf(storeId, String(item.ruleId), String(item.email)) }));
  }

  /**
   * All-time figures; messages and conversions of deleted rules still count. Revenue is in the store's `currency`:
   * conversions in another currency are left out rather than added as if they were the same money.
   */
  async stats(em: EntityManager, store: { id: string; currency: string }, ruleId?: string, weeks = 12): Promise<RetentionStats> {
    const { counts, minor, weekly } = await new MessageLogRepository(em).inOneSnapshot(async (repository) => ({
      counts: await repository.counts(store.id, ruleId),
      // Kept in the currency's minor units (JPY has none, BHD three).
      minor: await repository.revenueIn(store.id, store.currency, ruleId),
      weekly: await repository.sentPerWeek(store.id, weeks, ruleId),
    }));
    const revenue = isCurrency(store.currency) ? fromMinorUnits(minor, store.currency) : minor / 100;
    return { currency: store.currency, ...counts, revenue: Math.round(revenue * 1000) / 1000, weekly };
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
