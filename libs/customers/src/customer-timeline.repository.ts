import type { EntityManager } from '@boomerang/persistence';
import type { TimelineCursor } from './customer-queries.js';

export const TIMELINE_KINDS = [
  'retention_armed',
  'retention_revoked',
  'message_sent',
  'message_skipped',
  'message_failed',
  'message_opened',
  'message_clicked',
  'message_bounced',
  'spam_complaint',
  'conversion',
  'subscribed',
  'unsubscribed',
  'segment_entered',
  'segment_left',
] as const;
export type TimelineKind = (typeof TIMELINE_KINDS)[number];

/** One entry of a customer's timeline; the fields its kind has are set, the others null. */
export interface TimelineRow {
  kind: TimelineKind;
  at: Date;
  ruleId: string | null;
  ruleName: string | null;
  messageId: string | null;
  subject: string | null;
  orderId: string | null;
  orderNumber: string | null;
  /** A skip's or failure's reason code, or the reason given for a subscription change. */
  reason: string | null;
  /** The link clicked. */
  url: string | null;
  /** When an armed cycle falls due (its purchase plus the rule's window). */
  dueAt: Date | null;
  revenueMinor: number | null;
  currency: string | null;
  /** Who changed the subscription: merchant, unsubscribe_link, postmark, profile_page, platform. */
  source: string | null;
  actorEmail: string | null;
  /** The segment entered or left (its name when it happened); a segment entry's `reason` is its cause: transaction, time or definition. */
  segmentId: string | null;
  segmentName: string | null;
  /** The entry's position as the cursor carries it. */
  cursor: TimelineCursor;
}

