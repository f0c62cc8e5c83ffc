import { Migration } from '@mikro-orm/migrations';

export class Migration20261126041000_DashboardSupport extends Migration {

  override name = 'Migration20261126041000_DashboardSupport';

  override up(): void | Promise<void> {
    this.addSql(`create table "store_logo" ("id" uuid not null, "store_id" uuid not null, "hash" varchar(64) not null, "content_type" varchar(32) not null, "width" int not null, "height" int not null, "bytes" bytea not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "store_logo" add constraint "store_logo_store_id_unique" unique ("store_id");`);

    this.addSql(`create table "store_product" ("id" uuid not null, "store_id" uuid not null, "sku" varchar(255) not null, "name" text null, "orders" int not null default 0, "last_ordered_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "store_product_store_id_orders_index" on "store_product" ("store_id", "orders");`);
    this.addSql(`alter table "store_product" add constraint "store_product_store_id_sku_unique" unique ("store_id", "sku");`);
    // The SKUs sold so far, from the order lines; ingestion keeps the table in step from now on.
    this.addSql(`insert into "store_product" ("id", "store_id", "sku", "name", "orders", "last_ordered_at")
      select gen_random_uuid(), o.store_id, l.sku,
             (array_agg(l.name order by o.placed_at desc) filter (where l.name is not null))[1],
             count(distinct o.id), max(o.placed_at)
      from "store_order" o cross join lateral (select x ->> 'sku' as sku, x ->> 'name' as name from jsonb_array_elements(o.lines) x) l
      where l.sku is not null
      group by o.store_id, l.sku;`);

    // The dashboard's logs and overview at a million messages (see README, Benchmarks): cursor columns in the indexes,
    // the skipped log's own index, and the counts read from one covering index.
    this.addSql(`drop index "conversion_store_id_occurred_at_index";`);
    this.addSql(`create index "conversion_store_id_occurred_at_id_index" on "conversion" ("store_id", "occurred_at", "id");`);

    this.addSql(`drop index "message_store_id_status_sent_at_index";`);
    this.addSql(`create index "message_store_id_status_sent_at_id_index" on "message" ("store_id", "status", "sent_at", "id");`);
    this.addSql(`create index "message_skipped_log_index" on "message" ("store_id", "created_at", "id") where "status" in ('skipped', 'failed');`);
    this.addSql(`create index "message_store_rule_counts_index" on "message" ("store_id", "rule_id", "status") include ("open_count", "click_count");`);

    this.addSql(`drop index "retention_enrollment_store_id_state_next_send_at_index";`);
    this.addSql(`create index "retention_enrollment_store_id_state_next_send_at_id_index" on "retention_enrollment" ("store_id", "state", "next_send_at", "id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "conversion_store_id_occurred_at_id_index";`);
    this.addSql(`create index "conversion_store_id_occurred_at_index" on "conversion" ("store_id", "occurred_at");`);

    this.addSql(`drop index "message_store_id_status_sent_at_id_index";`);
    this.addSql(`drop index "message_skipped_log_index";`);
    this.addSql(`drop index "message_store_rule_counts_index";`);
    this.addSql(`create index "message_store_id_status_sent_at_index" on "message" ("store_id", "status", "sent_at");`);

    this.addSql(`drop index "retention_enrollment_store_id_state_next_send_at_id_index";`);
    this.addSql(`create index "retention_enrollment_store_id_state_next_send_at_index" on "retention_enrollment" ("store_id", "state", "next_send_at");`);

    this.addSql(`drop table if exists "store_logo" cascade;`);
    this.addSql(`drop table if exists "store_product" cascade;`);
  }

}
