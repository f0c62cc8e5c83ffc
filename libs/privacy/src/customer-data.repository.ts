import type { EntityManager } from '@boomerang/persistence';

export interface CustomerProfile {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  company: string | null;
  customerGroup: string | null;
  registered: boolean;
  optedIn: boolean;
  unsubscribedAt: Date | null;
  note: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ExportedOrderLine {
  position: number;
  sku: string | null;
  name: string;
  quantity: number;
  priceMinor: number;
  productUrl: string | null;
  category: string | null;
  manufacturer: string | null;
}

export interface ExportedOrder {
  id: string;
  externalId: string;
  number: string | null;
  status: string;
  currency: string;
  totalMinor: number;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  billingAddress: unknown;
  shippingAddress: unknown;
  trackingNumbers: unknown;
  /** Tracking numbers the merchant added in Boomerang (`order_tracking`). */
  trackingAdded: { carrier: string; number: string; url: string | null; addedAt: string }[];
  placedAt: Date;
  lines: ExportedOrderLine[];
}

/** A message the merchant wrote to the customer from the order view. */
export interface ExportedDirectMessage {
  id: string;
  orderId: string | null;
  senderName: string;
  senderEmail: string;
  subject: string;
  body: string;
  status: string;
  reason: string | null;
  createdAt: Date;
  sentAt: Date | null;
}

export interface ExportedMessageEvent {
  type: string;
  source: string;
  url: string | null;
  occurredAt: Date;
}

export interface ExportedMessage {
  id: string;
  ruleId: string;
  ruleName: string | null;
  kind: string;
  status: string;
  reason: string | null;
  toEmail: string;
  subject: string | null;
  sentAt: Date | null;
  openCount: number;
  clickCount: number;
  events: ExportedMessageEvent[];
}

export interface ExportedEnrollment {
  ruleId: string;
  ruleName: string | null;
  state: string;
  lastPurchaseAt: Date | null;
  nextSendAt: Date | null;
}

export interface ExportedConversion {
  orderId: string;
  messageId: string;
  ruleId: string;
  revenueMinor: number;
  currency: string;
  occurredAt: Date;
}

/** Bounds one export: a customer with more rows than this gets the newest ones (documented in the export). */
export const EXPORT_ROW_LIMIT = 5_000;

const date = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));
const num = (v: unknown) => Number(v);

/** Reads everything the store holds about one customer (the page, the export). Every method takes the store id. */
export class CustomerDataRepository {
  constructor(private readonly em: EntityManager) {}

  async storeName(storeId: string): Promise<string | null> {
    const [row] = await this.em.execute<{ name: string }[]>(`select name from store where id = ?`, [storeId]);
    return row?.name ?? null;
  }

