import { Migration } from '@mikro-orm/migrations';

/**
 * Issue 14, points 5–7: segments, their current members, the history of entering and leaving, and the due checks
 * that keep membership current (after a transaction, and when a time-relative criterion runs out). Every store gets
 * the seed's four defaults: new stores by trigger (however they are created), existing stores here; the worker
 * evaluates them once (`evaluated_version` 0 < `version` 1). Orders learn their sales channel (the Amazon default).
 */
export class Migration20261126152000_Segments extends Migration {

  override name = 'Migration20261126152000_Segments';

  override up(): void | Promise<void> {
    this.addSql(`alter table "store_order" add "channel" varchar(255) null;`);
    this.addSql(`alter table "retention_rule" add "segment_id" uuid null;`);

    this.addSql(`create table "segment" ("id" uuid not null, "store_id" uuid not null, "name" varchar(255) not null, "definition" jsonb not null, "default_key" varchar(255) null, "version" int not null default 1, "evaluated_version" int not null default 0, "evaluated_at" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "segment_store_id_index" on "segment" ("store_id");`);
    this.addSql(`create index "segment_unevaluated_index" on "segment" ("id") where "evaluated_version" < "version";`);

    this.addSql(`create table "segment_membership" ("segment_id" uuid not null, "customer_id" uuid not null, "store_id" uuid not null, "entered_at" timestamptz not null, primary key ("segment_id", "customer_id"));`);
    this.addSql(`create index "segment_membership_store_id_customer_id_index" on "segment_membership" ("store_id", "customer_id");`);

    this.addSql(`create table "segment_membership_event" ("id" bigserial, "store_id" uuid not null, "segment_id" uuid not null, "segment_name" varchar(255) not null, "customer_id" uuid not null, "kind" varchar(255) not null, "at" timestamptz not null, "cause" varchar(255) not null, primary key ("id"));`);
    this.addSql(`create index "segment_membership_event_store_id_customer_id_at_index" on "segment_membership_event" ("store_id", "customer_id", "at");`);

    this.addSql(`create table "segment_check" ("segment_id" uuid not null, "customer_id" uuid not null, "store_id" uuid not null, "due_at" timestamptz not null, "cause" varchar(255) not null default 'time', primary key ("segment_id", "customer_id"));`);
    this.addSql(`create index "segment_check_due_at_index" on "segment_check" ("due_at");`);

    // The seed's defaults, in the definition format of @boomerang/segments (segment-definition.ts); editable and deletable.
    this.addSql(`create function segment_insert_defaults(p_store uuid) returns void language sql as $$
      insert into "segment" ("id", "store_id", "name", "definition", "default_key", "created_at", "updated_at")
      select gen_random_uuid(), p_store, d.name, d.definition::jsonb, d.key, now(), now()
      from (values
        (1, 'amazon', 'Amazon', '{"match":"all","conditions":[{"criterion":"order_channel","qualifier":"contains","value":"amazon"}]}'),
        (2, 'new_customers', 'New Customers', '{"match":"all","conditions":[{"criterion":"first_order_date","qualifier":"within_last","value":{"amount":30,"unit":"days"}}]}'),
        (3, 'ordered_60_days', 'Ordered Within 60 Days', '{"match":"all","conditions":[{"criterion":"last_order_date","qualifier":"within_last","value":{"amount":60,"unit":"days"}}]}'),
        (4, 'vip', 'VIP Customers', '{"match":"any","conditions":[{"criterion":"total_spent","qualifier":"gt","value":"500"},{"criterion":"orders_count","qualifier":"gt","value":4}]}')
      ) as d(ord, key, name, definition)
      order by d.ord;
    $$;`);
    this.addSql(`create function segment_store_defaults() returns trigger language plpgsql as $$
      begin
        perform segment_insert_defaults(new.id);
        return null;
      end $$;`);
    this.addSql(`create trigger segment_store_defaults after insert on "store" for each row execute function segment_store_defaults();`);
    this.addSql(`select segment_insert_defaults(s.id) from "store" s;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger if exists segment_store_defaults on "store";`);
    this.addSql(`drop function if exists segment_store_defaults();`);
    this.addSql(`drop function if exists segment_insert_defaults(uuid);`);
    this.addSql(`drop table if exists "segment_check" cascade;`);
    this.addSql(`drop table if exists "segment_membership_event" cascade;`);
    this.addSql(`drop table if exists "segment_membership" cascade;`);
    this.addSql(`drop table if exists "segment" cascade;`);
    this.addSql(`alter table "store_order" drop column "channel";`);
    this.addSql(`alter table "retention_rule" drop column "segment_id";`);
  }

}
