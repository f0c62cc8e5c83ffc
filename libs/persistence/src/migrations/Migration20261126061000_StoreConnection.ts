import { Migration } from '@mikro-orm/migrations';

/** A store's link to its cart (issue 12): sealed credentials, our webhook secret and subscriptions, status. */
export class Migration20261126061000_StoreConnection extends Migration {

  override name = 'Migration20261126061000_StoreConnection';

  override up(): void | Promise<void> {
    this.addSql(`create table "store_connection" ("store_id" uuid not null, "platform" varchar(32) not null, "credentials_sealed" text null, "webhook_secret_sealed" text null, "identifiers" jsonb not null, "registered_webhooks" jsonb not null, "status" varchar(16) not null, "last_error" text null, "last_event_at" timestamptz null, "connected_at" timestamptz null, "updated_at" timestamptz not null, primary key ("store_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "store_connection" cascade;`);
  }

}
