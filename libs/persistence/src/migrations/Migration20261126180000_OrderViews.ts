import { Migration } from '@mikro-orm/migrations';

/**
 * The orders list and an order's timeline (issue 13): the store's orders newest first, a prefix search on the order
 * number and the platform id, and the rows of an order's life read by the order id.
 */
export class Migration20261126180000_OrderViews extends Migration {
  override name = 'Migration20261126180000_OrderViews';

  override up(): void | Promise<void> {
    this.addSql(`create index "store_order_store_placed_index" on "store_order" ("store_id", "placed_at", "id");`);
    this.addSql(`create index "store_order_number_prefix_index" on "store_order" ("store_id", (ltrim(lower("number"), '#')) text_pattern_ops);`);
    this.addSql(`create index "store_order_external_id_prefix_index" on "store_order" ("store_id", (lower("external_id")) text_pattern_ops);`);
    this.addSql(`create index "inbox_event_order_index" on "inbox_event" ("store_id", (("result" ->> 'orderId')), "seq") where "state" = 'projected';`);
    this.addSql(`create index "retention_dispatch_order_index" on "retention_dispatch" ("store_id", "order_id");`);
    this.addSql(`create index "message_armed_order_index" on "message" ("store_id", "armed_order_id") where "armed_order_id" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "message_armed_order_index";`);
    this.addSql(`drop index "retention_dispatch_order_index";`);
    this.addSql(`drop index "inbox_event_order_index";`);
    this.addSql(`drop index "store_order_external_id_prefix_index";`);
    this.addSql(`drop index "store_order_number_prefix_index";`);
    this.addSql(`drop index "store_order_store_placed_index";`);
  }
}
