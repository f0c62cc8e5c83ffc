import { isPurchase, ruleMatchesSkus, type OrderStatus } from '@boomerang/domain';
import type { Customer, EntityManager, Order, RetentionRule } from '@boomerang/persistence';
import { RetentionIntakeRepository, touchKey, type EnrollmentArm, type NewDispatch, type Touch } from './retention-intake.repository.js';
import type { RulesService } from './rules.service.js';

const REVERSED: OrderStatus[] = ['cancelled', 'refunded'];

/**
 * What one projector round reads for retention, kept for the rest of its transaction: the stores' active rules, read
 * once per round rather than once per order (a rule changed meanwhile is seen by the next round, as by the next
 * order), and the attribution touches of its orders, read together by `RetentionIntakeService.prefetchTouches`.
 */
export class RetentionRoundCache {
  private readonly byStore = new Map<string, Promise<RetentionRule[]>>();
  readonly touches = new Map<string, Touch | null>();
  /** Purchases' enrollment arms and signals, written together by `flush` (when the round defers its writes). */
  private readonly arms = new Map<string, { storeId: string; arm: EnrollmentArm }>();
  private readonly dispatches = new Map<string, NewDispatch[]>();

  /** `deferWrites`: a purchase's arms and signals wait for `flush`, one statement each per store for the round. */
  constructor(readonly deferWrites = false) {}

  activeRules(storeId: string, load: () => Promise<RetentionRule[]>): Promise<RetentionRule[]> {
    let rules = this.byStore.get(storeId);
    if (!rules) this.byStore.set(storeId, (rules = load()));
    return rules;
  }

  /** An arm keeps the latest purchase per rule and customer, as the upsert itself does (order does not matter). */
  defer(storeId: string, arms: readonly EnrollmentArm[], dispatches: readonly NewDispatch[]): void {
    for (const arm of arms) {
      const key = `${arm.ruleId}|${arm.customerId}`;
      const held = this.arms.get(key);
      if (!held || held.arm.lastPurchaseAt < arm.lastPurchaseAt) this.arms.set(key, { storeId, arm });
    }
    const held = this.dispatches.get(storeId);
    if (held) held.push(...dispatches);
    else this.dispatches.set(storeId, [...dispatches]);
  }

  /**
   * The round's deferred arms, then its signals in the order their events came (ids ascend with it, which keeps each
   * customer's signals in order), store by store in id order; answers the new signals' ids per store.
   */
  async flush(em: EntityManager): Promise<{ storeId: string; ids: number[] }[]> {
    const intake = new RetentionIntakeRepository(em);
    const armsByStore = new Map<string, EnrollmentArm[]>();
    for (const { storeId, arm } of this.arms.values()) {
      const held = armsByStore.get(storeId);
      if (held) held.push(arm);
      else armsByStore.set(storeId, [arm]);
    }
    for (const storeId of [...armsByStore.keys()].sort()) await intake.armMany(storeId, armsByStore.get(storeId)!);
    const written: { storeId: string; ids: number[] }[] = [];
    for (const storeId of [...this.dispatches.keys()].sort()) written.push({ storeId, ids: await intake.insertDispatches(storeId, this.dispatches.get(storeId)!) });
    this.arms.clear();
    this.dispatches.clear();
    return written;
  }
}

/** What an order recorded for retention: the signals written now (to deliver after the commit), and how many in all. */
export interface OrderSignals {
  /** Written in this call; a round that defers its writes gets its ids from `RetentionRoundCache.flush`. */
  dispatchIds: number[];
  count: number;
}

/** An order that can be a message's conversion: a purchase, or one being processed. */
function attributable(order: Order): boolean {
  return isPurchase(order.status as OrderStatus) || order.status === 'processing';
}

/**
 * Everything an order means for retention, recorded in the order's own transaction: which rules it arms
 * (or, when cancelled or refunded, disarms), the enrollment rows behind the pending log, the signals still
 * owed to Temporal, and the conversion it is attributed to.
 */
export class RetentionIntakeService {
  constructor(private readonly rules: RulesService) {}

