import { Migration } from '@mikro-orm/migrations';

/**
 * App integrations (issue 13, point 7): an app installation is a `webhook_endpoint` of another kind, so it rides the
 * same fan-out, ordered delivery, retries and log. `app_settings` holds what may be shown (a Slack threshold, a
 * Mailchimp audience); the app's secrets are sealed in `secret_sealed`. Deliveries gain `skipped` (the event did not
 * concern the app) and `failed` (the service refused that event for good).
 */
export class Migration20261126190500_AppIntegrations extends Migration {

  override name = 'Migration20261126190500_AppIntegrations';

  override up(): void | Promise<void> {
    this.addSql(`alter table "webhook_endpoint" add column "kind" varchar(32) not null default 'webhook', add column "app_settings" jsonb null;`);
    this.addSql(`create index "webhook_endpoint_store_id_kind_index" on "webhook_endpoint" ("store_id", "kind");`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop index "webhook_endpoint_store_id_kind_index";`);
    this.addSql(`alter table "webhook_endpoint" drop column "kind", drop column "app_settings";`);
  }

}
