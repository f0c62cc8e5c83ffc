// `npm run bench` phase of issue 13's store dashboard (BENCH_PHASES=store-dashboard): one store (New York time) with
// BENCH_DASHBOARD_ORDERS orders (default 1,000,000) of about three SKU'd lines each, placed over two years by 200,000
// customers, made in SQL in batches (the roll-up triggers fill store_order_day and store_product_day as they go);
// then `GET …/dashboard` over HTTP beside the same figures by hand in SQL from the roll-ups (the ceiling) and, for
// context, from the raw orders; then what the roll-up triggers cost an order, on a statement of many and on one alone.
import { performance } from 'node:perf_hooks';

const ORDERS = Number(process.env.BENCH_DASHBOARD_ORDERS ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_DASHBOARD_SAMPLES ?? 40);
const CUSTOMERS = Math.max(1, Math.floor(ORDERS / 5));
const BATCH = 100_000;
const TZ = 'America/New_York';

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const summary = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms, p95 ${percentile(s, 95).toFixed(1)} ms`;
};

/** "Today" and the windows, as the dashboard reads them: calendar days in the store's time zone. */
const TODAY = `t as (select (now() at time zone $2)::date as d)`;
const NEW_CUSTOMERS = `
  newc as (select count(*) filter (where c.first_order_at >= (t.d - 29)::timestamp at time zone $2) as cur,
                  count(*) filter (where c.first_order_at < (t.d - 29)::timestamp at time zone $2) as prev
           from t join customer c on c.store_id = $1 and c.first_order_at >= (t.d - 59)::timestamp at time zone $2
                                 and c.first_order_at < (t.d + 1)::timestamp at time zone $2)`;

/** The dashboard's figures by hand from the roll-ups, in one statement (the ceiling). */
const FROM_ROLLUPS = `
  with ${TODAY},
  f as (select coalesce(sum(o.orders) filter (where o.day between date_trunc('month', t.d)::date and t.d), 0)::int as month_orders,
               coalesce(sum(o.revenue_minor) filter (where o.day between date_trunc('month', t.d)::date and t.d), 0)::bigint as month_revenue,
               coalesce(sum(o.orders) filter (where o.day between t.d - 29 and t.d), 0)::int as orders30,
               coalesce(sum(o.revenue_minor) filter (where o.day between t.d - 29 and t.d), 0)::bigint as revenue30,
               coalesce(sum(o.orders), 0)::int as orders, coalesce(sum(o.revenue_minor), 0)::bigint as revenue
        from t left join store_order_day o on o.store_id = $1 group by t.d),
  week as (select json_agg(coalesce(o.orders, 0) order by g.n desc) as days
           from t cross join generate_series(0, 6) g(n) left join store_order_day o on o.store_id = $1 and o.day = t.d - g.n),
  top as (select json_agg(x.sku order by x.q desc, x.r desc, x.sku) as skus from (
            select p.sku, sum(p.quantity) as q, sum(p.revenue_minor) as r from t join store_product_day p on p.store_id = $1 and p.day between t.d - 89 and t.d
            group by p.sku having sum(p.quantity) > 0 order by q desc, r desc, p.sku limit 10) x),
  ${NEW_CUSTOMERS}
  select f.*, week.days, top.skus, newc.cur, newc.prev, (select count(*) from store_product where store_id = $1)::int as products from f, week, top, newc`;

/** The same figures from the raw orders (what a dashboard without roll-ups would read), for context. */
const FROM_ORDERS = `
  with ${TODAY},
  o as (select (placed_at at time zone $2)::date as day, total_cents, lines from store_order where store_id = $1 and status not in ('cancelled', 'refunded')),
  f as (select count(*) filter (where o.day between date_trunc('month', t.d)::date and t.d)::int as month_orders,
               coalesce(sum(o.total_cents) filter (where o.day between date_trunc('month', t.d)::date and t.d), 0)::bigint as month_revenue,
               count(*) filter (where o.day between t.d - 29 and t.d)::int as orders30,
               coalesce(sum(o.total_cents) filter (where o.day between t.d - 29 and t.d), 0)::bigint as revenue30,
               count(*)::int as orders, coalesce(sum(o.total_cents), 0)::bigint as revenue
        from t, o),
  week as (select json_agg(coalesce(w.n, 0) order by g.k desc) as days from t cross join generate_series(0, 6) g(k)
           left join (select o.day, count(*)::int as n from o, t where o.day >= t.d - 6 group by o.day) w on w.day = t.d - g.k),
  top as (select json_agg(x.sku order by x.q desc, x.r desc, x.sku) as skus from (
            select l.sku, sum(l.quantity) as q, sum(l.quantity * l."priceCents") as r
            from t, o cross join lateral jsonb_to_recordset(o.lines) as l(sku text, quantity int, "priceCents" bigint)
            where o.day between t.d - 89 and t.d group by l.sku order by q desc, r desc, l.sku limit 10) x),
  ${NEW_CUSTOMERS}
  select f.*, week.days, top.skus, newc.cur, newc.prev from f, week, top, newc`;

/** The orders of customers [from, to): five each, one in twenty cancelled, placed over the last two years. */
const ORDERS_SQL = `
  insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
  select gen_random_uuid(), $1, c.id, 'dash-' || c.n || '-' || k, case when (c.n + k) % 20 = 0 then 'cancelled' else 'completed' end, 'USD',
         x.total, x.lines, now() - ((c.n * 7 + k * 131) % 730) * interval '1 day' - (c.n % 1440) * interval '1 minute', now(), now()
  from (select id, n from (select id, row_number() over (order by email) as n from customer where store_id = $1) r where n >= $2 and n < $3) c
  cross join generate_series(1, 5) k
  cross join lateral (
    select jsonb_agg(jsonb_build_object('sku', 'SKU-' || ((c.n * 11 + k * 7 + j * 13) % 500), 'name', 'Product ' || ((c.n * 11 + k * 7 + j * 13) % 500),
                                        'quantity', 1 + j % 2, 'priceCents', 500 + (c.n + j) % 3000)) as lines,
           sum((1 + j % 2) * (500 + (c.n + j) % 3000))::bigint as total
    from generate_series(0, 1 + (c.n + k) % 3) j
  ) x`;

async function seed(db, storeId) {
  const t0 = performance.now();
  await db.query(`update store set timezone = $2 where id = $1`, [storeId, TZ]);
  await db.query(
    `insert into customer (id, store_id, email, opted_in, created_at, updated_at)
     select gen_random_uuid(), $1, 'dash-' || lpad(g::text, 7, '0') || '@bench.example', true, now(), now() from generate_series(1, $2::int) g`,
    [storeId, CUSTOMERS],
  );
  const perBatch = Math.max(1, Math.floor(BATCH / 5));
  for (let from = 1; from <= CUSTOMERS; from += perBatch) await db.query(ORDERS_SQL, [storeId, from, Math.min(CUSTOMERS + 1, from + perBatch)]);
  await db.query(
    `insert into store_product (id, store_id, sku, name, orders, last_ordered_at)
     select gen_random_uuid(), $1, 'SKU-' || g, 'Product ' || g, 0, now() from generate_series(0, 499) g`,
    [storeId],
  );
  await db.query('analyze');
  const { rows } = await db.query(
    `select (select count(*) from store_order where store_id = $1)::int as orders,
            (select coalesce(sum(jsonb_array_length(lines)), 0) from store_order where store_id = $1)::int as lines,
            (select count(*) from store_order_day where store_id = $1)::int as days,
            (select count(*) from store_product_day where store_id = $1)::int as sku_days`,
    [storeId],
  );
  const r = rows[0];
  console.log(`seeded ${r.orders} orders (${r.lines} SKU'd lines), ${CUSTOMERS} customers in ${((performance.now() - t0) / 1000).toFixed(0)} s, ` +
    `roll-ups filled by the triggers: ${r.days} day rows, ${r.sku_days} SKU-day rows`);
}