  async profile(storeId: string, customerId: string): Promise<CustomerProfile | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select id, email, first_name, last_name, phone, company, customer_group, registered, opted_in, unsubscribed_at, note, created_at, updated_at
       from customer where store_id = ? and id = ?`,
      [storeId, customerId],
    );
    return r ? toProfile(r) : null;
  }

  async profileByEmail(storeId: string, email: string): Promise<CustomerProfile | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select id, email, first_name, last_name, phone, company, customer_group, registered, opted_in, unsubscribed_at, note, created_at, updated_at
       from customer where store_id = ? and email = ?`,
      [storeId, email],
    );
    return r ? toProfile(r) : null;
  }

  async orders(storeId: string, customerId: string, limit = EXPORT_ROW_LIMIT): Promise<ExportedOrder[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select o.id, o.external_id, o.number, o.status, o.currency, o.total_cents, o.subtotal_minor, o.discount_minor, o.shipping_minor,
              o.tax_minor, o.billing_address, o.shipping_address, o.tracking_numbers, o.placed_at,
              coalesce((select json_agg(json_build_object('position', l.position, 'sku', l.sku, 'name', l.name, 'quantity', l.quantity,
                          'priceMinor', l.price_minor, 'productUrl', l.product_url, 'category', l.category, 'manufacturer', l.manufacturer)
                        order by l.position)
                        from order_line l where l.store_id = o.store_id and l.order_id = o.id), '[]'::json) as lines,
              coalesce((select json_agg(json_build_object('carrier', t.carrier, 'number', t.number, 'url', t.url, 'addedAt', t.created_at) order by t.created_at)
                        from order_tracking t where t.store_id = o.store_id and t.order_id = o.id), '[]'::json) as tracking_added
       from store_order o where o.store_id = ? and o.customer_id = ? order by o.placed_at desc limit ?`,
      [storeId, customerId, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      externalId: r.external_id as string,
      number: (r.number as string | null) ?? null,
      status: r.status as string,
      currency: r.currency as string,
      totalMinor: num(r.total_cents),
      subtotalMinor: num(r.subtotal_minor),
      discountMinor: num(r.discount_minor),
      shippingMinor: num(r.shipping_minor),
      taxMinor: num(r.tax_minor),
      billingAddress: r.billing_address ?? null,
      shippingAddress: r.shipping_address ?? null,
      trackingNumbers: r.tracking_numbers ?? null,
      trackingAdded: r.tracking_added as ExportedOrder['trackingAdded'],
      placedAt: date(r.placed_at)!,
      lines: (r.lines as ExportedOrderLine[]).map((l) => ({ ...l, priceMinor: num(l.priceMinor) })),
    }));
  }

  async messages(storeId: string, customerId: string, limit = EXPORT_ROW_LIMIT): Promise<ExportedMessage[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select m.id, m.rule_id, r.name as rule_name, m.kind, m.status, m.reason, m.to_email, m.subject, m.sent_at, m.open_count, m.click_count,
              coalesce((select json_agg(json_build_object('type', e.type, 'source', e.source, 'url', e.url, 'occurredAt', e.occurred_at) order by e.occurred_at)
                        from message_event e where e.store_id = m.store_id and e.message_id = m.id), '[]'::json) as events
       from message m left join retention_rule r on r.id = m.rule_id and r.store_id = m.store_id
       where m.store_id = ? and m.customer_id = ? order by m.created_at desc limit ?`,
      [storeId, customerId, limit],
    );
    return rows.map((r) => ({
      id: r.id as string,
      ruleId: r.rule_id as string,
      ruleName: (r.rule_name as string | null) ?? null,
      kind: r.kind as string,
      status: r.status as string,
      reason: (r.reason as string | null) ?? null,
      toEmail: r.to_email as string,
      subject: (r.subject as string | null) ?? null,
      sentAt: date(r.sent_at),
      openCount: num(r.open_count),
      clickCount: num(r.click_count),
      events: (r.events as { type: string; source: string; url: string | null; occurredAt: string }[]).map((e) => ({ ...e, occurredAt: new Date(e.occurredAt) })),
    }));
  }

  async directMessages(storeId: string, customerId: string): Promise<ExportedDirectMessage[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select id, order_id, sender_name, sender_email, subject, body, status, reason, created_at, sent_at from direct_message
       where store_id = ? and customer_id = ? order by created_at desc limit ?`,
      [storeId, customerId, EXPORT_ROW_LIMIT],
    );
    return rows.map((r) => ({
      id: r.id as string,
      orderId: (r.order_id as string | null) ?? null,
      senderName: r.sender_name as string,
      senderEmail: r.sender_email as string,
      subject: r.subject as string,
      body: r.body as string,
      status: r.status as string,
      reason: (r.reason as string | null) ?? null,
      createdAt: date(r.created_at)!,
      sentAt: date(r.sent_at),
    }));
  }

  async enrollments(storeId: string, customerId: string): Promise<ExportedEnrollment[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select e.rule_id, r.name as rule_name, e.state, e.last_purchase_at, e.next_send_at
       from retention_enrollment e left join retention_rule r on r.id = e.rule_id and r.store_id = e.store_id
       where e.store_id = ? and e.customer_id = ? order by e.updated_at desc limit ?`,
      [storeId, customerId, EXPORT_ROW_LIMIT],
    );
    return rows.map((r) => ({
      ruleId: r.rule_id as string,
      ruleName: (r.rule_name as string | null) ?? null,
      state: r.state as string,
      lastPurchaseAt: date(r.last_purchase_at),
      nextSendAt: date(r.next_send_at),
    }));
  }

  async conversions(storeId: string, customerId: string): Promise<ExportedConversion[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select order_id, message_id, rule_id, revenue_cents, currency, occurred_at from conversion
       where store_id = ? and customer_id = ? order by occurred_at desc limit ?`,
      [storeId, customerId, EXPORT_ROW_LIMIT],
    );
    return rows.map((r) => ({
      orderId: r.order_id as string,
      messageId: r.message_id as string,
      ruleId: r.rule_id as string,
      revenueMinor: num(r.revenue_cents),
      currency: r.currency as string,
      occurredAt: date(r.occurred_at)!,
    }));
  }

  async suppression(storeId: string, email: string): Promise<{ reason: string; createdAt: Date } | null> {
    const [r] = await this.em.execute<{ reason: string; created_at: Date }[]>(`select reason, created_at from suppression where store_id = ? and email = ?`, [storeId, email]);
    return r ? { reason: r.reason, createdAt: new Date(r.created_at) } : null;
  }
}

function toProfile(r: Record<string, unknown>): CustomerProfile {
  return {
    id: r.id as string,
    email: r.email as string,
    firstName: (r.first_name as string | null) ?? null,
    lastName: (r.last_name as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    company: (r.company as string | null) ?? null,
    customerGroup: (r.customer_group as string | null) ?? null,
    registered: Boolean(r.registered),
    optedIn: Boolean(r.opted_in),
    unsubscribedAt: date(r.unsubscribed_at),
    note: (r.note as string | null) ?? null,
    createdAt: date(r.created_at)!,
    updatedAt: date(r.updated_at)!,
  };
}
