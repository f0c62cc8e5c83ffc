import { currencyDigits, fromMinorUnits } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';

export const ORDER_TIMELINE_KINDS = [
  'placed',
  'received',
  'status_changed',
  'updated',
  'retention_armed',
  'retention_revoked',
  'message_sent',
  'message_skipped',
  'message_failed',
  'conversion',
  'webhook_delivered',
  'webhook_pending',
  'customer_messaged',
  'customer_message_pending',
  'customer_message_failed',
  'webhook_failed',
  'tracking_added',
] as const;
export type OrderTimelineKind = (typeof ORDER_TIMELINE_KINDS)[number];

/** One entry of an order's life; the ids its kind has are set, the others null. */
export interface OrderTimelineRow {
  kind: OrderTimelineKind;
  at: Date;
  summary: string;
  status: string | null;
  previousStatus: string | null;
  inboxEventId: string | null;
  ruleId: string | null;
  ruleName: string | null;
  messageId: string | null;
  subject: string | null;
  reason: string | null;
  dueAt: Date | null;
  revenueMinor: number | null;
  currency: string | null;
  /** An outgoing webhook's event type and where it went: the endpoint's URL, or the app's kind (`slack`, `mailchimp`). */
  eventType: string | null;
  endpointUrl: string | null;
  /** A tracking number the merchant added, and the platform that accepted it (null: stored here only). */
  tracking: { carrier: string; number: string; url: string | null; pushedTo: string | null; platformReference: string | null } | null;
}

/** Entries read from each source at most: an order's life is short, a runaway one is cut rather than slow. */
export const ORDER_TIMELINE_SOURCE_LIMIT = 200;

const COLUMNS = `kind, at, status, previous_status, inbox_event_id, rule_id, rule_name, message_id, subject, reason, due_at, revenue_minor, currency, event_type, endpoint_url, tracking, tie`;