/** Milliseconds an order costs inserting `n` orders, in one statement or one statement each, with or without the roll-up triggers. */
async function insertCost(db, storeId, customerId, n, oneStatement, rollups) {
  await db.query('begin');
  try {
    if (!rollups) await db.query(`alter table store_order disable trigger store_order_rollup_insert`);
    const values = (i) => [storeId, customerId, `cost-${i}-${Date.now()}`];
    const one = `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
                 values (gen_random_uuid(), $1, $2, $3, 'completed', 'USD', 4200,
                         '[{"sku":"SKU-1","name":"P","quantity":1,"priceCents":2100},{"sku":"SKU-2","name":"P","quantity":2,"priceCents":1050}]', now(), now(), now())`;
    const t = performance.now();
    if (oneStatement) {
      await db.query(
        `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
         select gen_random_uuid(), $1, $2, 'cost-many-' || g || '-' || $4, 'completed', 'USD', 4200,
                '[{"sku":"SKU-1","name":"P","quantity":1,"priceCents":2100},{"sku":"SKU-2","name":"P","quantity":2,"priceCents":1050}]',
                now() - (g % 30) * interval '1 day', now(), now()
         from generate_series(1, $3::int) g`,
        [storeId, customerId, n, Date.now()],
      );
    } else {
      for (let i = 0; i < n; i++) await db.query(one, values(i));
    }
    return (performance.now() - t) / n;
  } finally {
    await db.query('rollback');
  }
}

