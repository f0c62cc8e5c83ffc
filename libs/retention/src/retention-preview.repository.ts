import { OrderSchema, type EntityManager, type Order } from '@boomerang/persistence';
import { MATCHING_ORDER_SQL, skuParams } from './matching-purchases.js';

/** What a rule's preview reads about one customer. Every method takes the store id. */
export class RetentionPreviewRepository {
  constructor(private readonly em: EntityManager) {}

  /** The customer's latest purchase that would arm a rule with these SKUs (any purchase for a blanket rule). */
  async lastMatchingOrder(storeId: string, customerId: string, skus: string[]): Promise<Order | null> {
    const [row] = await this.em.execute<{ id: string }[]>(
      `select o.id from store_order o where o.store_id = ? and o.customer_id = ? and ${MATCHING_ORDER_SQL}
       order by o.placed_at desc, o.id desc limit 1`,
      [storeId, customerId, ...skuParams(skus)],
    );
    return row ? this.em.findOne(OrderSchema, { id: row.id, storeId }) : null;
  }
}
