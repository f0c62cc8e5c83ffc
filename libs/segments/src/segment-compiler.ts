import { toMinorUnits } from '@boomerang/domain';
import { CRITERIA, TIME_UNITS, type CriterionKey } from './criteria.js';
import { isGroup, type Duration, type SegmentCondition, type SegmentDefinition, type SegmentGroup } from './segment-definition.js';

/**
 * SQL text with `?` placeholders and the values bound to them, in order. Values are always bound parameters (see
 * sql.ts): the text is assembled only from this file's constants, never from a definition's values.
 */
export interface Fragment {
  sql: string;
  params: unknown[];
}

export interface CompiledSegment {
  /** A boolean over `c` (customer), never null: whether the row is a member (for an evaluation's column). */
  predicate: Fragment;
  /** The same test for a WHERE clause, without the outer null guard, so the planner can turn its EXISTS into semi-joins. */
  filter: Fragment;
  /** When membership can next flip by time alone, for the same row (null when no criterion is time-relative). */
  nextCheck: Fragment | null;
}

export interface CompileContext {
  /** The store's currency: money values are in its major units. */
  currency: string;
  /** The evaluation instant: "within the last N days" counts back from it. */
  now: Date;
}

const CUSTOMER_COLUMNS: Partial<Record<CriterionKey, string>> = {
  company: 'c.company',
  customer_group: 'c.customer_group',
  email: 'c.email',
  phone: 'c.phone',
  private_notes: 'c.note',
};

const address = (column: 'billing_address' | 'shipping_address', field: string) =>
  field === 'line1'
    ? `concat_ws(' ', o.${column} ->> 'line1', o.${column} ->> 'line2')`
    : `(o.${column} ->> '${field}')`;

const ORDER_COLUMNS: Partial<Record<CriterionKey, string>> = {
  bill_to_city: address('billing_address', 'city'),
  bill_to_company: address('billing_address', 'company'),
  bill_to_country: address('billing_address', 'country'),
  bill_to_state: address('billing_address', 'region'),
  bill_to_street: address('billing_address', 'line1'),
  bill_to_zip: address('billing_address', 'postalCode'),
  ship_to_city: address('shipping_address', 'city'),
  ship_to_company: address('shipping_address', 'company'),
  ship_to_country: address('shipping_address', 'country'),
  ship_to_state: address('shipping_address', 'region'),
  ship_to_street: address('shipping_address', 'line1'),
  ship_to_zip: address('shipping_address', 'postalCode'),
  order_channel: 'o.channel',
  order_status: 'o.status',
  single_order_total: 'o.total_cents',
};

const LINE_COLUMNS: Partial<Record<CriterionKey, string>> = {
  product_category: 'l.category',
  product_sku: 'l.sku',
  product_manufacturer: 'l.manufacturer',
  product_name: 'l.name',
  product_price: 'l.price_minor',
  product_quantity: 'l.quantity',
  product_url: 'l.product_url',
};

/**
 * The aggregates over the customer's orders are the customer's own summary columns, which triggers on `store_order`
 * keep in the writing transaction (migrations CustomerOverview and SegmentCriteria). Orders that stand (every status but
 * cancelled and refunded) count toward the number of orders, total spent, averages and order dates.
 */
const STATS_COLUMNS_BY_KEY: Partial<Record<CriterionKey, string>> = {
  orders_count: 'c.order_count',
  cancelled_orders_count: 'c.cancelled_order_count',
  total_spent: 'c.total_spent_minor',
  average_order_total: '(c.total_spent_minor::numeric / nullif(c.order_count, 0))',
  average_purchase_frequency: `(extract(epoch from (c.last_order_at - c.first_order_at)) / 86400.0 / nullif(c.order_count - 1, 0))`,
  last_order_date: 'c.last_order_at',
  first_order_date: 'c.first_order_at',
};

const ORDERS_OF_CUSTOMER = `from store_order o where o.store_id = c.store_id and o.customer_id = c.id`;
const LINES_OF_CUSTOMER = `from store_order o join order_line l on l.order_id = o.id and l.store_id = o.store_id where o.store_id = c.store_id and o.customer_id = c.id`;

/** `%value%` for ILIKE, with the pattern characters of the value taken literally. */
const containsPattern = (value: string) => `%${value.replace(/[\\%_]/g, (ch) => `\\${ch}`)}%`;

const seconds = (d: Duration) => d.amount * TIME_UNITS[d.unit];

function frag(sql: string, ...params: unknown[]): Fragment {
  return { sql, params };
}

function join(parts: Fragment[], glue: string): Fragment {
  return { sql: parts.map((p) => `(${p.sql})`).join(glue), params: parts.flatMap((p) => p.params) };
}