  /** Reads the attribution touches of a round's orders (one statement per store) into its cache. */
  async prefetchTouches(em: EntityManager, orders: readonly { order: Order; customer: Customer }[], cache: RetentionRoundCache): Promise<void> {
    const byStore = new Map<string, { customerId: string; at: Date }[]>();
    for (const { order, customer } of orders) {
      if (!attributable(order)) continue;
      const pairs = byStore.get(order.storeId) ?? [];
      pairs.push({ customerId: customer.id, at: order.placedAt });
      byStore.set(order.storeId, pairs);
    }
    const intake = new RetentionIntakeRepository(em);
    for (const [storeId, pairs] of byStore) for (const [key, touch] of await intake.lastTouches(storeId, pairs)) cache.touches.set(key, touch);
  }

  async onOrder(em: EntityManager, order: Order, customer: Customer, previousStatus: OrderStatus | null, cache?: RetentionRoundCache): Promise<OrderSignals> {
    const status = order.status as OrderStatus;
    await this.attributeConversion(em, order, customer, cache);
    if (isPurchase(status)) return this.arm(em, order, customer, cache);
    if (REVERSED.includes(status) && previousStatus && isPurchase(previousStatus)) {
      const dispatchIds = await this.revoke(em, order, customer);
      return { dispatchIds, count: dispatchIds.length };
    }
    return { dispatchIds: [], count: 0 };
  }

  private async arm(em: EntityManager, order: Order, customer: Customer, cache?: RetentionRoundCache): Promise<OrderSignals> {
    const skus = order.lines.map((l) => l.sku);
    const load = () => this.rules.activeRules(em, order.storeId);
    const rules = (await (cache ? cache.activeRules(order.storeId, load) : load())).filter((rule) => ruleMatchesSkus(rule, skus));
    const now = new Date();
    const arms: EnrollmentArm[] = rules.map((rule) => ({
      ruleId: rule.id,
      customerId: customer.id,
      lastPurchaseAt: order.placedAt,
      lastOrderId: order.id,
      nextSendAt: new Date(order.placedAt.getTime() + rule.windowSeconds * 1000),
      updatedAt: now,
    }));
    const dispatches = rules.map((rule) => this.dispatch('purchase', rule, order, customer, now));
    if (cache?.deferWrites) {
      cache.defer(order.storeId, arms, dispatches);
      return { dispatchIds: [], count: dispatches.length };
    }
    const intake = new RetentionIntakeRepository(em);
    await intake.armMany(order.storeId, arms);
    const dispatchIds = await intake.insertDispatches(order.storeId, dispatches);
    return { dispatchIds, count: dispatchIds.length };
  }

  /** Takes the purchase back from every rule it armed; the pending log falls back to the previous matching purchase. */
  private async revoke(em: EntityManager, order: Order, customer: Customer): Promise<number[]> {
    const intake = new RetentionIntakeRepository(em);
    const armed = await intake.rulesArmedBy(order.storeId, order.id);
    if (!armed.length) return [];
    const rules = await this.rules.byIds(em, order.storeId, armed);
    const now = new Date();
    const dispatches: NewDispatch[] = [];
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
      dispatches.push(this.dispatch('revoke', rule, order, customer, now));
    }
    return intake.insertDispatches(order.storeId, dispatches);
  }

  /**
   * An order placed within a message's attribution window after it is that message's conversion (last touch
   * wins); a cancelled or refunded order is not, and loses an attribution it had.
   */
  private async attributeConversion(em: EntityManager, order: Order, customer: Customer, cache?: RetentionRoundCache): Promise<void> {
    const intake = new RetentionIntakeRepository(em);
    if (!attributable(order)) {
      await intake.deleteConversion(order.storeId, order.id);
      return;
    }
    const key = touchKey(customer.id, order.placedAt);
    const touch = cache?.touches.has(key) ? cache.touches.get(key)! : await intake.lastTouch(order.storeId, customer.id, order.placedAt);
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

  private dispatch(kind: 'purchase' | 'revoke', rule: RetentionRule, order: Order, customer: Customer, now: Date): NewDispatch {
    return {
      kind,
      ruleId: rule.id,
      customerId: customer.id,
      email: customer.email,
      orderId: order.id,
      purchasedAt: order.placedAt,
      windowSeconds: rule.windowSeconds,
      createdAt: now,
    };
  }
}
