import { RetentionRuleSchema, type EntityManager, type RetentionRule } from '@boomerang/persistence';

/**
 * Reads of retention rules and the enrollment statement a rule edit runs. Every method takes the store id. Rule
 * writes stay in the service's unit of work (`em.create`, `em.assign`, `flush`), which these entities belong to.
 */
export class RetentionRuleRepository {
  constructor(private readonly em: EntityManager) {}

  /** The store's rule (deleted ones too; the caller decides what they mean). */
  find(storeId: string, ruleId: string): Promise<RetentionRule | null> {
    return this.em.findOne(RetentionRuleSchema, { id: ruleId, storeId });
  }

  /** The store's rules that are not deleted, oldest first. */
  list(storeId: string): Promise<RetentionRule[]> {
    return this.em.find(RetentionRuleSchema, { storeId, status: { $ne: 'deleted' } }, { orderBy: { createdAt: 'asc' } });
  }

  byIds(storeId: string, ids: string[]): Promise<RetentionRule[]> {
    return this.em.find(RetentionRuleSchema, { id: { $in: ids }, storeId });
  }

  active(storeId: string): Promise<RetentionRule[]> {
    return this.em.find(RetentionRuleSchema, { storeId, status: 'active' });
  }

  /** A new window moves every armed customer's due time (from the purchase that armed them). */
  async rescheduleArmed(storeId: string, ruleId: string, windowSeconds: number): Promise<void> {
    await this.em.execute(
      `update retention_enrollment set next_send_at = last_purchase_at + make_interval(secs => ?), updated_at = now()
         where rule_id = ? and store_id = ? and state = 'armed'`,
      [windowSeconds, ruleId, storeId],
    );
  }
}
