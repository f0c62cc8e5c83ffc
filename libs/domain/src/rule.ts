export const RULE_STATUSES = ['draft', 'active', 'paused', 'deleted'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

export const SENDING_FILTERS = ['all', 'opted_in', 'registered'] as const;
export type SendingFilter = (typeof SENDING_FILTERS)[number];

/** What a rule needs to decide whether an order's lines arm it. */
export interface ProductFilter {
  skus: string[];
}

/**
 * A rule with no SKUs is a blanket rule: any purchase arms it, also one whose items carry no SKU (platforms allow
 * them), as the back-fill's SQL (MATCHING_ORDER_SQL) counts it. SKUs compare case-insensitively, trimmed.
 */
export function ruleMatchesSkus(rule: ProductFilter, orderSkus: readonly string[]): boolean {
  if (rule.skus.length === 0) return true;
  const wanted = new Set(rule.skus.map(normalizeSku));
  return orderSkus.some((sku) => wanted.has(normalizeSku(sku)));
}

export function normalizeSku(sku: string): string {
  return sku.trim().toUpperCase();
}
