import { Migration } from '@mikro-orm/migrations';

/** Issue 14, points 3–4: the customer's profile links and the GDPR requests' trail (erasures, data requests). */
export class Migration20261126151000_PrivacyTools extends Migration {

  override name = 'Migration20261126151000_PrivacyTools';

  override up(): void | Promise<void> {
    this.addSql(`create table "profile_link" ("id" uuid not null, "store_id" uuid not null, "customer_id" uuid not null, "token_hash" varchar(64) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, "session_hash" varchar(64) null, "session_expires_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "profile_link" add constraint "profile_link_token_hash_unique" unique ("token_hash");`);
    this.addSql(`alter table "profile_link" add constraint "profile_link_session_hash_unique" unique ("session_hash");`);
    this.addSql(`create index "profile_link_store_id_customer_id_created_at_index" on "profile_link" ("store_id", "customer_id", "created_at");`);

    this.addSql(`create table "privacy_request" ("id" uuid not null, "store_id" uuid not null, "kind" varchar(16) not null, "source" varchar(32) not null, "topic" varchar(64) null, "customer_id" uuid null, "email_hash" varchar(64) null, "summary" jsonb null, "export" jsonb null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`create index "privacy_request_store_id_created_at_index" on "privacy_request" ("store_id", "created_at");`);
    this.addSql(`create index "privacy_request_store_id_customer_id_index" on "privacy_request" ("store_id", "customer_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "privacy_request" cascade;`);
    this.addSql(`drop table if exists "profile_link" cascade;`);
  }

}
