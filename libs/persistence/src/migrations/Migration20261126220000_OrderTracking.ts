import { Migration } from '@mikro-orm/migrations';

/**
 * Tracking numbers the merchant adds to an order (issue 13, point 4): what the platform accepted (its fulfilment or
 * shipment id), one row per carrier and number of an order (the unique index makes a second add a no-op), read by
 * the order's detail and timeline through the same index.
 */
export class Migration20261126220000_OrderTracking extends Migration {
  override name = 'Migration20261126220000_OrderTracking';

  override up(): void | Promise<void> {
    this.addSql(`create table "order_tracking" ("id" uuid not null, "store_id" uuid not null, "order_id" uuid not null, "carrier" varchar(100) not null, "number" varchar(64) not null, "url" text null, "pushed_to" varchar(20) null, "platform_reference" varchar(64) null, "created_at" timestamptz not null, constraint "order_tracking_pkey" primary key ("id"));`);
    this.addSql(`create unique index "order_tracking_order_number_unique" on "order_tracking" ("store_id", "order_id", (lower("carrier")), (upper("number")));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "order_tracking" cascade;`);
  }
}
