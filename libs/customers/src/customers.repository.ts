import { CUSTOMER_LAST_ORDER_KEY, CUSTOMER_SEARCH_TEXT, type EntityManager } from '@boomerang/persistence';
import type { CustomerSort, ListCursor, SortDirection } from './customer-queries.js';

/** One row of the customers list. */
export interface CustomerListRow {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  customerGroup: string | null;
  registered: boolean;
  subscribed: boolean;
  orderCount: number;
  totalSpentMinor: number;
  lastOrderAt: Date | null;
  /** The row's sort key as the cursor carries it. */
  sortKey: string;
}

/** The profile and order summary the card shows. */
export interface CustomerProfileRow {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  phone: string | null;
  company: string | null;
  customerGroup: string | null;
  externalId: string | null;
  registered: boolean;
  optedIn: boolean;
  unsubscribedAt: Date | null;
  orderCount: number;
  totalSpentMinor: number;
  firstOrderAt: Date | null;
  lastOrderAt: Date | null;
  createdAt: Date;
}

export interface CustomerOrderRow {
  id: string;
  number: string | null;
  externalId: string;
  status: string;
  currency: string;
  totalMinor: number;
  placedAt: Date;
}

export interface SubscriptionHistoryRow {
  id: string;
  subscribed: boolean;
  source: string;
  actorUserId: string | null;
  actorEmail: string | null;
  reason: string | null;
  at: Date;
}

/** The sort key of each sort, as indexed (`customer_store_*_index`), and as text for the cursor. */
const SORT_KEYS: Record<CustomerSort, { expr: string; text: string; cast: string }> = {
  last_order: {
    expr: CUSTOMER_LAST_ORDER_KEY,
    text: `case when last_order_at is null then '-infinity' else to_char(last_order_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') end`,
    cast: 'timestamptz',
  },
  total_spent: { expr: 'total_spent_minor', text: 'total_spent_minor::text', cast: 'bigint' },
  orders: { expr: 'order_count', text: 'order_count::text', cast: 'int' },
};

