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

  /**
   * All-time counts; messages and conversions of deleted rules still count, pending sends of deleted rules do not.
   * Read from the roll-up tables the triggers of migration MessageStatRollup keep (a few rows per rule and week),
   * not from the messages themselves.
   */
  async counts(storeId: string, ruleId?: string): Promise<MessageCounts> {
    const byRule = ruleId ? ' and rule_id = ?' : '';
    const p = () => [storeId, ...(ruleId ? [ruleId] : [])];
    const [counts] = await this.em.execute<Record<string, string | null>[]>(
      `select m.pending, m.sent, m.skipped, m.opens, m.clicks,
         (select coalesce(sum(conversions), 0) from conversion_stat where store_id = ?${byRule}) as conversions
       from (select coalesce(sum(s.pending) filter (where r.status <> 'deleted'), 0) as pending,
                    coalesce(sum(s.sent), 0) as sent, coalesce(sum(s.skipped), 0) as skipped,
                    coalesce(sum(s.opens), 0) as opens, coalesce(sum(s.clicks), 0) as clicks
             from message_stat s left join retention_rule r on r.id = s.rule_id
             where s.store_id = ?${ruleId ? ' and s.rule_id = ?' : ''}) m`,
      [...p(), ...p()],
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

  /**
   * Runs `read` in one transaction, so the overview's figures come from one snapshot. (They read the roll-up counters,
   * a few rows per rule and week: no JIT or parallel-worker settings are needed any more.)
   */
  async inOneSnapshot<T>(read: (repository: MessageLogRepository) => Promise<T>): Promise<T> {
    return this.em.transactional((tx) => read(new MessageLogRepository(tx)));
  }

  /**
   * Attributed revenue in `currency`'s minor units: only conversions in that currency count (a store that changed
   * its currency, or took orders in another, does not get amounts of different currencies added together).
   */
  async revenueIn(storeId: string, currency: string, ruleId?: string): Promise<number> {
    const [row] = await this.em.execute<{ minor: string | null }[]>(
      `select coalesce(sum(revenue_minor), 0) as minor from conversion_stat where store_id = ? and currency = ?${ruleId ? ' and rule_id = ?' : ''}`,
      [storeId, currency, ...(ruleId ? [ruleId] : [])],
    );
    return Number(row?.minor ?? 0);
  }

  /** Sent messages per ISO week (Monday, UTC) for the last `weeks` weeks including this one, oldest first, empty weeks 0. */
  async sentPerWeek(storeId: string, weeks: number, ruleId?: string): Promise<{ weekStart: string; sent: number }[]> {
    // The roll-up files each sent message under the UTC week of its `sent_at`; empty weeks joined in.
    const rows = await this.em.execute<{ week: string; sent: string | null }[]>(
      `with bounds as (select (date_trunc('week', now() at time zone 'utc') - make_interval(weeks => ?))::date as first)
       select to_char(w.week, 'YYYY-MM-DD') as week, c.sent
       from bounds, generate_series(bounds.first, date_trunc('week', now() at time zone 'utc')::date, interval '1 week') as w(week)
       left join (
         select s.week_start, sum(s.sent) as sent
         from message_stat s, bounds
         where s.store_id = ?${ruleId ? ' and s.rule_id = ?' : ''} and s.week_start >= bounds.first
         group by 1
       ) c on c.week_start = w.week::date
       order by w.week`,
      [weeks - 1, storeId, ...(ruleId ? [ruleId] : [])],
    );
    return rows.map((w) => ({ weekStart: w.week, sent: Number(w.sent ?? 0) }));
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
