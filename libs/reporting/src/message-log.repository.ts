import { fromMinorUnits, isCurrency } from '@boomerang/domain';
import { OutboxEmailSchema, type EntityManager, type OutboxEmail } from '@boomerang/persistence';

export const LOG_KINDS = ['pending', 'sent', 'skipped', 'conversions'] as const;
export type LogKind = (typeof LOG_KINDS)[number];

/** Which rows of a log: rule, time range, and the position after which the page starts. */
export interface LogFilter {
  ruleId?: string;
  from?: Date;
  to?: Date;
  /** The last row of the previous page (its time and id), in the log's order. */
  after?: { time: Date; id: string };
  limit: number;
}

export interface LogSlice {
  items: Record<string, unknown>[];
  /** Time and id of the page's last row when more rows follow, else null. */
  next: { time: string; id: string } | null;
}

export interface MessageCounts {
  pending: number;
  sent: number;
  skipped: number;
  opens: number;
  clicks: number;
  conversions: number;
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

/** Every query behind the dashboard's statistics, logs and outbox. Each method reads one store's rows only. */
export class MessageLogRepository {
  constructor(private readonly em: EntityManager) {}

  /** One page of a log in its order (pending: soonest first; the others: newest first), `limit` rows at most. */
  async logPage(storeId: string, kind: LogKind, filter: LogFilter): Promise<LogSlice> {
    const spec = SPECS[kind];
    const where = [spec.where];
    const params: unknown[] = [storeId];
    const alias = spec.from.trim().split(/\s+/)[1];
    if (filter.ruleId) {
      where.push(`${alias}.rule_id = ?`);
      params.push(filter.ruleId);
    }
    if (filter.from) {
      where.push(`${spec.time} >= ?`);
      params.push(filter.from);
    }
    if (filter.to) {
      where.push(`${spec.time} < ?`);
      params.push(filter.to);
    }
    if (filter.after) {
      where.push(`(${spec.time}, ${alias}.id) ${spec.order === 'asc' ? '>' : '<'} (?, cast(? as uuid))`);
      params.push(filter.after.time, filter.after.id);
    }
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${spec.select} from ${spec.from} where ${where.join(' and ')}
       order by ${spec.time} ${spec.order}, ${alias}.id ${spec.order} limit ?`,
      [...params, filter.limit + 1],
    );
    const page = rows.slice(0, filter.limit);
    const last = page[page.length - 1];
    return {
      items: page.map(spec.map),
      next: rows.length > filter.limit && last ? { time: iso(last.t)!, id: last.id as string } : null,
    };
  }

  /** All-time counts; messages and conversions of deleted rules still count, pending sends of deleted rules do not. */
  async counts(storeId: string, ruleId?: string): Promise<MessageCounts> {
    const byRule = ruleId ? ' and rule_id = ?' : '';
    const p = () => [storeId, ...(ruleId ? [ruleId] : [])];
    const [counts] = await this.em.execute<Record<string, string | null>[]>(
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
    return {
      pending: Number(counts!.pending),
      sent: Number(counts!.sent),
      skipped: Number(counts!.skipped),
      opens: Number(counts!.opens),
      clicks: Number(counts!.clicks),
      conversions: Number(counts!.conversions),
    };
  }

  /** Attributed revenue per currency, in that currency's minor units (JPY has none, BHD three). */
  async revenueByCurrency(storeId: string, ruleId?: string): Promise<{ currency: string; minor: number }[]> {
    const rows = await this.em.execute<{ currency: string; minor: string }[]>(
      `select currency, sum(revenue_cents) as minor from conversion where store_id = ?${ruleId ? ' and rule_id = ?' : ''} group by currency`,
      [storeId, ...(ruleId ? [ruleId] : [])],
    );
    return rows.map((r) => ({ currency: r.currency, minor: Number(r.minor) }));
  }

  /** Sent messages per ISO week (Monday, UTC) for the last `weeks` weeks including this one, oldest first, empty weeks 0. */
  async sentPerWeek(storeId: string, weeks: number, ruleId?: string): Promise<{ weekStart: string; sent: number }[]> {
    const rows = await this.em.execute<{ week: Date; sent: string }[]>(
      `select w.week, count(m.id) as sent
       from generate_series(date_trunc('week', now() at time zone 'utc') - make_interval(weeks => ?), date_trunc('week', now() at time zone 'utc'), interval '1 week') as w(week)
       left join message m on m.store_id = ?${ruleId ? ' and m.rule_id = ?' : ''} and m.status = 'sent'
         and date_trunc('week', m.sent_at at time zone 'utc') = w.week
       group by w.week order by w.week`,
      [weeks - 1, storeId, ...(ruleId ? [ruleId] : [])],
    );
    return rows.map((w) => ({ weekStart: new Date(`${String(iso(w.week)).slice(0, 10)}T00:00:00Z`).toISOString().slice(0, 10), sent: Number(w.sent) }));
  }

  /** The store's outbox, newest first. */
  outbox(storeId: string, limit: number): Promise<OutboxEmail[]> {
    return this.em.find(OutboxEmailSchema, { storeId }, { orderBy: { createdAt: 'desc' }, limit });
  }

  /** One outbox email of the store; `id` must be a UUID. */
  outboxEmail(storeId: string, id: string): Promise<OutboxEmail | null> {
    return this.em.findOne(OutboxEmailSchema, { id, storeId });
  }
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}
