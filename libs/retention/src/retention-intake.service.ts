import { isPurchase, ruleMatchesSkus, type OrderStatus } from '@boomerang/domain';
import type { Customer, EntityManager, Order, RetentionRule } from '@boomerang/persistence';
import { RetentionIntakeRepository } from './retention-intake.repository.js';
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
    const intake = new RetentionIntakeRepository(em);
    const now = new Date();
    const dispatches = [];
    for (const rule of rules) {
      const nextSendAt = new Date(order.placedAt.getTime() + rule.windowSeconds * 1000);
      await intake.arm(order.storeId, {
        ruleId: rule.id,
        customerId: customer.id,
        lastPurchaseAt: order.placedAt,
        lastOrderId: order.id,
        nextSendAt,
        updatedAt: now,
      });
      dispatches.push(this.dispatch(intake, 'purchase', rule, order, customer, now));
    }
    await intake.flush();
    return dispatches.map((d) => d.id);
  }

  /** Takes the purchase back from every rule it armed; the pending log falls back to the previous matching purchase. */
  private async revoke(em: EntityManager, order: Order, customer: Customer): Promise<number[]> {
    const intake = new RetentionIntakeRepository(em);
    const armed = await intake.rulesArmedBy(order.storeId, order.id);
    if (!armed.length) return [];
    const rules = await this.rules.byIds(em, order.storeId, armed);
    const now = new Date();
    const dispatches = [];
    for (const rule of rules) {
      // This order is already marked cancelled/refunded in this transaction, so it no longer matches.
      const previous = await intake.latestMatchingPurchase(order.storeId, customer.id, rule.skus);
      const spent = previous ? await intake.hasMessageSince(order.storeId, rule.id, customer.id, previous.placedAt) : false;
      if (previous && !spent) {
        await intake.rearm(order.storeId, {
          ruleId: rule.id,
          customerId: customer.id,
          lastPurchaseAt: previous.placedAt,
          lastOrderId: previous.id,
          nextSendAt: new Date(previous.placedAt.getTime() + rule.windowSeconds * 1000),
          updatedAt: now,
        });
      } else {
        await intake.disarm(order.storeId, rule.id, customer.id, order.id, now);
      }
      dispatches.push(this.dispatch(intake, 'revoke', rule, order, customer, now));
    }
    await intake.flush();
    return dispatches.map((d) => d.id);
  }

  /**
   * An order placed within a message's attribution window after it is that message's conversion (last touch
   * wins); a cancelled or refunded order is not, and loses an attribution it had.
   */
  private async attributeConversion(em: EntityManager, order: Order, customer: Customer): Promise<void> {
    const intake = new RetentionIntakeRepository(em);
    if (!isPurchase(order.status as OrderStatus) && order.status !== 'processing') {
      await intake.deleteConversion(order.storeId, order.id);
      return;
    }
    const touch = await intake.lastTouch(order.storeId, customer.id, order.placedAt);
    if (!touch) return;
    await intake.recordConversion(order.storeId, {
      ruleId: touch.ruleId,
      messageId: touch.messageId,
      customerId: customer.id,
      orderId: order.id,
      revenueCents: order.totalCents,
      currency: order.currency,
      occurredAt: order.placedAt,
    });
  }

  private dispatch(intake: RetentionIntakeRepository, kind: 'purchase' | 'revoke', rule: RetentionRule, order: Order, customer: Customer, now: Date) {
    return intake.addDispatch(order.storeId, {
      kind,
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
