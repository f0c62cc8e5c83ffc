import { Migration } from '@mikro-orm/migrations';

export class Migration20261126063000_ConnectionProductCount extends Migration {

  override name = 'Migration20261126063000_ConnectionProductCount';

  override up(): void | Promise<void> {
    this.addSql(`alter table "store_connection" add column "product_count" int null, add column "product_count_at" timestamptz null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`alter table "store_connection" drop column "product_count", drop column "product_count_at";`);
  }

}