/** A positive comparison of one column (the negative qualifiers are built as NOT over it). */
function textMatch(column: string, qualifier: string, value: string): Fragment {
  if (qualifier === 'eq') return frag(`lower(${column}) = lower(?)`, value);
  return frag(`${column} ilike ? escape '\\'`, containsPattern(value));
}

function numberCompare(column: string, qualifier: string, value: number): Fragment {
  const op = qualifier === 'gt' ? '>' : qualifier === 'lt' ? '<' : '=';
  return frag(`${column} ${op} ?`, value);
}

function numericValue(c: SegmentCondition, ctx: CompileContext): number {
  const kind = CRITERIA[c.criterion].kind;
  return kind === 'money' ? toMinorUnits(c.value as string, ctx.currency) : (c.value as number);
}

/** The positive test a condition makes on its row (customer, stats, order or line). */
function positive(c: SegmentCondition, column: string, ctx: CompileContext): Fragment {
  const kind = CRITERIA[c.criterion].kind;
  if (kind === 'text' || kind === 'status') return textMatch(column, c.qualifier === 'not_contains' && kind === 'status' ? 'eq' : c.qualifier, c.value as string);
  return numberCompare(column, c.qualifier, numericValue(c, ctx));
}

function tagMatch(qualifier: string, value: string): Fragment {
  const test = textMatch('t.v', qualifier === 'eq' ? 'eq' : 'contains', value);
  return { sql: `exists (select 1 from jsonb_array_elements_text(l.tags) as t(v) where ${test.sql})`, params: test.params };
}

function condition(c: SegmentCondition, ctx: CompileContext, time: Fragment[]): Fragment {
  const spec = CRITERIA[c.criterion];
  const negative = c.qualifier === 'not_contains';
  switch (spec.scope) {
    case 'customer': {
      const column = CUSTOMER_COLUMNS[c.criterion]!;
      const test = textMatch(column, negative ? 'contains' : c.qualifier, c.value as string);
      return negative ? { sql: `not coalesce(${test.sql}, false)`, params: test.params } : test;
    }
    case 'order': {
      const test = positive(c, ORDER_COLUMNS[c.criterion]!, ctx);
      return { sql: `${negative ? 'not ' : ''}exists (select 1 ${ORDERS_OF_CUSTOMER} and ${test.sql})`, params: test.params };
    }
    case 'line': {
      const test = c.criterion === 'product_tag' ? tagMatch(negative ? 'contains' : c.qualifier, c.value as string) : positive(c, LINE_COLUMNS[c.criterion]!, ctx);
      return { sql: `${negative ? 'not ' : ''}exists (select 1 ${LINES_OF_CUSTOMER} and ${test.sql})`, params: test.params };
    }
    case 'stats': {
      const column = STATS_COLUMNS_BY_KEY[c.criterion]!;
      if (spec.kind !== 'date') return numberCompare(column, c.qualifier, numericValue(c, ctx));
      if (c.qualifier === 'before') return frag(`${column} < cast(? as timestamptz)`, new Date(c.value as string));
      if (c.qualifier === 'after') return frag(`${column} > cast(? as timestamptz)`, new Date(c.value as string));
      const span = seconds(c.value as Duration);
      // Flips when the order is `span` old: the scheduler comes back then (strict >, so at that instant it is out).
      time.push(frag(`case when ${column} + cast(? as double precision) * interval '1 second' > cast(? as timestamptz) then ${column} + cast(? as double precision) * interval '1 second' end`, span, ctx.now, span));
      const threshold = new Date(ctx.now.getTime() - span * 1_000);
      return c.qualifier === 'within_last'
        ? frag(`${column} > cast(? as timestamptz)`, threshold)
        : frag(`(${column} is null or ${column} <= cast(? as timestamptz))`, threshold);
    }
  }
}

function group(g: SegmentGroup, ctx: CompileContext, time: Fragment[]): Fragment {
  const parts = g.conditions.map((node) => (isGroup(node) ? group(node, ctx, time) : condition(node, ctx, time)));
  return join(parts, g.match === 'all' ? ' and ' : ' or ');
}

/** The definition as one boolean SQL expression per customer row, plus when its answer can next change by time alone. */
export function compileSegment(definition: SegmentDefinition, ctx: CompileContext): CompiledSegment {
  const time: Fragment[] = [];
  const predicate = group(definition, ctx, time);
  const nextCheck = time.length === 0 ? null : time.length === 1 ? time[0]! : { sql: `least(${time.map((t) => t.sql).join(', ')})`, params: time.flatMap((t) => t.params) };
  return { predicate: { sql: `coalesce(${predicate.sql}, false)`, params: predicate.params }, filter: { sql: `(${predicate.sql})`, params: predicate.params }, nextCheck };
}
