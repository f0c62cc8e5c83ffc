import { RetentionRuleSchema, type MikroORM } from '@boomerang/persistence';
import type { RetentionLifecycle } from '@boomerang/temporal-client';

/**
 * After new order history arrived in bulk (a historical sync): every active rule of the store walks its customers
 * again, as on activation, so customers inside a rule's window get armed from their synced purchases. A rule whose
 * walk still runs keeps that walk (one per rule and revision).
 */
export function createRetentionBackfill(deps: { orm: MikroORM; lifecycle: RetentionLifecycle }): (storeId: string) => Promise<number> {
  return async (storeId) => {
    const rules = await deps.orm.em.fork().find(RetentionRuleSchema, { storeId, status: 'active' }, { orderBy: { createdAt: 'asc' } });
    for (const rule of rules) {
      await deps.lifecycle.syncRule({ storeId, ruleId: rule.id, revision: rule.revision, action: 'backfill' });
    }
    return rules.length;
  };
}
