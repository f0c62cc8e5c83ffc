import { Migration } from '@mikro-orm/migrations';

export class Migration20261126001604_DispatchBackoffDeadLetters extends Migration {

  override name = 'Migration20261126001604_DispatchBackoffDeadLetters';

  override up(): void | Promise<void> {
    this.addSql(`drop index "retention_dispatch_dispatched_at_id_index";`);
    this.addSql(`alter table "retention_dispatch" add "next_attempt_at" timestamptz not null default now(), add "dead_at" timestamptz null;`);
    this.addSql(`create index "retention_dispatch_due_index" on "retention_dispatch" ("next_attempt_at") where "dispatched_at" is null and "dead_at" is null;`);
    this.addSql(`create index "retention_dispatch_dead_index" on "retention_dispatch" ("store_id", "dead_at") where "dead_at" is not null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "retention_dispatch_due_index";`);
    this.addSql(`drop index "retention_dispatch_dead_index";`);
    this.addSql(`alter table "retention_dispatch" drop column "next_attempt_at", drop column "dead_at";`);
    this.addSql(`create index "retention_dispatch_dispatched_at_id_index" on "retention_dispatch" ("dispatched_at", "id");`);
  }

}