/** Every source as the same columns; each filters by the order and the store through its own index (migration OrderViews). */
const SOURCES = [
  // The platform's placing time, as the order says.
  `select 'placed' as kind, o.placed_at as at, null::text as status, null::text as previous_status, null::uuid as inbox_event_id,
          null::uuid as rule_id, null::text as rule_name, null::uuid as message_id, null::text as subject, null::text as reason,
          null::timestamptz as due_at, null::bigint as revenue_minor, null::text as currency, null::text as event_type, null::text as endpoint_url,
          null::jsonb as tracking, 0::bigint as tie
   from store_order o where o.id = ? and o.store_id = ?`,
  // Every webhook, sync row or import applied to the order: the first is its arrival, a later one a status change or an update.
  `select case when h.previous_status is null then 'received' when h.previous_status <> h.status then 'status_changed' else 'updated' end,
          h.received_at, h.status, h.previous_status, h.id, null::uuid, null::text, null::uuid, null::text, h.topic, null::timestamptz,
          null::bigint, null::text, null::text, null::text, null::jsonb, h.seq
   from (select e.id, e.seq, e.received_at, e.topic, e.result ->> 'status' as status,
                lag(e.result ->> 'status') over (order by e.seq) as previous_status
         from inbox_event e
         where e.store_id = ? and (e.result ->> 'orderId') = ? and e.state = 'projected' and (e.result ->> 'applied') = 'true'
         order by e.seq limit ${ORDER_TIMELINE_SOURCE_LIMIT}) h`,
  // Purchase signals the order wrote: a retention cycle armed (or restarted), or revoked by a cancellation or refund.
  `select case when d.kind = 'revoke' then 'retention_revoked' else 'retention_armed' end, d.created_at, null::text, null::text, null::uuid,
          d.rule_id, r.name, null::uuid, null::text, null::text, d.purchased_at + make_interval(secs => d.window_seconds), null::bigint, null::text,
          null::text, null::text, null::jsonb, d.id
   from retention_dispatch d left join retention_rule r on r.id = d.rule_id
   where d.store_id = ? and d.order_id = ? order by d.id limit ${ORDER_TIMELINE_SOURCE_LIMIT}`,
  // Messages the order's purchase armed.
  `select case m.status when 'sent' then 'message_sent' when 'skipped' then 'message_skipped' else 'message_failed' end,
          coalesce(m.sent_at, m.created_at), null::text, null::text, null::uuid, m.rule_id, r.name, m.id, m.subject, m.reason, m.due_at,
          null::bigint, null::text, null::text, null::text, null::jsonb, 0::bigint
   from message m left join retention_rule r on r.id = m.rule_id
   where m.store_id = ? and m.armed_order_id = ? and m.status in ('sent', 'skipped', 'failed')
   order by m.created_at limit ${ORDER_TIMELINE_SOURCE_LIMIT}`,
  // The order counted as a conversion of an earlier message.
  `select 'conversion', c.occurred_at, null::text, null::text, null::uuid, c.rule_id, r.name, c.message_id, m.subject, null::text,
          null::timestamptz, c.revenue_cents, c.currency::text, null::text, null::text, null::jsonb, 0::bigint
   from conversion c left join retention_rule r on r.id = c.rule_id left join message m on m.id = c.message_id
   where c.order_id = ? and c.store_id = ?`,
  // Outgoing webhook and app deliveries about the order: delivered, still owed (retries) or refused for good; an app's
  // skipped ones (below a Slack threshold) are not part of the order's life.
  `select case w.status when 'delivered' then 'webhook_delivered' when 'failed' then 'webhook_failed' else 'webhook_pending' end,
          coalesce(w.delivered_at, w.last_attempt_at, w.created_at),
          null::text, null::text, null::uuid, null::uuid, null::text, null::uuid, null::text, w.last_error, null::timestamptz, null::bigint,
          null::text, w.event_type, case when e.kind = 'webhook' then e.url else e.kind end, null::jsonb, w.seq
   from webhook_delivery w join webhook_endpoint e on e.id = w.endpoint_id and e.store_id = w.store_id
   where w.store_id = ? and w.subject_id = ? and w.status <> 'skipped' order by w.seq limit ${ORDER_TIMELINE_SOURCE_LIMIT}`,
  // Messages the merchant wrote to the customer from this order's view.
  `select case d.status when 'sent' then 'customer_messaged' when 'sending' then 'customer_message_pending' else 'customer_message_failed' end,
          coalesce(d.sent_at, d.created_at), null::text, null::text, null::uuid, null::uuid, null::text, d.id, d.subject, d.reason,
          null::timestamptz, null::bigint, null::text, null::text, null::text, null::jsonb, 0::bigint
   from direct_message d where d.store_id = ? and d.order_id = ? order by d.created_at limit ${ORDER_TIMELINE_SOURCE_LIMIT}`,
  // Tracking numbers the merchant added, and where they were pushed (migration OrderTracking's unique index).
  `select 'tracking_added', t.created_at, null::text, null::text, null::uuid, null::uuid, null::text, null::uuid, null::text, null::text,
          null::timestamptz, null::bigint, null::text, null::text, null::text,
          jsonb_build_object('carrier', t.carrier, 'number', t.number, 'url', t.url, 'pushedTo', t.pushed_to, 'platformReference', t.platform_reference),
          0::bigint
   from order_tracking t where t.store_id = ? and t.order_id = ? order by t.created_at limit ${ORDER_TIMELINE_SOURCE_LIMIT}`,
];

const KIND_ORDER = ORDER_TIMELINE_KINDS.map((k, i) => `when '${k}' then ${i}`).join(' ');

function money(minor: number, currency: string): string {
  return `${fromMinorUnits(minor, currency).toFixed(currencyDigits(currency))} ${currency}`;
}

const APP_NAMES: Record<string, string> = { slack: 'Slack', mailchimp: 'Mailchimp' };
const app = (row: OrderTimelineRow) => APP_NAMES[row.endpointUrl ?? ''] ?? null;
const PLATFORM_NAMES: Record<string, string> = { shopify: 'Shopify', bigcommerce: 'BigCommerce' };

const rule = (row: OrderTimelineRow) => (row.ruleName ? `“${row.ruleName}”` : 'a deleted rule');

