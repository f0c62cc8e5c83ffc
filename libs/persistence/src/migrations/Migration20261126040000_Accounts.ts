import { Migration } from '@mikro-orm/migrations';

/** Merchant accounts: users, sessions, email tokens, trials by domain, store ownership, and the rate-limit counters. */
export class Migration20261126040000_Accounts extends Migration {

  override name = 'Migration20261126040000_Accounts';

  override up(): void | Promise<void> {
    this.addSql(`create table "account" ("id" uuid not null, "trial_started_at" timestamptz null, "trial_ends_at" timestamptz null, "marketing_contact_name" varchar(255) null, "marketing_contact_email" varchar(255) null, "billing_contact_name" varchar(255) null, "billing_contact_email" varchar(255) null, "technical_contact_name" varchar(255) null, "technical_contact_email" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);

    this.addSql(`create table "email_token" ("id" uuid not null, "user_id" uuid not null, "purpose" varchar(255) not null, "token_hash" varchar(255) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "used_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "email_token" add constraint "email_token_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "email_token_user_id_purpose_index" on "email_token" ("user_id", "purpose");`);

    this.addSql(`create table "rate_limit" ("key" varchar(255) not null, "points" int not null default 0, "expire" bigint null, primary key ("key"));`);

    this.addSql(`create table "store_trial" ("domain" varchar(255) not null, "account_id" uuid not null, "store_id" uuid not null, "started_at" timestamptz not null, "ends_at" timestamptz not null, primary key ("domain"));`);
    this.addSql(`create index "store_trial_store_id_index" on "store_trial" ("store_id");`);

    this.addSql(`create table "app_user" ("id" uuid not null, "account_id" uuid not null, "role" varchar(255) not null default 'owner', "name" varchar(255) not null, "email" varchar(255) not null, "password_hash" varchar(255) not null, "email_verified_at" timestamptz null, "phone" varchar(255) null, "company" varchar(255) null, "street" varchar(255) null, "city" varchar(255) null, "region" varchar(255) null, "postal_code" varchar(255) null, "country" varchar(255) null, "created_at" timestamptz not null, primary key ("id"));`);
    this.addSql(`alter table "app_user" add constraint "app_user_email_unique" unique ("email");`);
    this.addSql(`create index "app_user_account_id_index" on "app_user" ("account_id");`);

    this.addSql(`create table "user_session" ("id" uuid not null, "user_id" uuid not null, "token_hash" varchar(255) not null, "created_at" timestamptz not null, "expires_at" timestamptz not null, "revoked_at" timestamptz null, primary key ("id"));`);
    this.addSql(`alter table "user_session" add constraint "user_session_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "user_session_user_id_index" on "user_session" ("user_id");`);

    // Account emails belong to no store.
    this.addSql(`alter table "outbox_email" alter column "store_id" drop not null;`);
    this.addSql(`create index "outbox_email_account_to_index" on "outbox_email" ("to_address", "created_at") where "store_id" is null;`);

    this.addSql(`alter table "store" add "account_id" uuid null, add "domain" varchar(255) null;`);
    this.addSql(`create index "store_account_id_index" on "store" ("account_id");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "store_account_id_index";`);
    this.addSql(`alter table "store" drop column "account_id", drop column "domain";`);
    this.addSql(`drop index "outbox_email_account_to_index";`);
    this.addSql(`delete from "outbox_email" where "store_id" is null;`);
    this.addSql(`alter table "outbox_email" alter column "store_id" set not null;`);
    this.addSql(`drop table "user_session", "app_user", "store_trial", "rate_limit", "email_token", "account";`);
  }

}
