import { Migration } from '@mikro-orm/migrations';

export class Migration20261122112954_RetentionAndEmail extends Migration {

  override name = 'Migration20261122112954_RetentionAndEmail';

  override up(): void | Promise<void> {
    this.addSql(`create table "conversion" ("id" uuid not null, "store_id" uuid not null, "rule_id" uuid not null, "message_id" uuid not null, "customer_id" uuid not null, "order_id" uuid not null, "revenue_cents" bigint not null, "currency" varchar(3) not null, "occurred_at" timestamptz not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "conversion" add constraint "conversion_order_id_unique" unique ("order_id");`);
    this.addSql(`create index "conversion_store_id_occurred_at_index" on "conversion" ("store_id", "occurred_at");`);
    this.addSql(`create index "conversion_rule_id_occurred_at_index" on "conversion" ("rule_id", "occurred_at");`);

    this.addSql(`create table "message_event" ("id" uuid not null, "store_id" uuid not null, "message_id" uuid not null, "source" varchar(255) not null, "event_key" varchar(255) not null, "type" varchar(255) not null, "url" text null, "occurred_at" timestamptz not null, "payload" jsonb not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "message_event_message_id_type_index" on "message_event" ("message_id", "type");`);
    this.addSql(`alter table "message_event" add constraint "message_event_source_event_key_unique" unique ("source", "event_key");`);

    this.addSql(`create table "suppression" ("id" uuid not null, "store_id" uuid not null, "email" varchar(255) not null, "reason" varchar(255) not null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "suppression" add constraint "suppression_store_id_email_unique" unique ("store_id", "email");`);

    this.addSql(`alter table "message" add "kind" varchar(255) not null default 'marketing', add "open_count" int not null default 0, add "click_count" int not null default 0, add "first_opened_at" timestamptz null, add "first_clicked_at" timestamptz null, add "bounced_at" timestamptz null, add "links" jsonb not null default '[]';`);

    this.addSql(`alter table "retention_dispatch" add "kind" varchar(255) not null default 'purchase';`);

    this.addSql(`alter table "retention_rule" add "body_text" text null, add "attribution_window_seconds" int not null default 432000, add "revision" int not null default 1, add "activated_at" timestamptz null, add "deleted_at" timestamptz null;`);

    this.addSql(`alter table "store" add "currency" varchar(3) not null default 'USD', add "company_name" varchar(255) null, add "street" varchar(255) null, add "city" varchar(255) null, add "region" varchar(255) null, add "postal_code" varchar(255) null, add "country" varchar(255) null, add "phone" varchar(255) null, add "logo_url" varchar(255) null, add "social_links" jsonb not null default '{}', add "sending_hour_start" int null, add "sending_hour_end" int null, add "smart_sending_hours" int not null default 16;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "conversion" cascade;`);
    this.addSql(`drop table if exists "message_event" cascade;`);
    this.addSql(`drop table if exists "suppression" cascade;`);

    this.addSql(`alter table "message" drop column "kind", drop column "open_count", drop column "click_count", drop column "first_opened_at", drop column "first_clicked_at", drop column "bounced_at", drop column "links";`);

    this.addSql(`alter table "retention_dispatch" drop column "kind";`);

    this.addSql(`alter table "retention_rule" drop column "body_text", drop column "attribution_window_seconds", drop column "revision", drop column "activated_at", drop column "deleted_at";`);

    this.addSql(`alter table "store" drop column "currency", drop column "company_name", drop column "street", drop column "city", drop column "region", drop column "postal_code", drop column "country", drop column "phone", drop column "logo_url", drop column "social_links", drop column "sending_hour_start", drop column "sending_hour_end", drop column "smart_sending_hours";`);
  }

}
