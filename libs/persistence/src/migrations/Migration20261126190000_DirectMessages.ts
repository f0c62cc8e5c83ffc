import { Migration } from '@mikro-orm/migrations';

/** Messages a merchant writes to one opted-in customer from the order view (issue 13, point 3). */
export class Migration20261126190000_DirectMessages extends Migration {
  override name = 'Migration20261126190000_DirectMessages';

  override up(): void | Promise<void> {
    this.addSql(`create table "direct_message" ("id" uuid not null, "store_id" uuid not null, "request_id" uuid not null, "customer_id" uuid not null, "order_id" uuid null, "sent_by" uuid null, "sender_name" varchar(255) not null, "sender_email" varchar(255) not null, "to_email" varchar(255) not null, "subject" text not null, "body" text not null, "status" varchar(255) not null, "reason" text null, "transport" varchar(255) null, "provider_message_id" varchar(255) null, "handed_over_at" timestamptz null, "sent_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "direct_message_order_index" on "direct_message" ("store_id", "order_id") where "order_id" is not null;`);
    this.addSql(`create index "direct_message_store_id_customer_id_created_at_index" on "direct_message" ("store_id", "customer_id", "created_at");`);
    this.addSql(`alter table "direct_message" add constraint "direct_message_store_id_request_id_unique" unique ("store_id", "request_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "direct_message" cascade;`);
  }
}
