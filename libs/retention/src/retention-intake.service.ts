import { randomUUID } from 'node:crypto';
import { isPurchase, ruleMatchesSkus, type OrderStatus } from '@boomerang/domain';
import { RetentionDispatchSchema, type Customer, type EntityManager, type Order, type RetentionRule } from '@boomerang/persistence';
import { MATCHING_ORDER_SQL, skuParams } from './matching-purchases.js';
import type { RulesService } from './rules.service.js';

const REVERSED: OrderStatus[] = ['cancelled', 'refunded'];

/**
 * Everything an order means for retention, recorded in the order's own transaction: which rules it arms
 * (or, when cancelled or refunded, disarms), the enrollment rows behind the pending log, the signals still
 * owed to Temporal, and the conversion it is attributed to.
 */
export class RetentionIntakeService {
  constructor(private readonly rules: RulesService) {}

  async onOrder(em: EntityManager, order: Order, customer: Customer, previousStatus: OrderStatus | null): Promise<number[]> {
    const status = order.status as OrderStatus;
    await this.attributeConversion(em, order, customer);
    if (isPurchase(status)) return this.arm(em, order, customer);
    if (REVERSED.includes(status) && previousStatus && isPurchase(previousStatus)) return this.revoke(em, order, customer);
    return [];
  }

  private async arm(em: EntityManager, order: Order, customer: Customer): Promise<number[]> {
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
      dispatches.push(this.dispatch(em, 'purchase', rule, order, customer, now));
    }
    await em.flush();
    return dispatches.map((d) => d.id);
  }

  /** Takes the purchase back from every rule it armed; the pending log falls back to the previous matching purchase. */
  private async revoke(em: EntityManager, order: Order, customer: Customer): Promise<number[]> {
    const armed = await em.execute<{ rule_id: string }[]>(
      `select distinct rule_id from retention_dispatch where order_id = ? and kind = 'purchase'`,
      [order.id],
    );
    if (!armed.length) return [];
    const rules = await this.rules.byIds(em, armed.map((r) => r.rule_id));
    const now = new Date();
    const dispatches = [];
    for (const rule of rules) {
      // This order is already marked cancelled/refunded in this transaction, so it no longer matches.
      const [previous] = await em.execute<{ id: string; placed_at: Date }[]>(
        `select o.id, o.placed_at from store_order o where o.customer_id = ? and ${MATCHING_ORDER_SQL}
         order by o.placed_at desc limit 1`,
        [customer.id, ...skuParams(rule.skus)],
      );
      const [spent] = previous
        ? await em.execute(`select 1 from message where rule_id = ? and customer_id = ? and created_at > ? limit 1`, [rule.id, customer.id, previous.placed_at])
        : [];
      if (previous && !spent) {
        const placedAt = new Date(previous.placed_at);
        await em.execute(
          `update retention_enrollment set state = 'armed', last_purchase_at = ?, last_order_id = ?, next_send_at = ?, updated_at = ?
           where rule_id = ? and customer_id = ?`,
          [placedAt, previous.id, new Date(placedAt.getTime() + rule.windowSeconds * 1000), now, rule.id, customer.id],
        );
      } else {
        await em.execute(
          `update retention_enrollment set state = 'waiting', next_send_at = null, updated_at = ? where rule_id = ? and customer_id = ? and last_order_id = ?`,
          [now, rule.id, customer.id, order.id],
        );
      }
      dispatches.push(this.dispatch(em, 'revoke', rule, order, customer, now));
    }
    await em.flush();
    return dispatches.map((d) => d.id);
  }

  /**
   * An order placed within a message's attribution window after it is that message's conversion (last touch
   * wins); a cancelled or refunded order is not, and loses an attribution it had.
   */
  private async attributeConversion(em: EntityManager, order: Order, customer: Customer): Promise<void> {
    if (!isPurchase(order.status as OrderStatus) && order.status !== 'processing') {
      await em.execute(`delete from conversion where order_id = ?`, [order.id]);
      return;
    }
    const [touch] = await em.execute<{ id: string; rule_id: string }[]>(
      `select m.id, m.rule_id from message m join retention_rule r on r.id = m.rule_id
       where m.customer_id = ? and m.status = 'sent' and m.kind = 'marketing' and m.sent_at <= ?
         and m.sent_at + make_interval(secs => r.attribution_window_seconds) >= ?
       order by m.sent_at desc limit 1`,
      [customer.id, order.placedAt, order.placedAt],
    );
    if (!touch) return;
    await em.execute(
      `insert into conversion (id, store_id, rule_id, message_id, customer_id, order_id, revenue_cents, currency, occurred_at, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?, ?, now())
       on conflict (order_id) do update set revenue_cents = excluded.revenue_cents, currency = excluded.currency`,
      [randomUUID(), order.storeId, touch.rule_id, touch.id, customer.id, order.id, order.totalCents, order.currency, order.placedAt],
    );
  }

  private dispatch(em: EntityManager, kind: 'purchase' | 'revoke', rule: RetentionRule, order: Order, customer: Customer, now: Date) {
    return em.create(RetentionDispatchSchema, {
      kind,
      storeId: order.storeId,
      ruleId: rule.id,
      customerId: customer.id,
      email: customer.email,
      orderId: order.id,
      purchasedAt: order.placedAt,
      windowSeconds: rule.windowSeconds,
      createdAt: now,
    });
  }
}
