import { fromMinorUnits, isCurrency, NotFoundError, ValidationError } from '@boomerang/domain';
import { OutboxEmailSchema, type EntityManager, type OutboxEmail } from '@boomerang/persistence';
import { filterInstant, instant, isUuid, text, uuid } from '@boomerang/validation';
import { z } from 'zod';

export const LOG_KINDS = ['pending', 'sent', 'skipped', 'conversions'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

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

interface LogSpec {
  /** Time column the log is filtered and ordered by. */
  time: string;
  order: 'asc' | 'desc';
  select: string;
  from: string;
  where: string;
  map: (r: Record<string, unknown>) => Record<string, unknown>;
}

const SPECS: Record<LogKind, LogSpec> = {
  pending: {
    time: 'e.next_send_at',
    order: 'asc',
    select: `e.id, e.rule_id, r.name as rule_name, e.customer_id, c.email, e.last_purchase_at, e.next_send_at as t`,
    from: `retention_enrollment e join retention_rule r on r.id = e.rule_id join customer c on c.id = e.customer_id`,
    where: `e.store_id = ? and e.state = 'armed' and r.status <> 'deleted'`,
    map: (r) => ({
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      customerId: r.customer_id,
      email: r.email,
      lastPurchaseAt: iso(r.last_purchase_at),
      scheduledFor: iso(r.t),
    }),
  },
  sent: {
    time: 'm.sent_at',
    order: 'desc',
    select: `m.id, m.rule_id, r.name as rule_name, m.customer_id, m.to_email, m.subject, m.transport, m.due_at,
             m.sent_at as t, m.open_count, m.click_count, m.first_opened_at, m.first_clicked_at`,
    from: `message m join retention_rule r on r.id = m.rule_id`,
    where: `m.store_id = ? and m.status = 'sent'`,
    map: (r) => ({
      messageId: r.id,
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      customerId: r.customer_id,
      email: r.to_email,
      status: 'sent',
      subject: r.subject,
      transport: r.transport,
      dueAt: iso(r.due_at),
      sentAt: iso(r.t),
      opened: r.first_opened_at !== null,
      clicked: r.first_clicked_at !== null,
      opens: r.open_count,
      clicks: r.click_count,
    }),
  },
  skipped: {
    time: 'm.created_at',
    order: 'desc',
    select: `m.id, m.rule_id, r.name as rule_name, m.customer_id, m.to_email, m.status, m.reason, m.due_at, m.created_at as t`,
    from: `message m join retention_rule r on r.id = m.rule_id`,
    where: `m.store_id = ? and m.status in ('skipped', 'failed')`,
    map: (r) => ({
      messageId: r.id,
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      customerId: r.customer_id,
      email: r.to_email,
      status: r.status,
      reason: r.reason,
      dueAt: iso(r.due_at),
      at: iso(r.t),
    }),
  },
  conversions: {
    time: 'v.occurred_at',
    order: 'desc',
    select: `v.id, v.rule_id, r.name as rule_name, v.customer_id, c.email, v.order_id, o.external_id, v.revenue_cents,
             v.currency, v.message_id, m.subject, m.sent_at, v.occurred_at as t`,
    from: `conversion v join retention_rule r on r.id = v.rule_id join customer c on c.id = v.customer_id
           join store_order o on o.id = v.order_id join message m on m.id = v.message_id`,
    where: `v.store_id = ?`,
    map: (r) => ({
      ruleId: r.rule_id,
      ruleName: r.rule_name,
      customerId: r.customer_id,
      email: r.email,
      orderId: r.order_id,
      orderNumber: r.external_id,
      revenue: isCurrency(String(r.currency)) ? fromMinorUnits(Number(r.revenue_cents), String(r.currency)) : Number(r.revenue_cents) / 100,
      currency: r.currency,
      messageId: r.message_id,
      messageSubject: r.subject,
      messageSentAt: iso(r.sent_at),
      occurredAt: iso(r.t),
    }),
  },
};

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
    const spec = SPECS[kind];
    const where = [spec.where];
    const params: unknown[] = [storeId];
    const alias = spec.from.trim().split(/\s+/)[1];
    if (query.ruleId) {
      where.push(`${alias}.rule_id = ?`);
      params.push(query.ruleId);
    }
    if (query.from) {
      where.push(`${spec.time} >= ?`);
      params.push(query.from);
    }
    if (query.to) {
      where.push(`${spec.time} < ?`);
      params.push(query.to);
    }
    if (query.cursor) {
      const [time, id] = decodeCursor(query.cursor);
      where.push(`(${spec.time}, ${alias}.id) ${spec.order === 'asc' ? '>' : '<'} (?, cast(? as uuid))`);
      params.push(new Date(time), id);
    }
    const rows = await em.execute<Record<string, unknown>[]>(
      `select ${spec.select} from ${spec.from} where ${where.join(' and ')}
       order by ${spec.time} ${spec.order}, ${alias}.id ${spec.order} limit ?`,
      [...params, query.limit + 1],
    );
    const page = rows.slice(0, query.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(spec.map),
      nextCursor: rows.length > query.limit && last ? encodeCursor(iso(last.t)!, last.id as string) : null,
    };
  }

  /** All-time figures; messages and conversions of deleted rules still count. */
  async stats(em: EntityManager, storeId: string, ruleId?: string, weeks = 12): Promise<RetentionStats> {
    const byRule = ruleId ? ' and rule_id = ?' : '';
    const p = (extra: unknown[] = []) => [storeId, ...(ruleId ? [ruleId] : []), ...extra];
    const [counts] = await em.execute<Record<string, string | null>[]>(
      `select
         (select count(*) from retention_enrollment e join retention_rule r on r.id = e.rule_id
            where e.store_id = ? and e.state = 'armed' and r.status <> 'deleted'${ruleId ? ' and e.rule_id = ?' : ''}) as pending,
         (select count(*) from message where store_id = ?${byRule} and status = 'sent') as sent,
         (select count(*) from message where store_id = ?${byRule} and status in ('skipped', 'failed')) as skipped,
         (select coalesce(sum(open_count), 0) from message where store_id = ?${byRule}) as opens,
         (select coalesce(sum(click_count), 0) from message where store_id = ?${byRule}) as clicks,
         (select count(*) from conversion where store_id = ?${byRule}) as conversions`,
      [...p(), ...p(), ...p(), ...p(), ...p(), ...p()],
    );
    // Revenue is kept in each order currency's minor units (JPY has none, BHD three).
    const revenueRows = await em.execute<{ currency: string; minor: string }[]>(
      `select currency, sum(revenue_cents) as minor from conversion where store_id = ?${byRule} group by currency`,
      p(),
    );
    const revenue = revenueRows.reduce(
      (sum, r) => sum + (isCurrency(r.currency) ? fromMinorUnits(Number(r.minor), r.currency) : Number(r.minor) / 100),
      0,
    );
    const weekly = await em.execute<{ week: Date; sent: string }[]>(
      `select w.week, count(m.id) as sent
       from generate_series(date_trunc('week', now() at time zone 'utc') - make_interval(weeks => ?), date_trunc('week', now() at time zone 'utc'), interval '1 week') as w(week)
       left join message m on m.store_id = ?${ruleId ? ' and m.rule_id = ?' : ''} and m.status = 'sent'
         and date_trunc('week', m.sent_at at time zone 'utc') = w.week
       group by w.week order by w.week`,
      [weeks - 1, storeId, ...(ruleId ? [ruleId] : [])],
    );
    return {
      pending: Number(counts!.pending),
      sent: Number(counts!.sent),
      skipped: Number(counts!.skipped),
      opens: Number(counts!.opens),
      clicks: Number(counts!.clicks),
      conversions: Number(counts!.conversions),
      revenue: Math.round(revenue * 1000) / 1000,
      weekly: weekly.map((w) => ({ weekStart: new Date(`${String(iso(w.week)).slice(0, 10)}T00:00:00Z`).toISOString().slice(0, 10), sent: Number(w.sent) })),
    };
  }

  outbox(em: EntityManager, storeId: string, limit = 100): Promise<OutboxEmail[]> {
    return em.find(OutboxEmailSchema, { storeId }, { orderBy: { createdAt: 'desc' }, limit });
  }

  async outboxEmail(em: EntityManager, storeId: string, id: string): Promise<OutboxEmail> {
    const email = isUuid(id) ? await em.findOne(OutboxEmailSchema, { id, storeId }) : null;
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

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}
