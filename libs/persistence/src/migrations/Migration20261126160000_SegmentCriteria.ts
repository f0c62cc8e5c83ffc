import { Migration } from '@mikro-orm/migrations';
import { REFRESH_FUNCTION as CUSTOMER_OVERVIEW_REFRESH } from './Migration20261126150000_CustomerOverview.js';

const COUNTED = `o.status not in ('cancelled', 'refunded')`;

/** CustomerOverview's refresh, now also counting the customer's cancelled orders (a segment criterion). */
const REFRESH_FUNCTION = `
  create or replace function customer_order_summary_refresh(ids uuid[]) returns void language sql as $$
    update customer c set order_count = s.n, total_spent_minor = s.total, first_order_at = s.first_at, last_order_at = s.last_at,
                          cancelled_order_count = s.cancelled
    from (
      select t.id, agg.n, agg.total, agg.first_at, agg.last_at, agg.cancelled
      from (select distinct unnest(ids) as id) t
      cross join lateral (
        select count(*) filter (where ${COUNTED})::int as n, coalesce(sum(o.total_cents) filter (where ${COUNTED}), 0)::bigint as total,
               min(o.placed_at) filter (where ${COUNTED}) as first_at, max(o.placed_at) filter (where ${COUNTED}) as last_at,
               count(*) filter (where o.status = 'cancelled')::int as cancelled
        from store_order o where o.customer_id = t.id
      ) agg
      order by t.id
    ) s
    where c.id = s.id
      and (c.order_count, c.total_spent_minor, c.first_order_at, c.last_order_at, c.cancelled_order_count)
          is distinct from (s.n, s.total, s.first_at, s.last_at, s.cancelled)
  $$;`;

/** CustomerOverview's own, for `down`. */
const PREVIOUS_REFRESH_FUNCTION = CUSTOMER_OVERVIEW_REFRESH.replace('create function', 'create or replace function');

/**
 * Segment criteria read the customer's summary columns instead of aggregating its orders per evaluation (issue 14,
 * point 8): the summary gains the number of cancelled orders, kept by the same triggers. A product's SKU is compared
 * without case, so the SKU index is on `lower(sku)`: a segment on one SKU starts from that SKU's lines.
 */
export class Migration20261126160000_SegmentCriteria extends Migration {

  override name = 'Migration20261126160000_SegmentCriteria';

  override up(): void | Promise<void> {
    this.addSql(`alter table "customer" add "cancelled_order_count" int not null default 0;`);
    this.addSql(REFRESH_FUNCTION);
    this.addSql(`select customer_order_summary_refresh(array(select distinct customer_id from store_order where status = 'cancelled'));`);
    this.addSql(`drop index "order_line_store_id_sku_index";`);
    this.addSql(`create index "order_line_store_sku_index" on "order_line" ("store_id", (lower("sku")));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "order_line_store_sku_index";`);
    this.addSql(`create index "order_line_store_id_sku_index" on "order_line" ("store_id", "sku");`);
    this.addSql(PREVIOUS_REFRESH_FUNCTION);
    this.addSql(`alter table "customer" drop column "cancelled_order_count";`);
  }

}