const AT_TEXT = (col: string) => `to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * Each source of the timeline as the same columns. `k` is a one-letter source prefix and the row id: unique, so
 * `(at, key)` orders entries totally and a cursor resumes exactly. Every source filters by the customer and the store.
 */
const SOURCES: { sql: string; at: string; key: string }[] = [
  {
    // Purchase signals written for the customer's rules: a cycle armed (or revoked by a cancellation or refund).
    at: 'd.created_at',
    key: `'d:' || d.id::text`,
    sql: `select case when d.kind = 'revoke' then 'retention_revoked' else 'retention_armed' end as kind, d.created_at as at,
                 d.rule_id, r.name as rule_name, null::uuid as message_id, null::text as subject, d.order_id, o.number as order_number,
                 null::text as reason, null::text as url, d.purchased_at + make_interval(secs => d.window_seconds) as due_at,
                 null::bigint as revenue_minor, null::text as currency, null::text as source, null::text as actor_email, null::uuid as segment_id, null::text as segment_name
          from retention_dispatch d
          left join retention_rule r on r.id = d.rule_id
          left join store_order o on o.id = d.order_id
          where d.customer_id = ? and d.store_id = ?`,
  },
  {
    at: 'coalesce(m.sent_at, m.created_at)',
    key: `'m:' || m.id::text`,
    sql: `select case m.status when 'sent' then 'message_sent' when 'skipped' then 'message_skipped' else 'message_failed' end as kind,
                 coalesce(m.sent_at, m.created_at) as at, m.rule_id, r.name as rule_name, m.id as message_id, m.subject,
                 m.armed_order_id as order_id, null::text as order_number, m.reason, null::text as url, m.due_at,
                 null::bigint as revenue_minor, null::text as currency, null::text as source, null::text as actor_email, null::uuid as segment_id, null::text as segment_name
          from message m left join retention_rule r on r.id = m.rule_id
          where m.customer_id = ? and m.store_id = ? and m.status in ('sent', 'skipped', 'failed')`,
  },
  {
    at: 'e.occurred_at',
    key: `'e:' || e.id::text`,
    sql: `select case e.type when 'Open' then 'message_opened' when 'Click' then 'message_clicked' when 'Bounce' then 'message_bounced'
                      else 'spam_complaint' end as kind,
                 e.occurred_at as at, m.rule_id, r.name as rule_name, m.id as message_id, m.subject, null::uuid as order_id,
                 null::text as order_number, null::text as reason, e.url, null::timestamptz as due_at,
                 null::bigint as revenue_minor, null::text as currency, e.source, null::text as actor_email, null::uuid as segment_id, null::text as segment_name
          from message m join message_event e on e.message_id = m.id
          left join retention_rule r on r.id = m.rule_id
          where m.customer_id = ? and m.store_id = ? and e.type in ('Open', 'Click', 'Bounce', 'SpamComplaint')`,
  },
  {
    at: 'c.occurred_at',
    key: `'c:' || c.id::text`,
    sql: `select 'conversion' as kind, c.occurred_at as at, c.rule_id, r.name as rule_name, c.message_id, m.subject, c.order_id,
                 o.number as order_number, null::text as reason, null::text as url, null::timestamptz as due_at,
                 c.revenue_cents as revenue_minor, c.currency::text, null::text as source, null::text as actor_email, null::uuid as segment_id, null::text as segment_name
          from conversion c
          left join retention_rule r on r.id = c.rule_id
          left join message m on m.id = c.message_id
          left join store_order o on o.id = c.order_id
          where c.customer_id = ? and c.store_id = ?`,
  },
  {
    at: 's.created_at',
    key: `'s:' || s.id::text`,
    sql: `select case when s.subscribed then 'subscribed' else 'unsubscribed' end as kind, s.created_at as at, null::uuid as rule_id,
                 null::text as rule_name, null::uuid as message_id, null::text as subject, null::uuid as order_id, null::text as order_number,
                 s.reason, null::text as url, null::timestamptz as due_at, null::bigint as revenue_minor, null::text as currency,
                 s.source::text, u.email::text as actor_email, null::uuid as segment_id, null::text as segment_name
          from customer_subscription_event s left join app_user u on u.id = s.actor_user_id
          where s.customer_id = ? and s.store_id = ?`,
  },
  {
    // Entering and leaving segments: on an order or a profile change, as time passed, or when the segment was edited.
    at: 'g.at',
    key: `'g:' || g.id::text`,
    sql: `select case when g.kind = 'entered' then 'segment_entered' else 'segment_left' end as kind, g.at, null::uuid as rule_id,
                 null::text as rule_name, null::uuid as message_id, null::text as subject, null::uuid as order_id, null::text as order_number,
                 g.cause::text as reason, null::text as url, null::timestamptz as due_at, null::bigint as revenue_minor, null::text as currency,
                 null::text as source, null::text as actor_email, g.segment_id, g.segment_name::text as segment_name
          from segment_membership_event g
          where g.customer_id = ? and g.store_id = ?`,
  },
];

const time = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/** A customer's workflow activity from the tables that record it, merged newest first. */
export class CustomerTimelineRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * The `limit + 1` newest entries before `cursor`: each source contributes at most that many (read by its own
   * customer index), so a page costs the same however long the history is.
   */
  async page(storeId: string, customerId: string, query: { limit: number; cursor?: TimelineCursor }): Promise<TimelineRow[]> {
    const take = query.limit + 1;
    const params: unknown[] = [];
    const parts = SOURCES.map((s) => {
      params.push(customerId, storeId);
      let inner = s.sql.replace(/^select /, `select ${s.key} as entry_key, `);
      if (query.cursor) {
        inner += ` and (${s.at}, ${s.key}) < (cast(? as timestamptz), ?)`;
        params.push(query.cursor.at, query.cursor.key);
      }
      inner += ` order by ${s.at} desc, ${s.key} desc limit ${take}`;
      return `(select src.*, ${AT_TEXT('src.at')} as at_text from (${inner}) src)`;
    });
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select * from (${parts.join(' union all ')}) t order by t.at desc, t.entry_key desc limit ${take}`,
      params,
    );
    return rows.map((r) => ({
      kind: r['kind'] as TimelineKind,
      at: new Date(r['at'] as string),
      ruleId: r['rule_id'] as string | null,
      ruleName: r['rule_name'] as string | null,
      messageId: r['message_id'] as string | null,
      subject: r['subject'] as string | null,
      orderId: r['order_id'] as string | null,
      orderNumber: r['order_number'] as string | null,
      reason: r['reason'] as string | null,
      url: r['url'] as string | null,
      dueAt: time(r['due_at']),
      revenueMinor: r['revenue_minor'] === null ? null : Number(r['revenue_minor']),
      currency: r['currency'] as string | null,
      source: r['source'] as string | null,
      actorEmail: r['actor_email'] as string | null,
      segmentId: r['segment_id'] as string | null,
      segmentName: r['segment_name'] as string | null,
      cursor: { at: r['at_text'] as string, key: r['entry_key'] as string },
    }));
  }
}
