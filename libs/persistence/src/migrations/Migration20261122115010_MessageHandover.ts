import { Migration } from '@mikro-orm/migrations';

export class Migration20261122115010_MessageHandover extends Migration {

  override name = 'Migration20261122115010_MessageHandover';

  override up(): void | Promise<void> {
    this.addSql(`alter table "message" add "handed_over_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "message" drop column "handed_over_at";`);
  }

}
