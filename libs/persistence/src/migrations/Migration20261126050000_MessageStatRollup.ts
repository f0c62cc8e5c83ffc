import { Migration } from '@mikro-orm/migrations';

/** A message's contribution to `message_stat`, times `sign` (1 for a new row version, -1 for an old one). */
const messageRows = (rows: string, sign: 1 | -1) => `
  select store_id, rule_id, message_stat_week(sent_at) as week_start, stat_shard(id) as shard, 0 as pending,
         ${sign} * (status = 'sent')::int as sent, ${sign} * (status in ('skipped', 'failed'))::int as skipped,
         ${sign} * open_count as opens, ${sign} * click_count as clicks
  from ${rows}
  where status in ('sent', 'skipped', 'failed') or open_count <> 0 or click_count <> 0`;

/** An enrollment's contribution: one pending send while armed, in no week. */
const enrollmentRows = (rows: string, sign: 1 | -1) => `
  select store_id, rule_id, '-infinity'::date as week_start, stat_shard(id) as shard, ${sign} as pending,
         0 as sent, 0 as skipped, 0 as opens, 0 as clicks
  from ${rows}
  where state = 'armed'`;

const conversionRows = (rows: string, sign: 1 | -1) => `
  select store_id, rule_id, currency, stat_shard(id) as shard, ${sign} as conversions, ${sign} * revenue_cents as revenue_minor
  from ${rows}`;

/**
 * Adds the deltas to their counters. Grouped first (one statement may not touch a row twice), rows whose deltas
 * are all zero dropped (an update of other columns locks no counter), and applied in key order, so two statements
 * that touch the same counters lock them in the same order and cannot deadlock each other.
 */
const addToMessageStat = (deltas: string) => `
  insert into message_stat as s (store_id, rule_id, week_start, shard, pending, sent, skipped, opens, clicks)
  select store_id, rule_id, week_start, shard, sum(pending), sum(sent), sum(skipped), sum(opens), sum(clicks)
  from (${deltas}) d
  group by store_id, rule_id, week_start, shard
  having sum(pending) <> 0 or sum(sent) <> 0 or sum(skipped) <> 0 or sum(opens) <> 0 or sum(clicks) <> 0
  order by store_id, rule_id, week_start, shard
  on conflict (store_id, rule_id, week_start, shard) do update
    set pending = s.pending + excluded.pending, sent = s.sent + excluded.sent, skipped = s.skipped + excluded.skipped,
        opens = s.opens + excluded.opens, clicks = s.clicks + excluded.clicks`;

const addToConversionStat = (deltas: string) => `
  insert into conversion_stat as s (store_id, rule_id, currency, shard, conversions, revenue_minor)
  select store_id, rule_id, currency, shard, sum(conversions), sum(revenue_minor)
  from (${deltas}) d
  group by store_id, rule_id, currency, shard
  having sum(conversions) <> 0 or sum(revenue_minor) <> 0
  order by store_id, rule_id, currency, shard
  on conflict (store_id, rule_id, currency, shard) do update
    set conversions = s.conversions + excluded.conversions, revenue_minor = s.revenue_minor + excluded.revenue_minor`;

/** A statement-level trigger function: one upsert per statement (a bulk insert of a million rows is one grouped pass). */
const triggerFunction = (name: string, upsert: (deltas: string) => string, rows: (table: string, sign: 1 | -1) => string) => `
  create function ${name}() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then
      ${upsert(rows('new_rows', 1))};
    elsif tg_op = 'DELETE' then
      ${upsert(rows('old_rows', -1))};
    else
      ${upsert(`${rows('new_rows', 1)} union all ${rows('old_rows', -1)}`)};
    end if;
    return null;
  end $$;`;

/** Transition tables allow one event per trigger, hence three triggers on one function. */
const triggers = (table: string, fn: string) => [
  `create trigger "${table}_stat_insert" after insert on "${table}" referencing new table as new_rows for each statement execute function ${fn}();`,
  `create trigger "${table}_stat_update" after update on "${table}" referencing old table as old_rows new table as new_rows for each statement execute function ${fn}();`,
  `create trigger "${table}_stat_delete" after delete on "${table}" referencing old table as old_rows for each statement execute function ${fn}();`,
];

/**
 * The overview's roll-up (README, Benchmarks): counters per store, rule, week of sending and shard, kept by
 * statement-level triggers in the writing transaction, and filled here from the existing rows. Creating a trigger
 * locks its table against writes until this migration commits, so no write falls between the back-fill and the
 * triggers.
 */
export class Migration20261126050000_MessageStatRollup extends Migration {

  override name = 'Migration20261126050000_MessageStatRollup';

  override up(): void | Promise<void> {
    this.addSql(`create table "message_stat" ("store_id" uuid not null, "rule_id" uuid not null, "week_start" date not null, "shard" smallint not null, "pending" bigint not null, "sent" bigint not null, "skipped" bigint not null, "opens" bigint not null, "clicks" bigint not null, primary key ("store_id", "rule_id", "week_start", "shard"));`);
    this.addSql(`create table "conversion_stat" ("store_id" uuid not null, "rule_id" uuid not null, "currency" varchar(3) not null, "shard" smallint not null, "conversions" bigint not null, "revenue_minor" bigint not null, primary key ("store_id", "rule_id", "currency", "shard"));`);

    // The UTC ISO week (Monday) the weekly chart files a sent message under; -infinity when not sent.
    this.addSql(`create function message_stat_week(sent_at timestamptz) returns date language sql immutable parallel safe
      as $$ select coalesce(date_trunc('week', sent_at at time zone 'utc')::date, '-infinity'::date) $$;`);
    // 0–7 from the row's id (a bit mask: abs() of the smallest int overflows).
    this.addSql(`create function stat_shard(id uuid) returns smallint language sql immutable parallel safe
      as $$ select (hashtext(id::text) & 7)::smallint $$;`);

    this.addSql(triggerFunction('message_stat_on_message', addToMessageStat, messageRows));
    this.addSql(triggerFunction('message_stat_on_enrollment', addToMessageStat, enrollmentRows));
    this.addSql(triggerFunction('conversion_stat_on_conversion', addToConversionStat, conversionRows));
    for (const sql of [
      ...triggers('message', 'message_stat_on_message'),
      ...triggers('retention_enrollment', 'message_stat_on_enrollment'),
      ...triggers('conversion', 'conversion_stat_on_conversion'),
    ]) this.addSql(sql);

    this.addSql(`${addToMessageStat(`${messageRows('message', 1)} union all ${enrollmentRows('retention_enrollment', 1)}`)};`);
    this.addSql(`${addToConversionStat(conversionRows('conversion', 1))};`);
  }

  override down(): void | Promise<void> {
    for (const table of ['message', 'retention_enrollment', 'conversion']) {
      for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger "${table}_stat_${event}" on "${table}";`);
    }
    this.addSql(`drop function message_stat_on_message();`);
    this.addSql(`drop function message_stat_on_enrollment();`);
    this.addSql(`drop function conversion_stat_on_conversion();`);
    this.addSql(`drop function stat_shard(uuid);`);
    this.addSql(`drop function message_stat_week(timestamptz);`);
    this.addSql(`drop table "conversion_stat";`);
    this.addSql(`drop table "message_stat";`);
  }

}