export async function storeDashboardPhase({ base, adminHeaders, createStore, dbUrl, pg }) {
  console.log(`\n--- store-dashboard: GET …/dashboard over a store of ${ORDERS} orders ---`);
  const store = await createStore(base, adminHeaders, 'Dashboard bench');
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  await seed(db, store.id);
  const get = async () => {
    const res = await fetch(`${base}/stores/${store.id}/dashboard`, { headers: adminHeaders });
    if (res.status !== 200) throw new Error(`dashboard answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const ours = [];
  const ceiling = [];
  let answer;
  let hand;
  // Warm both once, then alternate so neither gets a quieter machine.
  await get();
  await db.query(FROM_ROLLUPS, [store.id, TZ]);
  for (let i = 0; i < SAMPLES; i++) {
    let t = performance.now();
    answer = await get();
    ours.push(performance.now() - t);
    t = performance.now();
    hand = (await db.query(FROM_ROLLUPS, [store.id, TZ])).rows[0];
    ceiling.push(performance.now() - t);
  }
  const raw = [];
  let fromOrders;
  for (let i = 0; i < 3; i++) {
    const t = performance.now();
    fromOrders = (await db.query(FROM_ORDERS, [store.id, TZ])).rows[0];
    raw.push(performance.now() - t);
  }
  const minor = (major) => Math.round(major * 100);
  const figures = (x) => JSON.stringify([x.month_orders, Number(x.month_revenue), x.orders30, Number(x.revenue30), x.orders, Number(x.revenue), x.days, x.skus, Number(x.cur), Number(x.prev)]);
  const ourFigures = figures({
    month_orders: answer.orders.count, month_revenue: minor(answer.income.amount), orders30: answer.last30Days.orders, revenue30: minor(answer.last30Days.revenue),
    orders: answer.totals.orders, revenue: minor(answer.totals.revenue), days: answer.orderVolume.days.map((d) => d.orders), skus: answer.topSellers.items.map((s) => s.sku),
    cur: answer.last30Days.newCustomers, prev: answer.last30Days.newCustomersPrevious,
  });
  console.log(`GET …/dashboard (HTTP, ${SAMPLES} samples): ${summary(ours)} (target p95 < 200 ms); ${answer.totals.orders} orders counted, ${answer.orders.count} this month`);
  console.log(`ceiling, the same figures by hand in SQL from the roll-ups: ${summary(ceiling)}; ratio of p95s ${(percentile([...ours].sort((a, b) => a - b), 95) / percentile([...ceiling].sort((a, b) => a - b), 95)).toFixed(2)}`);
  console.log(`context, the same figures by hand from the raw orders (3 samples): ${summary(raw)}`);
  console.log(`same figures: api = roll-ups by hand ${ourFigures === figures(hand)}, roll-ups = raw orders ${figures(hand) === figures(fromOrders)}`);

  const [{ id: customerId }] = (await db.query(`select id from customer where store_id = $1 limit 1`, [store.id])).rows;
  const many = 10_000;
  const single = 300;
  const cost = [];
  for (const [label, n, oneStatement] of [[`one statement of ${many}`, many, true], [`${single} statements of one`, single, false]]) {
    const withRollups = await insertCost(db, store.id, customerId, n, oneStatement, true);
    const without = await insertCost(db, store.id, customerId, n, oneStatement, false);
    cost.push(`${label}: ${withRollups.toFixed(3)} ms an order with the roll-up triggers, ${without.toFixed(3)} ms without`);
  }
  console.log(`insert cost (other triggers on store_order left on; rolled back): ${cost.join('; ')}`);
  await db.end();
}
