import { Migration } from '@mikro-orm/migrations';

export class Migration20261126003100_MessageArmedOrder extends Migration {

  override name = 'Migration20261126003100_MessageArmedOrder';

  override up(): void | Promise<void> {
    this.addSql(`alter table "message" add column "armed_order_id" uuid null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "message" drop column "armed_order_id";`);
  }

}
