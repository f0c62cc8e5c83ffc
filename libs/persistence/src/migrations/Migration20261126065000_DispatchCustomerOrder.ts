import { Migration } from '@mikro-orm/migrations';

/**
 * A customer's signals go to Temporal in the order they were written: a row is claimed only when no earlier row of
 * its customer and rule is still owed. This partial index answers that check from the rows still owed only.
 */
export class Migration20261126065000_DispatchCustomerOrder extends Migration {

  override name = 'Migration20261126065000_DispatchCustomerOrder';

  override up(): void | Promise<void> {
    this.addSql(`create index "retention_dispatch_owed_target_index" on "retention_dispatch" ("store_id", "rule_id", "customer_id", "id") where "dispatched_at" is null and "dead_at" is null;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "retention_dispatch_owed_target_index";`);
  }

}
