import {
  CUSTOMER_SEARCH_TEXT,
  ORDER_EXTERNAL_ID_KEY,
  ORDER_NUMBER_KEY,
  type EntityManager,
  type OrderAddressRecord,
  type TrackingNumberRecord,
} from '@boomerang/persistence';
import type { OrderStatus } from '@boomerang/domain';
import type { OrderListCursor, OrderSort } from './order-queries.js';

/** One row of the orders list. */
export interface OrderListRow {
  id: string;
  number: string | null;
  externalId: string;
  status: OrderStatus;
  currency: string;
  totalMinor: number;
  placedAt: Date;
  customerId: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  itemCount: number;
  /** placed_at as the cursor carries it (microseconds, UTC). */
  placedAtKey: string;
}

export interface OrderListFilter {
  term?: string;
  status?: OrderStatus;
  from?: Date;
  to?: Date;
  customerId?: string;
}

/** The order with its customer, as the detail shows them. */
export interface OrderDetailRow {
  id: string;
  externalId: string;
  number: string | null;
  status: OrderStatus;
  channel: string | null;
  adminUrl: string | null;
  currency: string;
  totalMinor: number;
  subtotalMinor: number;
  discountMinor: number;
  shippingMinor: number;
  taxMinor: number;
  billingAddress: OrderAddressRecord | null;
  shippingAddress: OrderAddressRecord | null;
  trackingNumbers: TrackingNumberRecord[];
  placedAt: Date;
  updatedAt: Date;
  customer: {
    id: string;
    email: string;
    firstName: string | null;
    lastName: string | null;
    company: string | null;
    registered: boolean;
    optedIn: boolean;
    subscribed: boolean;
    orderCount: number;
  };
}

export interface OrderItemRow {
  position: number;
  sku: string | null;
  name: string;
  quantity: number;
  priceMinor: number;
  productUrl: string | null;
  imageUrl: string | null;
  category: string | null;
  manufacturer: string | null;
}

/** `%`, `_` and `\` match themselves in a search term. */
const escapeLike = (term: string) => term.replace(/[\\%_]/g, (c) => `\\${c}`);

