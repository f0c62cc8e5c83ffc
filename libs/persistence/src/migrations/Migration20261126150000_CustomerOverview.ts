import { Migration } from '@mikro-orm/migrations';

/** Orders that count as purchases in a customer's summary: every status but cancelled and refunded. */
const COUNTED = `o.status not in ('cancelled', 'refunded')`;

/**
 * Recomputes the summary of the given customers from their orders (one grouped pass over their own orders, by the
 * `(customer_id, placed_at)` index), and writes only rows that changed. Customers are updated in id order, so two
 * statements touching the same customers lock them in one order.
 */
export const REFRESH_FUNCTION = `
  create function customer_order_summary_refresh(ids uuid[]) returns void language sql as $$
    update customer c set order_count = s.n, total_spent_minor = s.total, first_order_at = s.first_at, last_order_at = s.last_at
    from (
      select t.id, agg.n, agg.total, agg.first_at, agg.last_at
      from (select distinct unnest(ids) as id) t
      cross join lateral (
        select count(*)::int as n, coalesce(sum(o.total_cents), 0)::bigint as total, min(o.placed_at) as first_at, max(o.placed_at) as last_at
        from store_order o where o.customer_id = t.id and ${COUNTED}
      ) agg
      order by t.id
    ) s
    where c.id = s.id
      and (c.order_count, c.total_spent_minor, c.first_order_at, c.last_order_at) is distinct from (s.n, s.total, s.first_at, s.last_at)
  $$;`;

/** A statement-level trigger: the customers the statement's rows name (before and after: an order can change customer). */
const TRIGGER_FUNCTION = `
  create function customer_order_summary_on_order() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      perform customer_order_summary_refresh(array(select customer_id from new_rows));
    elsif tg_op = 'DELETE' then
      perform customer_order_summary_refresh(array(select customer_id from old_rows));
    else
      perform customer_order_summary_refresh(array(select customer_id from new_rows union select customer_id from old_rows));
    end if;
    return null;
  end $$;`;

/**
 * The customers list and card (issue 14, points 1–2): each customer's order summary (count, total spent, first and
 * last order) kept by statement-level triggers on `store_order` in the writing transaction and filled here from the
 * existing orders, the list's sort and search indexes (pg_trgm for `like '%term%'`), the subscription history, and the
 * indexes a customer's timeline reads by. Creating the triggers locks `store_order` against writes until this
 * migration commits, so no order falls between the back-fill and the triggers.
 */
export class Migration20261126150000_CustomerOverview extends Migration {

  override name = 'Migration20261126150000_CustomerOverview';

  override up(): void | Promise<void> {
    this.addSql(`create extension if not exists pg_trgm;`);
    this.addSql(`alter table "customer" add "order_count" int not null default 0, add "total_spent_minor" bigint not null default '0', add "first_order_at" timestamptz null, add "last_order_at" timestamptz null;`);

    this.addSql(REFRESH_FUNCTION);
    this.addSql(TRIGGER_FUNCTION);
    this.addSql(`create trigger "store_order_customer_summary_insert" after insert on "store_order" referencing new table as new_rows for each statement execute function customer_order_summary_on_order();`);
    this.addSql(`create trigger "store_order_customer_summary_update" after update on "store_order" referencing old table as old_rows new table as new_rows for each statement execute function customer_order_summary_on_order();`);
    this.addSql(`create trigger "store_order_customer_summary_delete" after delete on "store_order" referencing old table as old_rows for each statement execute function customer_order_summary_on_order();`);
    this.addSql(`select customer_order_summary_refresh(array(select distinct customer_id from store_order));`);

    this.addSql(`create index "customer_store_last_order_index" on "customer" ("store_id", (coalesce("last_order_at", '-infinity'::timestamptz)), "id");`);
    this.addSql(`create index "customer_store_total_spent_index" on "customer" ("store_id", "total_spent_minor", "id");`);
    this.addSql(`create index "customer_store_order_count_index" on "customer" ("store_id", "order_count", "id");`);
    this.addSql(`create index "customer_search_index" on "customer" using gin ((lower("email" || ' ' || coalesce("first_name", '') || ' ' || coalesce("last_name", ''))) gin_trgm_ops);`);

    this.addSql(`create table "customer_subscription_event" ("id" uuid not null, "store_id" uuid not null, "customer_id" uuid not null, "subscribed" boolean not null, "source" varchar(255) not null, "actor_user_id" uuid null, "reason" text null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "customer_subscription_event_customer_id_created_at_index" on "customer_subscription_event" ("customer_id", "created_at");`);

    this.addSql(`create index "conversion_customer_id_occurred_at_index" on "conversion" ("customer_id", "occurred_at");`);
    this.addSql(`create index "retention_dispatch_customer_id_created_at_index" on "retention_dispatch" ("customer_id", "created_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "retention_dispatch_customer_id_created_at_index";`);
    this.addSql(`drop index "conversion_customer_id_occurred_at_index";`);
    this.addSql(`drop table "customer_subscription_event";`);
    for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger "store_order_customer_summary_${event}" on "store_order";`);
    this.addSql(`drop function customer_order_summary_on_order();`);
    this.addSql(`drop function customer_order_summary_refresh(uuid[]);`);
    this.addSql(`drop index "customer_search_index";`);
    this.addSql(`drop index "customer_store_order_count_index";`);
    this.addSql(`drop index "customer_store_total_spent_index";`);
    this.addSql(`drop index "customer_store_last_order_index";`);
    this.addSql(`alter table "customer" drop column "order_count", drop column "total_spent_minor", drop column "first_order_at", drop column "last_order_at";`);
  }

}
