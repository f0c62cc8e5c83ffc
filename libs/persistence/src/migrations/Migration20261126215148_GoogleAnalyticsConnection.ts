import { Migration } from '@mikro-orm/migrations';

/**
 * Google Analytics (issue 13, point 2): one GA4 connection per store, its service account key sealed at rest, and the
 * last report read from the Data API (shared by every api replica, refreshed at most once an hour, one refresh in
 * flight per store through `refresh_started_at`).
 */
export class Migration20261126215148_GoogleAnalyticsConnection extends Migration {

  override name = 'Migration20261126215148_GoogleAnalyticsConnection';

  override up(): void | Promise<void> {
    this.addSql(`create table "google_analytics_connection" ("store_id" uuid not null, "property_id" varchar(255) not null, "client_email" varchar(255) not null, "key_sealed" text not null, "status" varchar(255) not null, "last_error" text null, "connected_at" timestamptz not null, "report" jsonb null, "report_fetched_at" timestamptz null, "refresh_started_at" timestamptz null, primary key ("store_id"));`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop table if exists "google_analytics_connection";`);
  }

}
