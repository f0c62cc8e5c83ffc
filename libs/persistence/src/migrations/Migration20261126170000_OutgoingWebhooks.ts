import { Migration } from '@mikro-orm/migrations';

/**
 * Outgoing webhooks (issue 13, point 6): endpoints, the deliveries owed to each in order, and every attempt. Inserting
 * deliveries notifies `webhook_delivery` with each `<store>:<endpoint>` when the inserting transaction commits (a
 * statement-level trigger), so the worker wakes the endpoint's delivery workflow without any producer knowing
 * Temporal; a notification lost to a restart is covered by the workflow's own periodic look and the worker's sweep.
 */
export class Migration20261126170000_OutgoingWebhooks extends Migration {

  override name = 'Migration20261126170000_OutgoingWebhooks';

  override up(): void | Promise<void> {
    this.addSql(`create table "webhook_endpoint" ("id" uuid not null, "store_id" uuid not null, "url" text not null, "description" varchar(255) null, "event_types" jsonb not null, "secret_sealed" text not null, "status" varchar(255) not null, "disabled_reason" text null, "disabled_at" timestamptz null, "failing_since" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "webhook_endpoint_store_id_index" on "webhook_endpoint" ("store_id");`);

    this.addSql(`create table "webhook_delivery" ("id" uuid not null, "seq" bigserial, "store_id" uuid not null, "endpoint_id" uuid not null, "event_id" uuid not null, "event_type" varchar(255) not null, "subject_id" uuid null, "payload" jsonb not null, "status" varchar(255) not null, "attempts" int not null default 0, "last_status_code" int null, "last_error" text null, "last_duration_ms" int null, "created_at" timestamptz not null, "last_attempt_at" timestamptz null, "delivered_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "webhook_delivery" add constraint "webhook_delivery_seq_unique" unique ("seq");`);
    this.addSql(`create index "webhook_delivery_pending_index" on "webhook_delivery" ("endpoint_id", "seq") where "status" = 'pending';`);
    this.addSql(`create index "webhook_delivery_endpoint_id_created_at_index" on "webhook_delivery" ("endpoint_id", "created_at");`);
    this.addSql(`create index "webhook_delivery_store_id_subject_id_index" on "webhook_delivery" ("store_id", "subject_id");`);

    this.addSql(`create table "webhook_attempt" ("id" bigserial primary key, "store_id" uuid not null, "delivery_id" uuid not null, "at" timestamptz not null, "status_code" int null, "error" text null, "duration_ms" int not null);`);
    this.addSql(`create index "webhook_attempt_delivery_id_at_index" on "webhook_attempt" ("delivery_id", "at");`);

    this.addSql(`
      create function webhook_delivery_notify() returns trigger language plpgsql as $$
      declare owed record;
      begin
        for owed in select distinct store_id, endpoint_id from new_rows loop
          perform pg_notify('webhook_delivery', owed.store_id::text || ':' || owed.endpoint_id::text);
        end loop;
        return null;
      end $$;`);
    this.addSql(`create trigger "webhook_delivery_notify" after insert on "webhook_delivery" referencing new table as new_rows for each statement execute function webhook_delivery_notify();`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table "webhook_attempt";`);
    this.addSql(`drop table "webhook_delivery";`);
    this.addSql(`drop function webhook_delivery_notify();`);
    this.addSql(`drop table "webhook_endpoint";`);
  }

}