const PLACED_AT_TEXT = `to_char(o.placed_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

/**
 * The SQL of the orders list and detail. Every method takes the store id and reads only that store's rows. The list
 * walks `store_order_store_placed_index`; a search is three index probes OR-ed in one bitmap: the number and platform
 * id by prefix (`text_pattern_ops` indexes) and the customers whose email or name contain the term (their trigram index).
 */
export class OrdersRepository {
  constructor(private readonly em: EntityManager) {}

  /** One page in placed order (then id), after `cursor`; `limit + 1` rows so the caller knows whether another follows. */
  async page(storeId: string, filter: OrderListFilter, query: { sort: OrderSort; limit: number; cursor?: OrderListCursor }): Promise<OrderListRow[]> {
    const dir = query.sort === 'oldest' ? 'asc' : 'desc';
    const { where, params } = this.filter(storeId, filter);
    let conditions = where;
    if (query.cursor) {
      conditions += ` and (o.placed_at, o.id) ${dir === 'asc' ? '>' : '<'} (cast(? as timestamptz), cast(? as uuid))`;
      params.push(query.cursor.placedAt, query.cursor.id);
    }
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select o.id, o.number, o.external_id, o.status, o.currency, o.total_cents, o.placed_at, ${PLACED_AT_TEXT} as placed_at_key,
              o.customer_id, c.email, c.first_name, c.last_name,
              (select coalesce(sum(l.quantity), 0) from order_line l where l.order_id = o.id) as item_count
       from (select o.* from store_order o where ${conditions} order by o.placed_at ${dir}, o.id ${dir} limit ?) o
       join customer c on c.id = o.customer_id
       order by o.placed_at ${dir}, o.id ${dir}`,
      [...params, query.limit + 1],
    );
    return rows.map((r) => ({
      id: r['id'] as string,
      number: r['number'] as string | null,
      externalId: r['external_id'] as string,
      status: r['status'] as OrderStatus,
      currency: r['currency'] as string,
      totalMinor: Number(r['total_cents']),
      placedAt: new Date(r['placed_at'] as string),
      customerId: r['customer_id'] as string,
      email: r['email'] as string,
      firstName: r['first_name'] as string | null,
      lastName: r['last_name'] as string | null,
      itemCount: Number(r['item_count']),
      placedAtKey: r['placed_at_key'] as string,
    }));
  }

  /** How many of the store's orders the filter matches. */
  async count(storeId: string, filter: OrderListFilter): Promise<number> {
    const { where, params } = this.filter(storeId, filter);
    const [row] = await this.em.execute<{ n: string | number }[]>(`select count(*) as n from store_order o where ${where}`, params);
    return Number(row!.n);
  }

  /** Whether the store has this customer (a list filtered by another store's customer is a 404, not an empty page). */
  async hasCustomer(storeId: string, customerId: string): Promise<boolean> {
    const rows = await this.em.execute(`select 1 from customer where id = ? and store_id = ?`, [customerId, storeId]);
    return rows.length > 0;
  }

  private filter(storeId: string, filter: OrderListFilter): { where: string; params: unknown[] } {
    const params: unknown[] = [storeId];
    let where = 'o.store_id = ?';
    if (filter.term) {
      const term = filter.term.toLowerCase();
      const prefix = `${escapeLike(term.replace(/^#+/, ''))}%`;
      where += ` and (${ORDER_NUMBER_KEY} like ? escape '\\' or ${ORDER_EXTERNAL_ID_KEY} like ? escape '\\'
                 or o.customer_id = any(array(select c.id from customer c where c.store_id = ? and ${CUSTOMER_SEARCH_TEXT} like ? escape '\\')))`;
      params.push(prefix, `${escapeLike(term)}%`, storeId, `%${escapeLike(term)}%`);
    }
    if (filter.status) {
      where += ' and o.status = ?';
      params.push(filter.status);
    }
    if (filter.from) {
      where += ' and o.placed_at >= ?';
      params.push(filter.from);
    }
    if (filter.to) {
      where += ' and o.placed_at < ?';
      params.push(filter.to);
    }
    if (filter.customerId) {
      where += ' and o.customer_id = ?';
      params.push(filter.customerId);
    }
    return { where, params };
  }

  async detail(storeId: string, orderId: string): Promise<OrderDetailRow | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select o.id, o.external_id, o.number, o.status, o.channel, o.admin_url, o.currency, o.total_cents, o.subtotal_minor, o.discount_minor,
              o.shipping_minor, o.tax_minor, o.billing_address, o.shipping_address, o.tracking_numbers, o.placed_at, o.source_updated_at,
              c.id as customer_id, c.email, c.first_name, c.last_name, c.company, c.registered, c.opted_in, c.unsubscribed_at,
              (select count(*) from store_order x where x.customer_id = c.id) as customer_order_count
       from store_order o join customer c on c.id = o.customer_id
       where o.id = ? and o.store_id = ?`,
      [orderId, storeId],
    );
    if (!r) return null;
    return {
      id: r['id'] as string,
      externalId: r['external_id'] as string,
      number: r['number'] as string | null,
      status: r['status'] as OrderStatus,
      channel: r['channel'] as string | null,
      adminUrl: r['admin_url'] as string | null,
      currency: r['currency'] as string,
      totalMinor: Number(r['total_cents']),
      subtotalMinor: Number(r['subtotal_minor']),
      discountMinor: Number(r['discount_minor']),
      shippingMinor: Number(r['shipping_minor']),
      taxMinor: Number(r['tax_minor']),
      billingAddress: r['billing_address'] as OrderAddressRecord | null,
      shippingAddress: r['shipping_address'] as OrderAddressRecord | null,
      trackingNumbers: (r['tracking_numbers'] as TrackingNumberRecord[] | null) ?? [],
      placedAt: new Date(r['placed_at'] as string),
      updatedAt: new Date(r['source_updated_at'] as string),
      customer: {
        id: r['customer_id'] as string,
        email: r['email'] as string,
        firstName: r['first_name'] as string | null,
        lastName: r['last_name'] as string | null,
        company: r['company'] as string | null,
        registered: Boolean(r['registered']),
        optedIn: Boolean(r['opted_in']),
        subscribed: r['unsubscribed_at'] === null,
        orderCount: Number(r['customer_order_count']),
      },
    };
  }

  /** The order's lines in the platform's order. */
  async items(storeId: string, orderId: string): Promise<OrderItemRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select position, sku, name, quantity, price_minor, product_url, image_url, category, manufacturer
       from order_line where order_id = ? and store_id = ? order by position`,
      [orderId, storeId],
    );
    return rows.map((r) => ({
      position: Number(r['position']),
      sku: r['sku'] as string | null,
      name: r['name'] as string,
      quantity: Number(r['quantity']),
      priceMinor: Number(r['price_minor']),
      productUrl: r['product_url'] as string | null,
      imageUrl: r['image_url'] as string | null,
      category: r['category'] as string | null,
      manufacturer: r['manufacturer'] as string | null,
    }));
  }
}
