import type { RuleChangedSignal } from './retention.contracts.js';

/**
 * backfill: arm customers whose last matching purchase is inside the window (and, when includeOverdue,
 * those already past it); refilter: re-evaluate every customer after a product-filter change;
 * broadcast: tell every running workflow of the rule about a window or status change.
 */
export type RuleSyncAction = 'backfill' | 'refilter' | 'broadcast';

export interface RuleSyncInput {
  storeId: string;
  ruleId: string;
  revision: number;
  action: RuleSyncAction;
  includeOverdue?: boolean;
  change?: RuleChangedSignal;
  /** Resume point carried across continue-as-new. */
  cursor?: string | null;
  processed?: number;
}

export interface RuleSyncPage {
  nextCursor: string | null;
  processed: number;
}

export interface RuleSyncActivities {
  syncRulePage(input: RuleSyncInput): Promise<RuleSyncPage>;
}
