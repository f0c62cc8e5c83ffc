import { ORDER_STATUSES } from '@boomerang/domain';

/**
 * The builder's criteria (seed 002, "Custom Segment Criteria"), what each compares and which qualifiers it takes.
 * Customer fields compare the customer's profile; order fields are true when any order of the customer matches
 * (a negative qualifier: when none does); product fields likewise over the lines of the customer's orders.
 */
export const CRITERION_KINDS = ['text', 'money', 'count', 'days', 'date', 'status'] as const;
export type CriterionKind = (typeof CRITERION_KINDS)[number];

export const QUALIFIERS = ['eq', 'gt', 'lt', 'contains', 'not_contains', 'before', 'after', 'within_last', 'not_within_last'] as const;
export type Qualifier = (typeof QUALIFIERS)[number];

export const QUALIFIERS_BY_KIND: Record<CriterionKind, readonly Qualifier[]> = {
  text: ['eq', 'contains', 'not_contains'],
  money: ['gt', 'lt', 'eq'],
  count: ['gt', 'lt', 'eq'],
  days: ['gt', 'lt', 'eq'],
  date: ['before', 'after', 'within_last', 'not_within_last'],
  status: ['eq', 'not_contains'],
};

export type CriterionScope = 'customer' | 'stats' | 'order' | 'line';

export interface CriterionSpec {
  label: string;
  kind: CriterionKind;
  scope: CriterionScope;
}

export const CRITERIA = {
  average_order_total: { label: 'Average order total', kind: 'money', scope: 'stats' },
  average_purchase_frequency: { label: 'Average purchase frequency (days between orders)', kind: 'days', scope: 'stats' },
  bill_to_city: { label: 'Bill to city', kind: 'text', scope: 'order' },
  bill_to_company: { label: 'Bill to company', kind: 'text', scope: 'order' },
  bill_to_country: { label: 'Bill to country', kind: 'text', scope: 'order' },
  bill_to_state: { label: 'Bill to state', kind: 'text', scope: 'order' },
  bill_to_street: { label: 'Bill to street', kind: 'text', scope: 'order' },
  bill_to_zip: { label: 'Bill to zip', kind: 'text', scope: 'order' },
  company: { label: 'Company', kind: 'text', scope: 'customer' },
  customer_group: { label: 'Customer group', kind: 'text', scope: 'customer' },
  email: { label: 'Email', kind: 'text', scope: 'customer' },
  first_order_date: { label: 'First order date', kind: 'date', scope: 'stats' },
  last_order_date: { label: 'Last order date', kind: 'date', scope: 'stats' },
  cancelled_orders_count: { label: 'Number of cancelled orders', kind: 'count', scope: 'stats' },
  orders_count: { label: 'Number of orders', kind: 'count', scope: 'stats' },
  order_channel: { label: 'Order channel (Amazon, web, POS…)', kind: 'text', scope: 'order' },
  order_status: { label: 'Order status', kind: 'status', scope: 'order' },
  phone: { label: 'Phone number', kind: 'text', scope: 'customer' },
  single_order_total: { label: 'Order total (single order)', kind: 'money', scope: 'order' },
  private_notes: { label: 'Private notes', kind: 'text', scope: 'customer' },
  product_category: { label: 'Product category', kind: 'text', scope: 'line' },
  product_sku: { label: 'Product code or SKU', kind: 'text', scope: 'line' },
  product_manufacturer: { label: 'Product manufacturer', kind: 'text', scope: 'line' },
  product_name: { label: 'Product name', kind: 'text', scope: 'line' },
  product_price: { label: 'Product price', kind: 'money', scope: 'line' },
  product_quantity: { label: 'Product quantity', kind: 'count', scope: 'line' },
  product_tag: { label: 'Product tag', kind: 'text', scope: 'line' },
  product_url: { label: 'Product URL', kind: 'text', scope: 'line' },
  ship_to_city: { label: 'Ship to city', kind: 'text', scope: 'order' },
  ship_to_company: { label: 'Ship to company', kind: 'text', scope: 'order' },
  ship_to_country: { label: 'Ship to country', kind: 'text', scope: 'order' },
  ship_to_state: { label: 'Ship to state', kind: 'text', scope: 'order' },
  ship_to_street: { label: 'Ship to street', kind: 'text', scope: 'order' },
  ship_to_zip: { label: 'Ship to zip', kind: 'text', scope: 'order' },
  total_spent: { label: 'Total spent (all orders)', kind: 'money', scope: 'stats' },
} as const satisfies Record<string, CriterionSpec>;

export type CriterionKey = keyof typeof CRITERIA;
export const CRITERION_KEYS = Object.keys(CRITERIA) as CriterionKey[];

export const TIME_UNITS = { seconds: 1, minutes: 60, hours: 3_600, days: 86_400 } as const;
export type TimeUnit = keyof typeof TIME_UNITS;

export { ORDER_STATUSES };

/** What the builder shows for each criterion (served by the api, so the dashboard never restates it). */
export function criteriaCatalogue() {
  return CRITERION_KEYS.map((key) => ({
    key,
    label: CRITERIA[key].label,
    kind: CRITERIA[key].kind as CriterionKind,
    qualifiers: [...QUALIFIERS_BY_KIND[CRITERIA[key].kind]],
  }));
}
