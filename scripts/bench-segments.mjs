// `npm run bench` phase of issue 14's segments (BENCH_PHASES=segments): a store of BENCH_SEGMENT_CUSTOMERS customers
// (default 200,000) with three or four orders each and three or four lines an order (about 2,000,000 lines), made in
// SQL; then the builder's "Next" (`POST …/segments/preview`) on a definition of five criteria, against the same
// selection written by hand in SQL on the same database (the ceiling), each sampled BENCH_SEGMENT_SAMPLES times.
import { performance } from 'node:perf_hooks';

const CUSTOMERS = Number(process.env.BENCH_SEGMENT_CUSTOMERS ?? 200_000);
const SAMPLES = Number(process.env.BENCH_SEGMENT_SAMPLES ?? 40);
const CITIES = ['Portland', 'Seattle', 'Austin', 'Denver', 'Boston', 'Chicago', 'Miami', 'Phoenix'];

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** The five criteria: money and counts over the customer's orders, a date, an address and a product. */
export const FIVE_CRITERIA = {
  match: 'all',
  conditions: [
    { criterion: 'total_spent', qualifier: 'gt', value: 150 },
    { criterion: 'orders_count', qualifier: 'gt', value: 2 },
    { criterion: 'last_order_date', qualifier: 'within_last', value: { amount: 180, unit: 'days' } },
    { criterion: 'bill_to_city', qualifier: 'eq', value: 'Portland' },
    { criterion: 'product_sku', qualifier: 'eq', value: 'SKU-17' },
  ],
};

/** The same selection as a person would write it against our tables: count and the first 25 by email. */
const HAND_SQL = `
  with picked as (
    select c.id, c.email from customer c
    where c.store_id = $1 and c.total_spent_minor > 15000 and c.order_count > 2 and c.last_order_at > now() - interval '180 days'
      and exists (select 1 from store_order o where o.store_id = $1 and o.customer_id = c.id and o.billing_address ->> 'city' = 'Portland')
      and exists (select 1 from store_order o join order_line l on l.order_id = o.id
                  where o.store_id = $1 and o.customer_id = c.id and l.sku = 'SKU-17'))
  select (select count(*) from picked)::int as n, (select json_agg(e) from (select email as e from picked order by email limit 25) f) as first`;

export async function seed(db, storeId) {
  const t0 = performance.now();
  await db.query(
    `insert into customer (id, store_id, email, first_name, last_name, registered, opted_in, created_at, updated_at)
     select gen_random_uuid(), $1, 'seg-' || g || '@bench.example', 'First' || (g % 997), 'Last' || (g % 991), g % 3 = 0, true, now(), now()
     from generate_series(1, $2::int) g`,
    [storeId, CUSTOMERS],
  );
  // Three orders a customer, a fourth for every third; one in twenty cancelled; placed over the last 400 days.
  await db.query(
    `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at,
                              received_at, billing_address)
     select gen_random_uuid(), $1, c.id, 'seg-o-' || c.n || '-' || k, case when (c.n + k) % 20 = 0 then 'cancelled' else 'completed' end, 'USD',
            1000 + ((c.n * 7 + k * 13) % 9000), '[]'::jsonb, now() - ((c.n * 3 + k * 37) % 400) * interval '1 day', now(), now(),
            jsonb_build_object('city', (cast($2 as text[]))[1 + ((c.n + k) % 8)::int], 'country', 'US', 'line1', c.n || ' Main St')
     from (select id, row_number() over (order by email) as n from customer where store_id = $1) c
     cross join lateral generate_series(1, 3 + (c.n % 3 = 0)::int) k`,
    [storeId, `{${CITIES.join(',')}}`],
  );
  await db.query(
    `insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, tags, category, manufacturer)
     select gen_random_uuid(), $1, o.id, k, 'SKU-' || ((o.n * 11 + k * 7) % 500), 'Product ' || ((o.n * 11 + k * 7) % 500), 1 + k % 3,
            500 + (o.n + k) % 5000, '[]'::jsonb, 'Category ' || (o.n % 20), 'Maker ' || (o.n % 50)
     from (select id, row_number() over (order by id) as n from store_order where store_id = $1) o
     cross join lateral generate_series(0, 2 + (o.n % 3 = 0)::int) k`,
    [storeId],
  );
  await db.query('analyze');
  const { rows } = await db.query(
    `select (select count(*) from customer where store_id = $1)::int as customers, (select count(*) from store_order where store_id = $1)::int as orders,
            (select count(*) from order_line where store_id = $1)::int as lines`,
    [storeId],
  );
  console.log(`seeded ${rows[0].customers} customers, ${rows[0].orders} orders, ${rows[0].lines} lines in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
}

export async function segmentsPhase({ base, adminHeaders, createStore, dbUrl, pg }) {
  console.log(`\n--- segments: preview of five criteria over ${CUSTOMERS} customers ---`);
  const store = await createStore(base, adminHeaders, 'Segments bench');
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  await seed(db, store.id);
  const preview = async () => {
    const res = await fetch(`${base}/stores/${store.id}/segments/preview`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ definition: FIVE_CRITERIA, limit: 25 }) });
    if (res.status !== 200) throw new Error(`preview answered ${res.status}: ${await res.text()}`);
    return res.json();
  };
  const ours = [];
  const ceiling = [];
  let answer;
  let hand;
  // Warm both once, then alternate so neither gets a quieter machine.
  await preview();
  await db.query(HAND_SQL, [store.id]);
  for (let i = 0; i < SAMPLES; i++) {
    let t = performance.now();
    answer = await preview();
    ours.push(performance.now() - t);
    t = performance.now();
    hand = (await db.query(HAND_SQL, [store.id])).rows[0];
    ceiling.push(performance.now() - t);
  }
  ours.sort((a, b) => a - b);
  ceiling.sort((a, b) => a - b);
  const same = answer.count === hand.n && JSON.stringify(answer.members.map((m) => m.email).sort()) === JSON.stringify([...(hand.first ?? [])].sort());
  console.log(`preview (HTTP, ${SAMPLES} samples): p50 ${percentile(ours, 50).toFixed(0)} ms, p95 ${percentile(ours, 95).toFixed(0)} ms (target p95 < 500 ms); ${answer.count} members`);
  console.log(`ceiling, the selection by hand in SQL: p50 ${percentile(ceiling, 50).toFixed(0)} ms, p95 ${percentile(ceiling, 95).toFixed(0)} ms; ${hand.n} members`);
  console.log(`preview p95 / ceiling p95: ${(percentile(ours, 95) / percentile(ceiling, 95)).toFixed(2)}; same members counted and the same first page: ${same}`);
  await db.end();
}
