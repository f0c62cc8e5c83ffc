import { Migration } from '@mikro-orm/migrations';

export class Migration20261123042927_MessageCustomerSentAt extends Migration {

  override name = 'Migration20261123042927_MessageCustomerSentAt';

  override up(): void | Promise<void> {
    this.addSql(`create index "message_customer_id_sent_at_index" on "message" ("customer_id", "sent_at");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "message_customer_id_sent_at_index";`);
  }

}