/** The entry as a sentence for the merchant. */
export function orderTimelineSummary(row: OrderTimelineRow): string {
  switch (row.kind) {
    case 'placed':
      return 'Order placed';
    case 'received':
      return `Order received (${row.status})`;
    case 'status_changed':
      return `Status changed from ${row.previousStatus} to ${row.status}`;
    case 'updated':
      return `Order updated (still ${row.status})`;
    case 'retention_armed':
      return `Retention cycle of ${rule(row)} armed${row.dueAt ? `, due ${row.dueAt.toISOString().slice(0, 10)}` : ''}`;
    case 'retention_revoked':
      return `Retention cycle of ${rule(row)} revoked`;
    case 'message_sent':
      return `Email sent by ${rule(row)}${row.subject ? `: ${row.subject}` : ''}`;
    case 'message_skipped':
      return `Email of ${rule(row)} skipped${row.reason ? ` (${row.reason})` : ''}`;
    case 'message_failed':
      return `Email of ${rule(row)} failed${row.reason ? ` (${row.reason})` : ''}`;
    case 'conversion':
      return `Counted as a conversion of ${rule(row)}${row.revenueMinor !== null && row.currency ? ` (${money(row.revenueMinor, row.currency)})` : ''}`;
    case 'webhook_delivered':
      return app(row) ? `${app(row)} app: ${row.eventType} delivered` : `Webhook ${row.eventType} delivered to ${row.endpointUrl}`;
    case 'webhook_pending':
      return `${app(row) ? `${app(row)} app: ${row.eventType} owed` : `Webhook ${row.eventType} owed to ${row.endpointUrl}`}${row.reason ? ` (last attempt: ${row.reason})` : ''}`;
    case 'webhook_failed':
      return `${app(row) ? `${app(row)} app` : `Webhook to ${row.endpointUrl}`}: ${row.eventType} refused${row.reason ? ` (${row.reason})` : ''}`;
    case 'customer_messaged':
      return `Message sent to the customer: ${row.subject}`;
    case 'customer_message_pending':
      return `Message to the customer sending: ${row.subject}`;
    case 'customer_message_failed':
      return `Message to the customer not sent (${row.reason}): ${row.subject}`;
    case 'tracking_added': {
      const t = row.tracking;
      if (!t) return 'Tracking number added';
      const where = t.pushedTo ? `pushed to ${PLATFORM_NAMES[t.pushedTo] ?? t.pushedTo}${t.platformReference ? ` (${t.pushedTo === 'shopify' ? 'fulfilment' : 'shipment'} ${t.platformReference})` : ''}` : 'stored here only (the cart has no tracking API)';
      return `Tracking ${t.carrier} ${t.number} added, ${where}`;
    }
  }
}

const time = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** An order's life from the tables that record it, oldest first. */
export class OrderTimelineRepository {
  constructor(private readonly em: EntityManager) {}

  async entries(storeId: string, orderId: string): Promise<OrderTimelineRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${COLUMNS} from (${SOURCES.map((s) => `(${s})`).join(' union all ')}) t(${COLUMNS})
       order by at, case kind ${KIND_ORDER} end, tie`,
      [orderId, storeId, storeId, orderId, storeId, orderId, storeId, orderId, orderId, storeId, storeId, orderId, storeId, orderId, storeId, orderId],
    );
    return rows.map((r) => {
      const row: OrderTimelineRow = {
        kind: r['kind'] as OrderTimelineKind,
        at: new Date(r['at'] as string),
        summary: '',
        status: r['status'] as string | null,
        previousStatus: r['previous_status'] as string | null,
        inboxEventId: r['inbox_event_id'] as string | null,
        ruleId: r['rule_id'] as string | null,
        ruleName: r['rule_name'] as string | null,
        messageId: r['message_id'] as string | null,
        subject: r['subject'] as string | null,
        reason: r['reason'] as string | null,
        dueAt: time(r['due_at']),
        revenueMinor: r['revenue_minor'] === null ? null : Number(r['revenue_minor']),
        currency: r['currency'] as string | null,
        eventType: r['event_type'] as string | null,
        endpointUrl: r['endpoint_url'] as string | null,
        tracking: (r['tracking'] as OrderTimelineRow['tracking']) ?? null,
      };
      return { ...row, summary: orderTimelineSummary(row) };
    });
  }
}
