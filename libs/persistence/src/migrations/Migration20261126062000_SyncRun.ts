import { Migration } from '@mikro-orm/migrations';

export class Migration20261126062000_SyncRun extends Migration {

  override name = 'Migration20261126062000_SyncRun';

  override up(): void | Promise<void> {
    this.addSql(`create table "sync_run" ("id" uuid not null, "store_id" uuid not null, "platform" varchar(16) null, "state" varchar(16) not null, "fetched" int not null, "total" int null, "error" text null, "started_at" timestamptz not null, "updated_at" timestamptz not null, "finished_at" timestamptz null, primary key ("id"));`);
    this.addSql(`create index "sync_run_store_id_started_at_index" on "sync_run" ("store_id", "started_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "sync_run" cascade;`);
  }

}
