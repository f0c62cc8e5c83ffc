import { Migration } from '@mikro-orm/migrations';

export class Migration20261122105600_Initial extends Migration {

  override name = 'Migration20261122105600_Initial';

  override up(): void | Promise<void> {
    this.addSql(`create table "customer" ("id" uuid not null, "store_id" uuid not null, "email" varchar(255) not null, "first_name" varchar(255) null, "last_name" varchar(255) null, "registered" boolean not null default false, "opted_in" boolean not null default false, "unsubscribed_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "customer_store_id_index" on "customer" ("store_id");`);
    this.addSql(`alter table "customer" add constraint "customer_store_id_email_unique" unique ("store_id", "email");`);

    this.addSql(`create table "message" ("id" uuid not null, "store_id" uuid not null, "rule_id" uuid not null, "customer_id" uuid not null, "cycle" int not null, "status" varchar(255) not null, "reason" varchar(255) null, "to_email" varchar(255) not null, "subject" text null, "transport" varchar(255) null, "provider_message_id" varchar(255) null, "due_at" timestamptz not null, "sent_at" timestamptz null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "message_store_id_status_sent_at_index" on "message" ("store_id", "status", "sent_at");`);
    this.addSql(`alter table "message" add constraint "message_rule_id_customer_id_cycle_unique" unique ("rule_id", "customer_id", "cycle");`);

    this.addSql(`create table "store_order" ("id" uuid not null, "store_id" uuid not null, "customer_id" uuid not null, "external_id" varchar(255) not null, "status" varchar(255) not null, "currency" varchar(3) not null, "total_cents" bigint not null, "lines" jsonb not null, "placed_at" timestamptz not null, "source_updated_at" timestamptz not null, "received_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "store_order_customer_id_placed_at_index" on "store_order" ("customer_id", "placed_at");`);
    this.addSql(`alter table "store_order" add constraint "store_order_store_id_external_id_unique" unique ("store_id", "external_id");`);

    this.addSql(`create table "outbox_email" ("id" uuid not null, "store_id" uuid not null, "message_id" uuid not null, "from_address" varchar(255) not null, "to_address" varchar(255) not null, "subject" text not null, "html" text not null, "text" text not null, "headers" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "outbox_email" add constraint "outbox_email_message_id_unique" unique ("message_id");`);
    this.addSql(`create index "outbox_email_store_id_created_at_index" on "outbox_email" ("store_id", "created_at");`);

    this.addSql(`create table "retention_dispatch" ("id" bigserial primary key, "store_id" uuid not null, "rule_id" uuid not null, "customer_id" uuid not null, "email" varchar(255) not null, "order_id" uuid not null, "purchased_at" timestamptz not null, "window_seconds" int not null, "attempts" int not null default 0, "last_error" text null, "created_at" timestamptz not null, "dispatched_at" timestamptz null);`);
    this.addSql(`create index "retention_dispatch_dispatched_at_id_index" on "retention_dispatch" ("dispatched_at", "id");`);

    this.addSql(`create table "retention_enrollment" ("id" uuid not null, "store_id" uuid not null, "rule_id" uuid not null, "customer_id" uuid not null, "state" varchar(255) not null, "last_purchase_at" timestamptz null, "last_order_id" uuid null, "next_send_at" timestamptz null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "retention_enrollment_store_id_state_next_send_at_index" on "retention_enrollment" ("store_id", "state", "next_send_at");`);
    this.addSql(`alter table "retention_enrollment" add constraint "retention_enrollment_rule_id_customer_id_unique" unique ("rule_id", "customer_id");`);

    this.addSql(`create table "retention_rule" ("id" uuid not null, "store_id" uuid not null, "name" varchar(255) not null, "status" varchar(255) not null, "sending_filter" varchar(255) not null, "skus" jsonb not null, "window_seconds" int not null, "sender_name" varchar(255) not null, "sender_email" varchar(255) not null, "subject" text not null, "body_html" text not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "retention_rule_store_id_index" on "retention_rule" ("store_id");`);

    this.addSql(`create table "store" ("id" uuid not null, "name" varchar(255) not null, "platform" varchar(255) not null default 'generic', "api_key_hash" varchar(255) not null, "webhook_secret" varchar(255) not null, "timezone" varchar(255) not null default 'UTC', "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "store" add constraint "store_api_key_hash_unique" unique ("api_key_hash");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "customer" cascade;`);
    this.addSql(`drop table if exists "message" cascade;`);
    this.addSql(`drop table if exists "store_order" cascade;`);
    this.addSql(`drop table if exists "outbox_email" cascade;`);
    this.addSql(`drop table if exists "retention_dispatch" cascade;`);
    this.addSql(`drop table if exists "retention_enrollment" cascade;`);
    this.addSql(`drop table if exists "retention_rule" cascade;`);
    this.addSql(`drop table if exists "store" cascade;`);
  }

}
