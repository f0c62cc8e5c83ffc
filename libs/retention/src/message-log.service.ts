import { NotFoundError } from '@boomerang/domain';
import { OutboxEmailSchema, type EntityManager, type OutboxEmail } from '@boomerang/persistence';

export interface PendingEntry {
  ruleId: string;
  ruleName: string;
  customerId: string;
  email: string;
  lastPurchaseAt: string;
  scheduledFor: string;
}

export interface SentEntry {
  messageId: string;
  ruleId: string;
  ruleName: string;
  customerId: string;
  email: string;
  status: string;
  reason: string | null;
  subject: string | null;
  transport: string | null;
  dueAt: string;
  sentAt: string | null;
}

/** Read side for the dashboard and API: pending and sent logs, and the outbox. */
export class MessageLogService {
  async pending(em: EntityManager, storeId: string, limit = 100): Promise<PendingEntry[]> {
    const rows = await em.execute<Record<string, unknown>[]>(
      `select e.rule_id, r.name as rule_name, e.customer_id, c.email, e.last_purchase_at, e.next_send_at
       from retention_enrollment e
       join retention_rule r on r.id = e.rule_id
       join customer c on c.id = e.customer_id
       where e.store_id = ? and e.state = 'armed' and r.status <> 'deleted'
       order by e.next_send_at asc limit ?`,
      [storeId, limit],
    );
    return rows.map((r) => ({
      ruleId: r.rule_id as string,
      ruleName: r.rule_name as string,
      customerId: r.customer_id as string,
      email: r.email as string,
      lastPurchaseAt: iso(r.last_purchase_at)!,
      scheduledFor: iso(r.next_send_at)!,
    }));
  }

  async sent(em: EntityManager, storeId: string, limit = 100): Promise<SentEntry[]> {
    const rows = await em.execute<Record<string, unknown>[]>(
      `select m.id, m.rule_id, r.name as rule_name, m.customer_id, m.to_email, m.status, m.reason, m.subject,
              m.transport, m.due_at, m.sent_at
       from message m join retention_rule r on r.id = m.rule_id
       where m.store_id = ? and m.status <> 'sending'
       order by coalesce(m.sent_at, m.created_at) desc limit ?`,
      [storeId, limit],
    );
    return rows.map((r) => ({
      messageId: r.id as string,
      ruleId: r.rule_id as string,
      ruleName: r.rule_name as string,
      customerId: r.customer_id as string,
      email: r.to_email as string,
      status: r.status as string,
      reason: (r.reason as string | null) ?? null,
      subject: (r.subject as string | null) ?? null,
      transport: (r.transport as string | null) ?? null,
      dueAt: iso(r.due_at)!,
      sentAt: iso(r.sent_at),
    }));
  }

  outbox(em: EntityManager, storeId: string, limit = 100): Promise<OutboxEmail[]> {
    return em.find(OutboxEmailSchema, { storeId }, { orderBy: { createdAt: 'desc' }, limit });
  }

  async outboxEmail(em: EntityManager, storeId: string, id: string): Promise<OutboxEmail> {
    const email = /^[0-9a-f-]{36}$/i.test(id) ? await em.findOne(OutboxEmailSchema, { id, storeId }) : null;
    if (!email) throw new NotFoundError('outbox email', id);
    return email;
  }
}

function iso(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return (value instanceof Date ? value : new Date(value as string)).toISOString();
}
