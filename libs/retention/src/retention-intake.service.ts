import { isPurchase, ruleMatchesSkus, type OrderStatus } from '@boomerang/domain';
import { RetentionDispatchSchema, type Customer, type EntityManager, type Order } from '@boomerang/persistence';
import type { RulesService } from './rules.service.js';

/**
 * Decides which active rules an order arms and records that in the order's own transaction:
 * the enrollment row (for the pending log) and a dispatch row (the signal still owed to Temporal).
 */
export class RetentionIntakeService {
  constructor(private readonly rules: RulesService) {}

  async onOrder(em: EntityManager, order: Order, customer: Customer): Promise<number[]> {
    if (!isPurchase(order.status as OrderStatus)) return [];
    const skus = order.lines.map((l) => l.sku);
    const rules = (await this.rules.activeRules(em, order.storeId)).filter((rule) => ruleMatchesSkus(rule, skus));
    const now = new Date();
    const dispatches = [];
    for (const rule of rules) {
      const nextSendAt = new Date(order.placedAt.getTime() + rule.windowSeconds * 1000);
      await em.execute(
        `insert into retention_enrollment (id, store_id, rule_id, customer_id, state, last_purchase_at, last_order_id, next_send_at, updated_at)
         values (gen_random_uuid(), ?, ?, ?, 'armed', ?, ?, ?, ?)
         on conflict (rule_id, customer_id) do update set
           state = 'armed', last_purchase_at = excluded.last_purchase_at, last_order_id = excluded.last_order_id,
           next_send_at = excluded.next_send_at, updated_at = excluded.updated_at
         where retention_enrollment.last_purchase_at is null or retention_enrollment.last_purchase_at < excluded.last_purchase_at`,
        [order.storeId, rule.id, customer.id, order.placedAt, order.id, nextSendAt, now],
      );
      dispatches.push(
        em.create(RetentionDispatchSchema, {
          storeId: order.storeId,
          ruleId: rule.id,
          customerId: customer.id,
          email: customer.email,
          orderId: order.id,
          purchasedAt: order.placedAt,
          windowSeconds: rule.windowSeconds,
          createdAt: now,
        }),
      );
    }
    await em.flush();
    return dispatches.map((d) => d.id);
  }
}
