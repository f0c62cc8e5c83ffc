import { Migration } from '@mikro-orm/migrations';

/** Orders that count in the dashboard: the customer summary's rule (every status but cancelled and refunded). */
const counted = (o: string) => `${o}.status not in ('cancelled', 'refunded')`;

/**
 * Adds the signed rows of `delta` (store_id, placed_at, total_cents, lines, sign) to both roll-ups, keyed by the
 * order's calendar day in the store's time zone. Keys are written in order, so two statements lock rows in one order.
 */
const applyDelta = (delta: string) => `
    with delta as (${delta}),
    dated as (
      select d.store_id, (d.placed_at at time zone s.zone)::date as day, d.total_cents, d.lines, d.sign
      from delta d
      join (select st.id, store_rollup_time_zone(st.timezone) as zone from store st where st.id in (select store_id from delta)) s on s.id = d.store_id
    ),
    days as (
      insert into store_order_day as t (store_id, day, orders, revenue_minor)
      select store_id, day, sum(sign), sum(sign * total_cents) from dated group by 1, 2 order by 1, 2
      on conflict (store_id, day) do update set orders = t.orders + excluded.orders, revenue_minor = t.revenue_minor + excluded.revenue_minor
      returning 1
    )
    insert into store_product_day as t (store_id, day, sku, quantity, revenue_minor)
    select d.store_id, d.day, l.sku, sum(d.sign * coalesce(l.quantity, 0)), sum(d.sign * coalesce(l.quantity, 0) * coalesce(l."priceCents", 0))
    from dated d cross join lateral jsonb_to_recordset(d.lines) as l(sku text, quantity int, "priceCents" bigint)
    -- A line as written by hand (or by an older intake) may lack a price or quantity: it counts as zero, never fails the write.
    where l.sku is not null
    group by 1, 2, 3 order by 1, 2, 3
    on conflict (store_id, day, sku) do update set quantity = t.quantity + excluded.quantity, revenue_minor = t.revenue_minor + excluded.revenue_minor`;

const rows = (table: string, sign: number) => `select o.store_id, o.placed_at, o.total_cents, o.lines, ${sign} as sign from ${table} o where ${counted('o')}`;

/** An update moves an order only when what the roll-ups read changed; other updates (tracking, addresses) cost one join. */
const CHANGED = `(o.store_id, o.placed_at, o.total_cents, o.lines, ${counted('o')}) is distinct from (n.store_id, n.placed_at, n.total_cents, n.lines, ${counted('n')})`;
const updateDelta = `
      select o.store_id, o.placed_at, o.total_cents, o.lines, -1 as sign from old_rows o join new_rows n on n.id = o.id where ${counted('o')} and ${CHANGED}
      union all
      select n.store_id, n.placed_at, n.total_cents, n.lines, 1 from old_rows o join new_rows n on n.id = o.id where ${counted('n')} and ${CHANGED}`;

/**
 * The store's zone as PostgreSQL knows it, else UTC: a zone it does not know (stored before validation, or newer than
 * its tz database) must never fail an order's write. Called once per store of a statement (an exception block is a
 * subtransaction: not once per row).
 */
const TIME_ZONE_FUNCTION = `
  create function store_rollup_time_zone(tz text) returns text language plpgsql stable as $$
  begin
    perform now() at time zone tz;
    return tz;
  exception when others then
    return 'UTC';
  end $$;`;

const TRIGGER_FUNCTION = `
  create function store_order_rollup_on_order() returns trigger language plpgsql as $$
  begin
    if tg_op = 'INSERT' then ${applyDelta(rows('new_rows', 1))};
    elsif tg_op = 'DELETE' then ${applyDelta(rows('old_rows', -1))};
    else ${applyDelta(updateDelta)};
    end if;
    return null;
  end $$;`;

/** Recomputes one store's roll-ups from its orders: the back-fill, and a change of the store's time zone. */
const REBUILD_FUNCTION = `
  create function store_order_rollup_rebuild(sid uuid) returns void language plpgsql as $$
  begin
    delete from store_order_day where store_id = sid;
    delete from store_product_day where store_id = sid;
    ${applyDelta(`${rows('store_order', 1)} and o.store_id = sid`)};
  end $$;`;

const TIMEZONE_FUNCTION = `
  create function store_order_rollup_on_timezone() returns trigger language plpgsql as $$
  begin
    perform store_order_rollup_rebuild(new.id);
    return null;
  end $$;`;

/**
 * The store dashboard (issue 13, point 1): orders and revenue per day, and quantity and revenue per SKU per day, kept
 * by statement-level triggers on `store_order` in the writing transaction (like the customer summary), so the
 * dashboard reads a few hundred day rows instead of a million orders. Days are the store's calendar days (its
 * `timezone` when the order is written): a month or a day in a zone like +05:30 is not a set of whole UTC days, so UTC
 * roll-ups could not be regrouped exactly; a change of time zone rebuilds the store's rows. Rows whose figures
 * drop to zero stay (reads add them up). Creating the triggers locks `store_order` until this migration commits.
 */
export class Migration20261126170000_StoreDashboard extends Migration {

  override name = 'Migration20261126170000_StoreDashboard';

  override up(): void | Promise<void> {
    this.addSql(`create table "store_order_day" ("store_id" uuid not null, "day" date not null, "orders" int not null, "revenue_minor" bigint not null, primary key ("store_id", "day"));`);
    this.addSql(`create table "store_product_day" ("store_id" uuid not null, "day" date not null, "sku" varchar(255) not null, "quantity" int not null, "revenue_minor" bigint not null, primary key ("store_id", "day", "sku"));`);
    this.addSql(`create index "customer_store_first_order_index" on "customer" ("store_id", "first_order_at");`);

    this.addSql(TIME_ZONE_FUNCTION);
    this.addSql(TRIGGER_FUNCTION);
    this.addSql(REBUILD_FUNCTION);
    this.addSql(TIMEZONE_FUNCTION);
    this.addSql(`create trigger "store_order_rollup_insert" after insert on "store_order" referencing new table as new_rows for each statement execute function store_order_rollup_on_order();`);
    this.addSql(`create trigger "store_order_rollup_update" after update on "store_order" referencing old table as old_rows new table as new_rows for each statement execute function store_order_rollup_on_order();`);
    this.addSql(`create trigger "store_order_rollup_delete" after delete on "store_order" referencing old table as old_rows for each statement execute function store_order_rollup_on_order();`);
    this.addSql(`create trigger "store_timezone_rollup" after update of "timezone" on "store" for each row when (old.timezone is distinct from new.timezone) execute function store_order_rollup_on_timezone();`);
    this.addSql(`select store_order_rollup_rebuild(id) from store;`);
  }

  override down(): void | Promise<void> {
    this.addSql(`drop trigger "store_timezone_rollup" on "store";`);
    for (const event of ['insert', 'update', 'delete']) this.addSql(`drop trigger "store_order_rollup_${event}" on "store_order";`);
    this.addSql(`drop function store_order_rollup_on_timezone();`);
    this.addSql(`drop function store_order_rollup_rebuild(uuid);`);
    this.addSql(`drop function store_order_rollup_on_order();`);
    this.addSql(`drop function store_rollup_time_zone(text);`);
    this.addSql(`drop index "customer_store_first_order_index";`);
    this.addSql(`drop table "store_product_day";`);
    this.addSql(`drop table "store_order_day";`);
  }

}
