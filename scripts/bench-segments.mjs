// `npm run bench` phase of issue 14's segments (BENCH_PHASES=segments): a store of BENCH_SEGMENT_CUSTOMERS customers
// (default 200,000) with three or four orders each and three or four lines an order (about 2,000,000 lines), made in
// SQL; then the builder's "Next" (`POST …/segments/preview`) on a definition of five criteria, against the same
// selection written by hand in SQL on the same database (the ceiling), each sampled BENCH_SEGMENT_SAMPLES times; then
// the export of one long-standing customer (issue 14, point 8) beside the same rows read as JSON by hand.
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

/**
 * The same selection as a person would write it against our tables, knowing the schema: the customer's summary columns
 * and an EXISTS per order and product criterion (text compared without case, as the builder does); count and the first
 * 25 by email in one statement.
 */
export const HAND_SQL = `
  with picked as (
    select c.id, c.email from customer c
    where c.store_id = $1 and c.total_spent_minor > 15000 and c.order_count > 2 and c.last_order_at > now() - interval '180 days'
      and exists (select 1 from store_order o where o.store_id = $1 and o.customer_id = c.id and lower(o.billing_address ->> 'city') = 'portland')
      and exists (select 1 from store_order o join order_line l on l.order_id = o.id
                  where o.store_id = $1 and o.customer_id = c.id and l.store_id = $1 and lower(l.sku) = 'sku-17'))
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

const HEAVY_ORDERS = Number(process.env.BENCH_EXPORT_ORDERS ?? 1_000);
const HEAVY_MESSAGES = Number(process.env.BENCH_EXPORT_MESSAGES ?? 500);

/** A long-standing customer: HEAVY_ORDERS orders of four lines, HEAVY_MESSAGES messages with an open and a click each. */
async function seedHeavyCustomer(db, storeId) {
  const { rows } = await db.query(
    `insert into customer (id, store_id, email, first_name, last_name, phone, company, registered, opted_in, created_at, updated_at)
     values (gen_random_uuid(), $1, 'heavy@bench.example', 'Hattie', 'Heavy', '+1 555 0199', 'Heavy Industries', true, true, now(), now()) returning id`,
    [storeId],
  );
  const customerId = rows[0].id;
  await db.query(
    `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at,
                              billing_address, shipping_address)
     select gen_random_uuid(), $1, $2, 'heavy-' || k, 'completed', 'USD', 2000 + k, '[]'::jsonb, now() - k * interval '1 day', now(), now(),
            jsonb_build_object('city', 'Portland', 'line1', k || ' Heavy Way', 'postalCode', '97201'), jsonb_build_object('city', 'Portland', 'line1', k || ' Heavy Way')
     from generate_series(1, $3::int) k`,
    [storeId, customerId, HEAVY_ORDERS],
  );
  await db.query(
    `insert into order_line (id, store_id, order_id, position, sku, name, quantity, price_minor, tags, category, manufacturer, product_url)
     select gen_random_uuid(), $1, o.id, k, 'SKU-' || k, 'Product ' || k, 1, 500, '["bench"]'::jsonb, 'Category', 'Maker', 'https://bench.example/p/' || k
     from store_order o cross join generate_series(0, 3) k where o.store_id = $1 and o.customer_id = $2`,
    [storeId, customerId],
  );
  await db.query(
    `insert into message (id, store_id, rule_id, customer_id, cycle, status, to_email, subject, due_at, sent_at, created_at)
     select gen_random_uuid(), $1, gen_random_uuid(), $2, k, 'sent', 'heavy@bench.example', 'We miss you, Hattie', now() - k * interval '1 day',
            now() - k * interval '1 day', now() - k * interval '1 day'
     from generate_series(1, $3::int) k`,
    [storeId, customerId, HEAVY_MESSAGES],
  );
  await db.query(
    `insert into message_event (id, store_id, message_id, source, event_key, type, url, occurred_at, payload, created_at)
     select gen_random_uuid(), $1, m.id, 'postmark', t || '-' || m.id, t, case when t = 'click' then 'https://bench.example/p/1' end, m.sent_at, '{}'::jsonb, now()
     from message m cross join unnest(array['open', 'click']) t where m.store_id = $1 and m.customer_id = $2`,
    [storeId, customerId],
  );
  await db.query('analyze');
  return customerId;
}

/** The ceiling of an export: the same rows read by hand in one statement, as JSON, without HTTP. */
const HAND_EXPORT_SQL = `
  select json_build_object(
    'profile', (select row_to_json(c) from customer c where c.store_id = $1 and c.id = $2),
    'orders', (select json_agg(x order by x.placed_at desc) from (
       select o.*, (select json_agg(l order by l.position) from order_line l where l.store_id = o.store_id and l.order_id = o.id) as lines
       from store_order o where o.store_id = $1 and o.customer_id = $2) x),
    'messages', (select json_agg(y order by y.created_at desc) from (
       select m.*, (select json_agg(e order by e.occurred_at) from message_event e where e.store_id = m.store_id and e.message_id = m.id) as events
       from message m where m.store_id = $1 and m.customer_id = $2) y))::text as doc`;

async function exportPhase({ base, adminHeaders, db, storeId }) {
  const customerId = await seedHeavyCustomer(db, storeId);
  const samples = Math.max(5, Math.floor(SAMPLES / 2));
  const ours = [];
  const ceiling = [];
  let size = 0;
  let exported;
  const once = async () => {
    const recorded = await fetch(`${base}/stores/${storeId}/customers/${customerId}/data-requests`, { method: 'POST', headers: adminHeaders });
    if (recorded.status !== 201) throw new Error(`data request answered ${recorded.status}: ${await recorded.text()}`);
    const { requestId } = await recorded.json();
    const res = await fetch(`${base}/stores/${storeId}/privacy-requests/${requestId}/export`, { headers: adminHeaders });
    if (res.status !== 200) throw new Error(`export answered ${res.status}`);
    const text = await res.text();
    size = text.length;
    return JSON.parse(text);
  };
  await once();
  await db.query(HAND_EXPORT_SQL, [storeId, customerId]);
  for (let i = 0; i < samples; i++) {
    let t = performance.now();
    exported = await once();
    ours.push(performance.now() - t);
    t = performance.now();
    await db.query(HAND_EXPORT_SQL, [storeId, customerId]);
    ceiling.push(performance.now() - t);
  }
  ours.sort((a, b) => a - b);
  ceiling.sort((a, b) => a - b);
  const complete = exported.orders.length === HEAVY_ORDERS && exported.orders.every((o) => o.lines.length === 4) && exported.messages.length === HEAVY_MESSAGES;
  console.log(
    `export of a customer with ${HEAVY_ORDERS} orders (${HEAVY_ORDERS * 4} lines) and ${HEAVY_MESSAGES} messages (${HEAVY_MESSAGES * 2} events), ${(size / 1e6).toFixed(1)} MB ` +
      `(data request recorded, then downloaded; HTTP, ${samples} samples): p50 ${percentile(ours, 50).toFixed(0)} ms, p95 ${percentile(ours, 95).toFixed(0)} ms (target < 1,000 ms); complete: ${complete}`,
  );
  console.log(`ceiling, the same rows as JSON by hand in SQL: p50 ${percentile(ceiling, 50).toFixed(0)} ms, p95 ${percentile(ceiling, 95).toFixed(0)} ms; ratio of p95s ${(percentile(ours, 95) / percentile(ceiling, 95)).toFixed(2)}`);
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
  await exportPhase({ base, adminHeaders, db, storeId: store.id });
  await db.end();
}