/** `%`, `_` and `\` match themselves in a search term. */
export function containsPattern(term: string): string {
  return `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const time = (v: unknown) => (v === null || v === undefined ? null : new Date(v as string));

/**
 * The SQL of the customers list and card. Every method takes the store id and reads only that store's rows; the
 * summary columns it sorts by are kept by triggers on `store_order` (migration CustomerOverview).
 */
export class CustomersRepository {
  constructor(private readonly em: EntityManager) {}

  /**
   * One page in the sort's index order (key, then id, both in `direction`), after `cursor`; `limit + 1` rows are read
   * so the caller knows whether another page follows. A term filters by email or name through the trigram index.
   */
  async page(
    storeId: string,
    query: { term?: string; segmentId?: string; sort: CustomerSort; direction: SortDirection; limit: number; cursor?: ListCursor },
  ): Promise<CustomerListRow[]> {
    const key = SORT_KEYS[query.sort];
    const dir = query.direction === 'asc' ? 'asc' : 'desc';
    const { where, params } = this.filter(storeId, query.term, query.segmentId);
    let conditions = where;
    if (query.cursor) {
      conditions += ` and (${key.expr}, id) ${dir === 'asc' ? '>' : '<'} (cast(? as ${key.cast}), cast(? as uuid))`;
      params.push(query.cursor.key, query.cursor.id);
    }
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select id, email, first_name, last_name, company, customer_group, registered, unsubscribed_at, order_count, total_spent_minor,
              last_order_at, ${key.text} as sort_key
       from customer where ${conditions}
       order by ${key.expr} ${dir}, id ${dir}
       limit ?`,
      [...params, query.limit + 1],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      email: r['email'] as string,
      firstName: r['first_name'] as string | null,
      lastName: r['last_name'] as string | null,
      company: r['company'] as string | null,
      customerGroup: r['customer_group'] as string | null,
      registered: Boolean(r['registered']),
      subscribed: r['unsubscribed_at'] === null,
      orderCount: Number(r['order_count']),
      totalSpentMinor: Number(r['total_spent_minor']),
      lastOrderAt: time(r['last_order_at']),
      sortKey: r['sort_key'] as string,
    }));
  }

  /** How many of the store's customers the term (and segment) match: all of them without either. */
  async count(storeId: string, term?: string, segmentId?: string): Promise<number> {
    const { where, params } = this.filter(storeId, term, segmentId);
    const [row] = await this.em.execute<{ n: string | number }[]>(`select count(*) as n from customer where ${where}`, params);
    return Number(row!.n);
  }

  /** Whether the store has this segment (a list filtered by another store's segment is a 404, not an empty page). */
  async hasSegment(storeId: string, segmentId: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from segment where id = ? and store_id = ?`, [segmentId, storeId]);
    return rows.length > 0;
  }

  /** The list's filter: the store, a search term through the trigram index, the current members of a segment. */
  private filter(storeId: string, term?: string, segmentId?: string): { where: string; params: unknown[] } {
    const params: unknown[] = [storeId];
    let where = 'store_id = ?';
    if (term) {
      where += ` and ${CUSTOMER_SEARCH_TEXT} like ? escape '\\'`;
      params.push(containsPattern(term));
    }
    if (segmentId) {
      where += ` and id in (select m.customer_id from segment_membership m where m.segment_id = ? and m.store_id = ?)`;
      params.push(segmentId, storeId);
    }
    return { where, params };
  }

  async profile(storeId: string, customerId: string): Promise<CustomerProfileRow | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select id, email, first_name, last_name, phone, company, customer_group, external_id, registered, opted_in, unsubscribed_at,
              order_count, total_spent_minor, first_order_at, last_order_at, created_at
       from customer where id = ? and store_id = ?`,
      [customerId, storeId],
    );
    if (!r) return null;
    return {
      id: r['id'] as string,
      email: r['email'] as string,
      firstName: r['first_name'] as string | null,
      lastName: r['last_name'] as string | null,
      phone: r['phone'] as string | null,
      company: r['company'] as string | null,
      customerGroup: r['customer_group'] as string | null,
      externalId: r['external_id'] as string | null,
      registered: Boolean(r['registered']),
      optedIn: Boolean(r['opted_in']),
      unsubscribedAt: time(r['unsubscribed_at']),
      orderCount: Number(r['order_count']),
      totalSpentMinor: Number(r['total_spent_minor']),
      firstOrderAt: time(r['first_order_at']),
      lastOrderAt: time(r['last_order_at']),
      createdAt: new Date(r['created_at'] as string),
    };
  }

  /** The customer's orders of every status, newest first, at most `limit`. */
  async orders(storeId: string, customerId: string, limit: number): Promise<CustomerOrderRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select id, number, external_id, status, currency, total_cents, placed_at from store_order
       where customer_id = ? and store_id = ? order by placed_at desc, id desc limit ?`,
      [customerId, storeId, limit],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      number: r['number'] as string | null,
      externalId: r['external_id'] as string,
      status: r['status'] as string,
      currency: r['currency'] as string,
      totalMinor: Number(r['total_cents']),
      placedAt: new Date(r['placed_at'] as string),
    }));
  }

  /** The customer's subscription changes, newest first, with the merchant user's email when one made it. */
  async subscriptionHistory(storeId: string, customerId: string, limit: number): Promise<SubscriptionHistoryRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select e.id, e.subscribed, e.source, e.actor_user_id, u.email as actor_email, e.reason, e.created_at
       from customer_subscription_event e left join app_user u on u.id = e.actor_user_id
       where e.customer_id = ? and e.store_id = ? order by e.created_at desc, e.id desc limit ?`,
      [customerId, storeId, limit],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      subscribed: Boolean(r['subscribed']),
      source: r['source'] as string,
      actorUserId: r['actor_user_id'] as string | null,
      actorEmail: r['actor_email'] as string | null,
      reason: r['reason'] as string | null,
      at: new Date(r['created_at'] as string),
    }));
  }
}
