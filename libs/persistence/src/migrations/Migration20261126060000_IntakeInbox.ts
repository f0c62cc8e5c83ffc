import { Migration } from '@mikro-orm/migrations';

/** Issue 12: the intake's inbox, order lines as rows, products and variants, and the richer order and customer. */
export class Migration20261126060000_IntakeInbox extends Migration {

  override name = 'Migration20261126060000_IntakeInbox';

  override up(): void | Promise<void> {
    this.addSql(`create table "inbox_event" ("id" uuid not null, "seq" bigserial, "store_id" uuid not null, "platform" varchar(255) not null, "delivery_id" text not null, "topic" varchar(255) null, "format" varchar(255) not null, "body" bytea not null, "ordering_key" text not null, "received_at" timestamptz not null, "state" varchar(255) not null default 'pending', "attempts" int not null default 0, "next_attempt_at" timestamptz not null, "last_error" text null, "parked_at" timestamptz null, "projected_at" timestamptz null, "result" jsonb null, primary key ("id"));`);
    this.addSql(`alter table "inbox_event" add constraint "inbox_event_seq_unique" unique ("seq");`);
    this.addSql(`create index "inbox_event_due_index" on "inbox_event" ("next_attempt_at", "seq") where "state" = 'pending';`);
    this.addSql(`create index "inbox_event_key_index" on "inbox_event" ("store_id", "ordering_key", "seq") where "state" = 'pending';`);
    this.addSql(`create index "inbox_event_parked_index" on "inbox_event" ("store_id", "parked_at") where "state" = 'parked';`);
    this.addSql(`alter table "inbox_event" add constraint "inbox_event_delivery_unique" unique ("store_id", "platform", "delivery_id");`);
    // Wakes the projectors (LISTEN inbox_event) once per inserting statement, inside the receiver's one INSERT.
    this.addSql(`create function inbox_event_notify() returns trigger language plpgsql as $$
      begin
        perform pg_notify('inbox_event', '');
        return null;
      end $$;`);
    this.addSql(`create trigger inbox_event_notify after insert on "inbox_event" for each statement execute function inbox_event_notify();`);

    this.addSql(`create table "order_line" ("id" uuid not null, "store_id" uuid not null, "order_id" uuid not null, "position" int not null, "external_id" varchar(255) null, "sku" varchar(255) null, "product_id" varchar(255) null, "variant_id" varchar(255) null, "name" text not null, "quantity" int not null, "price_minor" bigint not null, "product_url" text null, "image_url" text null, "category" text null, "tags" jsonb not null, "manufacturer" text null, primary key ("id"));`);
    this.addSql(`create index "order_line_store_id_sku_index" on "order_line" ("store_id", "sku");`);
    this.addSql(`alter table "order_line" add constraint "order_line_order_id_position_unique" unique ("order_id", "position");`);
    // The lines stored so far become rows too.
    this.addSql(`insert into "order_line" ("id", "store_id", "order_id", "position", "sku", "name", "quantity", "price_minor", "tags")
      select gen_random_uuid(), o.store_id, o.id, l.ord::int - 1, l.x ->> 'sku', coalesce(l.x ->> 'name', ''),
             (l.x ->> 'quantity')::int, (l.x ->> 'priceCents')::bigint, '[]'::jsonb
      from "store_order" o cross join lateral jsonb_array_elements(o.lines) with ordinality as l(x, ord);`);

    this.addSql(`create table "product" ("id" uuid not null, "store_id" uuid not null, "external_id" varchar(255) not null, "name" text not null, "url" text null, "image_url" text null, "category" text null, "tags" jsonb not null, "manufacturer" text null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "product" add constraint "product_store_id_external_id_unique" unique ("store_id", "external_id");`);

    this.addSql(`create table "product_variant" ("id" uuid not null, "store_id" uuid not null, "product_id" uuid not null, "external_id" varchar(255) not null, "sku" varchar(255) null, "name" text null, "price_minor" bigint null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "product_variant_product_id_index" on "product_variant" ("product_id");`);
    this.addSql(`alter table "product_variant" add constraint "product_variant_store_id_external_id_unique" unique ("store_id", "external_id");`);

    this.addSql(`alter table "customer" add "phone" varchar(255) null, add "company" varchar(255) null, add "customer_group" varchar(255) null, add "external_id" varchar(255) null, add "note" text null, add "source_updated_at" timestamptz null;`);

    this.addSql(`alter table "store_order" add "subtotal_minor" bigint not null default '0', add "discount_minor" bigint not null default '0', add "shipping_minor" bigint not null default '0', add "tax_minor" bigint not null default '0', add "number" varchar(255) null, add "admin_url" text null, add "billing_address" jsonb null, add "shipping_address" jsonb null, add "tracking_numbers" jsonb null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "inbox_event" cascade;`);
    this.addSql(`drop function if exists inbox_event_notify();`);
    this.addSql(`drop table if exists "order_line" cascade;`);
    this.addSql(`drop table if exists "product" cascade;`);
    this.addSql(`drop table if exists "product_variant" cascade;`);
    this.addSql(`alter table "customer" drop column "phone", drop column "company", drop column "customer_group", drop column "external_id", drop column "note", drop column "source_updated_at";`);
    this.addSql(`alter table "store_order" drop column "subtotal_minor", drop column "discount_minor", drop column "shipping_minor", drop column "tax_minor", drop column "number", drop column "admin_url", drop column "billing_address", drop column "shipping_address", drop column "tracking_numbers";`);
  }

}
