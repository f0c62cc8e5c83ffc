import type { EntityManager } from '@boomerang/persistence';

/** A tracking number the merchant added, as the detail and the answer of an add show it. */
export interface OrderTrackingRow {
  id: string;
  carrier: string;
  number: string;
  url: string | null;
  /** The platform that accepted it (`shopify`, `bigcommerce`); null when stored here only. */
  pushedTo: string | null;
  /** The platform's fulfilment (Shopify) or shipment (BigCommerce) id. */
  platformReference: string | null;
  addedAt: Date;
}

export interface OrderRef {
  id: string;
  externalId: string;
}

const COLUMNS = 'id, carrier, number, url, pushed_to, platform_reference, created_at';

const toRow = (r: Record<string, unknown>): OrderTrackingRow => ({
  id: r['id'] as string,
  carrier: r['carrier'] as string,
  number: r['number'] as string,
  url: r['url'] as string | null,
  pushedTo: r['pushed_to'] as string | null,
  platformReference: r['platform_reference'] as string | null,
  addedAt: new Date(r['created_at'] as string),
});

/** `order_tracking`: every method takes the store id and touches only that store's rows. */
export class OrderTrackingRepository {
  constructor(private readonly em: EntityManager) {}

  /** The store's order (its platform id, to push to); null for an unknown order or another store's. */
  async order(storeId: string, orderId: string): Promise<OrderRef | null> {
    const [r] = await this.em.execute<{ id: string; external_id: string }[]>(`select id, external_id from store_order where id = ? and store_id = ?`, [orderId, storeId]);
    return r ? { id: r.id, externalId: r.external_id } : null;
  }

  /** Serialises adds to one order until the surrounding transaction ends, so a double click pushes once. */
  async lock(storeId: string, orderId: string): Promise<void> {
    await this.em.execute(`select pg_advisory_xact_lock(hashtextextended(?, 0))`, [`order_tracking:${storeId}:${orderId}`]);
  }

  /** The same carrier and number on the order (carrier case-insensitive, number upper-cased), if added before. */
  async find(storeId: string, orderId: string, carrier: string, number: string): Promise<OrderTrackingRow | null> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `select ${COLUMNS} from order_tracking where store_id = ? and order_id = ? and lower(carrier) = lower(?) and upper(number) = upper(?)`,
      [storeId, orderId, carrier, number],
    );
    return r ? toRow(r) : null;
  }

  async insert(storeId: string, orderId: string, row: Omit<OrderTrackingRow, 'id'>): Promise<OrderTrackingRow> {
    const [r] = await this.em.execute<Record<string, unknown>[]>(
      `insert into order_tracking (id, store_id, order_id, carrier, number, url, pushed_to, platform_reference, created_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, ?, ?) returning ${COLUMNS}`,
      [storeId, orderId, row.carrier, row.number, row.url, row.pushedTo, row.platformReference, row.addedAt],
    );
    return toRow(r!);
  }

  /** The order's tracking numbers, oldest first. */
  async list(storeId: string, orderId: string): Promise<OrderTrackingRow[]> {
    const rows = await this.em.execute<Record<string, unknown>[]>(
      `select ${COLUMNS} from order_tracking where store_id = ? and order_id = ? order by created_at, id`,
      [storeId, orderId],
    );
    return rows.map(toRow);
  }
}
