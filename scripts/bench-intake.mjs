// `npm run bench` phases of issue 12's intake:
// - intake: webhook acceptance of Shopify-sized payloads on the custom receiver (verify, validate, one INSERT into the
//   inbox) beside the raw ceiling (scripts/bench-raw-inbox.mjs: same HMAC, one INSERT, same PostgreSQL), then the
//   time the worker's projector takes to turn them into orders and retention signals;
// - lag (not in the default phases: BENCH_PHASES=lag): acceptance → retention signal delivered to Temporal at a
//   sustained rate (BENCH_LAG_RATE, default 200/s) for BENCH_LAG_SECONDS (default 300), with the inbox backlog sampled.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const LAG_RATE = Number(process.env.BENCH_LAG_RATE ?? 200);
const LAG_SECONDS = Number(process.env.BENCH_LAG_SECONDS ?? 300);

const sign = (secret, body) => `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;

/**
 * A generic order carrying what a Shopify orders/create webhook carries (addresses, line item properties, tax and
 * shipping lines, client details…): about the size of the examples in Shopify's documentation. The receiver
 * validates the generic fields and stores every byte.
 */
export function shopifySizedOrder(id, email) {
  const address = { first_name: 'Jane', last_name: 'Doe', address1: '1 Roast Street', address2: 'Suite 200', city: 'Portland', province: 'Oregon', province_code: 'OR', zip: '97201', country: 'United States', country_code: 'US', phone: '+1 503 555 0100', company: 'Bean There LLC', latitude: 45.5152, longitude: -122.6784 };
  const lineItems = [1, 2, 3].map((n) => ({
    sku: `COFFEE-${n}KG`,
    name: `House blend ${n}kg - Whole bean`,
    quantity: n,
    price: `${(18.5 * n).toFixed(2)}`,
    // Shopify's own line fields, carried along.
    id: `1${String(n).padStart(18, '0')}`,
    variant_id: `4${String(n).padStart(18, '0')}`,
    product_id: `7${String(n).padStart(18, '0')}`,
    vendor: 'Bean There Roasters',
    fulfillment_service: 'manual',
    requires_shipping: true,
    taxable: true,
    gift_card: false,
    grams: 1000 * n,
    properties: [{ name: 'Grind', value: 'Whole bean' }, { name: 'Roast date', value: '2026-11-20' }],
    tax_lines: [{ title: 'State tax', price: '1.50', rate: 0.06, price_set: { shop_money: { amount: '1.50', currency_code: 'USD' }, presentment_money: { amount: '1.50', currency_code: 'USD' } } }],
    discount_allocations: [{ amount: '0.00', discount_application_index: 0, amount_set: { shop_money: { amount: '0.00', currency_code: 'USD' } } }],
    price_set: { shop_money: { amount: `${(18.5 * n).toFixed(2)}`, currency_code: 'USD' }, presentment_money: { amount: `${(18.5 * n).toFixed(2)}`, currency_code: 'USD' } },
  }));
  return {
    id,
    status: 'completed',
    currency: 'USD',
    customer: { email, firstName: 'Jane', lastName: 'Doe', registered: true, optedIn: true, id: '115310627314723954', tags: 'VIP, coffee', note: 'Prefers whole bean', phone: '+1 503 555 0100', default_address: address },
    lineItems,
    totals: { subtotal: '111.00', tax: '4.50', shipping: '5.00', discount: '0', total: '120.50' },
    createdAt: new Date().toISOString(),
    name: `#${id.slice(-6)}`,
    order_number: 1001,
    admin_graphql_api_id: `gid://shopify/Order/${id}`,
    billing_address: address,
    shipping_address: address,
    shipping_lines: [{ code: 'Standard', title: 'Standard Shipping', price: '5.00', source: 'shopify', carrier_identifier: null, tax_lines: [] }],
    tax_lines: [{ title: 'State tax', price: '4.50', rate: 0.06 }],
    note_attributes: [{ name: 'gift', value: 'no' }, { name: 'channel', value: 'online store' }],
    discount_codes: [],
    client_details: { accept_language: 'en-US,en;q=0.9', browser_ip: '203.0.113.7', user_agent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36' },
    landing_site: '/products/house-blend?utm_source=newsletter&utm_medium=email',
    referring_site: 'https://www.example.com/coffee-guides',
    fulfillments: [],
    refunds: [],
  };
}

function startRawCeiling(root, env) {
  return spawn('node', ['scripts/bench-raw-inbox.mjs'], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
}

/**
 * Shopify's documented orders/create example (the receiver's test fixture), one per request: its order id replaced by
 * a unique id beyond 2^53 (kept exact by the receiver), the buyer spread over 500 addresses, the date made current,
 * paid and fulfilled.
 */
export function shopifyOrderBodies(root, count, runId) {
  const fixture = readFileSync(join(root, 'libs/stores/src/platforms/shopify/__fixtures__/orders-create.json'), 'utf8');
  if (!fixture.includes('"id": 450789469,')) throw new Error('the Shopify orders/create fixture changed: update the bench');
  const runNumber = parseInt(runId, 16) % 1000;
  return Array.from({ length: count }, (_, i) =>
    fixture
      .replace('"id": 450789469,', `"id": 9${String(runNumber).padStart(3, '0')}${String(i).padStart(15, '0')},`)
      .replaceAll('bob.norman@hostmail.com', `intake-${i % 500}@bench.example`)
      .replace('"created_at": "2008-01-10T11:00:00-05:00"', `"created_at": "${new Date().toISOString()}"`)
      // Paid and fulfilled (shipped), so that each order is a purchase and arms the store's rule.
      .replace('"financial_status": "authorized"', '"financial_status": "paid"')
      .replace('"fulfillment_status": null,', '"fulfillment_status": "fulfilled",'),
  );
}

/** Signed the way Shopify signs (base64 HMAC-SHA256 of the bytes with the app's API secret key), one delivery id each. */
function shopifyRequests(bodies, secret, prefix) {
  return bodies.map((body, i) => ({
    body,
    headers: {
      'content-type': 'application/json',
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': 'fake-shop.myshopify.com',
      'x-shopify-api-version': '2025-07',
      'x-shopify-webhook-id': `${prefix}-${i}`,
      'x-shopify-event-id': `${prefix}-event-${i}`,
      'x-shopify-triggered-at': new Date().toISOString(),
    },
  }));
}

/**
 * Open connections sending `requests` once each (autocannon: keep-alive connections, HDR histogram latencies);
 * every answer must be 2xx or the figures are not valid.
 */
async function cannon(label, url, requests, connections) {
  let next = 0;
  // Timed here: autocannon's own `duration` is whole seconds, too coarse for a 3–6 s run.
  const t0 = performance.now();
  const result = await autocannon({
    url,
    method: 'POST',
    connections,
    amount: requests.length,
    timeout: 30,
    requests: [{ setupRequest: (req) => ({ ...req, ...requests[next++ % requests.length] }) }],
  });
  const seconds = (performance.now() - t0) / 1000;
  const ok = result['2xx'];
  if (ok !== requests.length || result.errors || result.timeouts) {
    throw new Error(`${label}: ${ok} of ${requests.length} answered 2xx (non-2xx ${result.non2xx}, errors ${result.errors}, timeouts ${result.timeouts}): its figures are not valid`);
  }
  const out = { label, n: ok, rate: ok / seconds, p50: result.latency.p50, p99: result.latency.p99 };
  console.log(`${label.padEnd(44)} ${String(out.n).padStart(6)} ops  ${out.rate.toFixed(0).padStart(6)} ops/s  p50 ${out.p50.toFixed(1).padStart(6)} ms  p99 ${out.p99.toFixed(1).padStart(6)} ms`);
  return out;
}

/**
 * Acceptance of Shopify's orders/create on our Shopify receiver beside the raw ceiling, both with the worker paused
 * (SIGSTOP) so neither shares the cores with the projection; then the projection of what was accepted, alone.
 */
export async function intakePhase({ root, base, adminHeaders, store, shopify, worker, dbUrl, pg, waitUntil, requests, concurrency, freePort, waitFor, runId }) {
  const connect = await fetch(`${base}/stores/${store.id}/connection`, {
    method: 'PUT',
    headers: adminHeaders,
    body: JSON.stringify({ platform: 'shopify', shopDomain: shopify.shopDomain, accessToken: shopify.accessToken, apiSecretKey: shopify.apiSecretKey }),
  });
  if (connect.status !== 200) throw new Error(`connecting the intake store answered ${connect.status}: ${await connect.text()}`);
  const warmups = 200;
  const bodies = shopifyOrderBodies(root, requests + warmups, runId);
  console.log(`\n--- intake: acceptance of Shopify orders/create (${(bodies[0].length / 1024).toFixed(1)} KiB, Shopify's documented example) vs the raw ceiling; ${requests} requests, ${concurrency} connections, worker paused ---`);
  const ourUrl = `${base.replace('/api/v1', '')}/api/v1/webhooks/shopify/${store.id}`;
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const rawPort = await freePort();
  const raw = startRawCeiling(root, { DATABASE_URL: dbUrl, PORT: String(rawPort), SECRET: shopify.apiSecretKey });
  await waitFor(rawPort);
  const ourRequests = shopifyRequests(bodies, shopify.apiSecretKey, `bench-${runId}`);
  const rawRequests = shopifyRequests(bodies, shopify.apiSecretKey, `raw-${runId}`);
  process.kill(worker.pid, 'SIGSTOP');
  let paused = true;
  try {
    // Warm-up of both (connections, JIT, the store's secret cache), so neither pays for it in the figures.
    await cannon('warm-up: Shopify receiver', ourUrl, ourRequests.slice(0, warmups), concurrency);
    await cannon('warm-up: raw ceiling', `http://127.0.0.1:${rawPort}/`, rawRequests.slice(0, warmups), concurrency);
    const ours = await cannon('intake: Shopify receiver (our api)', ourUrl, ourRequests.slice(warmups), concurrency);
    const ceiling = await cannon('intake: raw ceiling (HMAC + INSERT)', `http://127.0.0.1:${rawPort}/`, rawRequests.slice(warmups), concurrency);
    console.log(
      `intake / raw ceiling: throughput ${(ours.rate / ceiling.rate).toFixed(2)} (target ≥ 0.50, and ≥ 1,000/s: ${ours.rate.toFixed(0)}/s), p99 ${ours.p99.toFixed(1)} ms vs ${ceiling.p99.toFixed(1)} ms (target < 50 ms)`,
    );
    const projected0 = performance.now();
    process.kill(worker.pid, 'SIGCONT');
    paused = false;
    const projected = await waitUntil(async () => {
      const { rows } = await db.query(`select count(*) filter (where state = 'pending')::int as pending from inbox_event where store_id = $1`, [store.id]);
      return rows[0].pending === 0 ? rows[0] : null;
    }, 600_000, 250);
    const drained = (performance.now() - projected0) / 1000;
    const { rows } = await db.query(
      `select count(*) filter (where e.state = 'projected')::int as projected, count(*) filter (where e.state = 'parked')::int as parked,
              (select count(*)::int from retention_dispatch d where d.store_id = $1) as signals,
              (select count(*)::int from store_order o where o.store_id = $1) as orders
       from inbox_event e where e.store_id = $1`,
      [store.id],
    );
    const total = requests + warmups;
    console.log(
      `projection alone: ${rows[0].projected} events projected (${rows[0].orders} orders), ${rows[0].parked} parked, ${rows[0].signals} retention signals recorded in ${drained.toFixed(1)} s ` +
        `= ${(total / drained).toFixed(0)} events/s${projected ? '' : ' — WARNING: not drained within 10 minutes'}`,
    );
    if (rows[0].signals === 0) throw new Error('the intake phase armed no retention rule: its projection figures are not valid');
    if (rows[0].projected !== total) throw new Error(`the intake phase projected ${rows[0].projected} of ${total} events: its figures are not valid`);
  } finally {
    if (paused) process.kill(worker.pid, 'SIGCONT');
    raw.kill('SIGTERM');
    await db.end();
  }
}

/** Acceptance → retention signal delivered, at a sustained rate, with the inbox backlog sampled every 5 s. */
export async function lagPhase({ base, store, dbUrl, pg, waitUntil, runId, client, cpu }) {
  const total = LAG_RATE * LAG_SECONDS;
  console.log(`\n--- lag: acceptance → retention signal at ${LAG_RATE} orders/s for ${LAG_SECONDS} s (${total} orders) ---`);
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const backlog = [];
  const owed = [];
  const sampler = setInterval(async () => {
    const { rows } = await db
      .query(
        `select (select count(*)::int from inbox_event where store_id = $1 and state = 'pending') as n,
                (select count(*)::int from retention_dispatch where store_id = $1 and dispatched_at is null and dead_at is null) as owed`,
        [store.id],
      )
      .catch(() => ({ rows: [{ n: NaN, owed: NaN }] }));
    backlog.push(rows[0].n);
    owed.push(rows[0].owed);
  }, 5_000);
  // The load generator shares the machine's two cores with what it measures: its bodies and signatures are made
  // before the clock starts, and it posts through a keep-alive agent rather than fetch (a third of the CPU per request).
  const url = new URL(`${base}/stores/${store.id}/webhooks/orders`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const requests = Array.from({ length: total }, (_, i) => {
    const body = Buffer.from(JSON.stringify(shopifySizedOrder(`bench-lag-${runId}-${i}`, `lag-${i}@bench.example`)));
    return { body, signature: sign(store.webhookSecret, body) };
  });
  const post = ({ body, signature }) =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { agent, host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length, 'x-boomerang-signature': signature } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  const cpuBefore = cpu.snapshot();
  const t0 = performance.now();
  let failures = 0;
  const why = new Map();
  const fail = (reason) => {
    failures++;
    why.set(reason, (why.get(reason) ?? 0) + 1);
  };
  const inFlight = new Set();
  for (let i = 0; i < total; i++) {
    // Open loop: each order leaves at its own time, whatever the answers before it did.
    const due = t0 + (i * 1000) / LAG_RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = post(requests[i])
      .then((status) => status !== 202 && fail(`HTTP ${status}`))
      .catch((err) => fail(err.code ?? err.message))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all([...inFlight]);
  const sent = (performance.now() - t0) / 1000;
  agent.destroy();
  requests.length = 0;
  // Done when nothing is left to project or to deliver (two counts over partial indexes: the join below, a full scan of
  // both tables, would load the database every second while it drains).
  await waitUntil(async () => {
    const { rows } = await db.query(
      `select (select count(*)::int from inbox_event where store_id = $1 and state = 'pending') as pending,
              (select count(*)::int from retention_dispatch where store_id = $1 and dispatched_at is null and dead_at is null) as owed`,
      [store.id],
    );
    return rows[0].pending === 0 && rows[0].owed === 0;
  }, 600_000, 1000);
  clearInterval(sampler);
  const cpuAfter = cpu.snapshot();
  const { rows } = await db.query(
    `select count(*)::int as n,
            percentile_cont(0.5) within group (order by extract(epoch from d.dispatched_at - e.received_at)) as p50,
            percentile_cont(0.99) within group (order by extract(epoch from d.dispatched_at - e.received_at)) as p99,
            max(extract(epoch from d.dispatched_at - e.received_at)) as max
     from inbox_event e join retention_dispatch d on d.order_id = (e.result ->> 'orderId')::uuid
     where e.store_id = $1 and d.dispatched_at is not null`,
    [store.id],
  );
  const r = rows[0];
  console.log(`sent ${total} in ${sent.toFixed(0)} s (${(total / sent).toFixed(0)}/s offered), ${failures} not accepted${failures ? ` (${[...why].map(([k, n]) => `${k}: ${n}`).join(', ')})` : ''}`);
  console.log(
    `lag acceptance → retention signal delivered: ${r.n} signals, p50 ${Number(r.p50).toFixed(2)} s, p99 ${Number(r.p99).toFixed(2)} s, max ${Number(r.max).toFixed(2)} s (target p99 < 2 s)`,
  );
  console.log(`inbox backlog every 5 s: ${backlog.join(' ')} (growth: first ${backlog[0] ?? 0} → last ${backlog.at(-1) ?? 0}, max ${Math.max(0, ...backlog.filter(Number.isFinite))})`);
  console.log(`signals owed every 5 s: ${owed.join(' ')} (growth: first ${owed[0] ?? 0} → last ${owed.at(-1) ?? 0}, max ${Math.max(0, ...owed.filter(Number.isFinite))})`);
  // Segments stay current (issue 14): every new customer enters the store's default "New Customers" segment.
  const newCustomers = `from inbox_event e join store_order o on o.id = (e.result ->> 'orderId')::uuid
       join segment s on s.store_id = e.store_id and s.default_key = 'new_customers'
       join segment_membership m on m.segment_id = s.id and m.customer_id = o.customer_id
       where e.store_id = $1`;
  await waitUntil(async () => (await db.query(`select count(*)::int as n ${newCustomers}`, [store.id])).rows[0].n >= total - failures, 120_000, 1000).catch(() => {});
  const { rows: seg } = await db.query(
    `select count(*)::int as n,
            percentile_cont(0.5) within group (order by extract(epoch from m.entered_at - e.received_at)) as p50,
            percentile_cont(0.99) within group (order by extract(epoch from m.entered_at - e.received_at)) as p99,
            max(extract(epoch from m.entered_at - e.received_at)) as max ${newCustomers}`,
    [store.id],
  );
  console.log(
    `segment membership, acceptance → entered "New Customers": ${seg[0].n} of ${total - failures}, p50 ${Number(seg[0].p50).toFixed(2)} s, p99 ${Number(seg[0].p99).toFixed(2)} s, max ${Number(seg[0].max).toFixed(2)} s (target p99 < 1 s)`,
  );
  // What each order cost each process, from acceptance to its signal: times the rate, the cores the pipeline needs.
  const perOrder = cpu.perItem(cpuBefore, cpuAfter, total);
  console.log(`lag CPU ms per order: ${perOrder}; at ${LAG_RATE}/s the machine's ${(((cpuAfter.machine - cpuBefore.machine) / total) * LAG_RATE).toFixed(2)} cores of 2 (idle ${(cpuAfter.idle - cpuBefore.idle).toFixed(0)} s)`);
  // After ours, so it runs on the server as ours left it (a dev server slows as it fills), not on an empty one.
  const ceilingBefore = cpu.snapshot();
  const ceiling = await lagCeiling(client, runId, total);
  const ceilingAfter = cpu.snapshot();
  console.log(`ceiling CPU ms per order: ${cpu.perItem(ceilingBefore, ceilingAfter, total)}`);
  console.log(`lag p99 / ceiling p99: ${(Number(r.p99) / ceiling.p99).toFixed(1)} (ours ${Number(r.p99).toFixed(2)} s, ceiling ${ceiling.p99.toFixed(2)} s)`);
  await db.end();
}

/**
 * The lag's ceiling, measured after ours on the same server: what each of those orders costs Temporal alone. At the same
 * rate, open loop, a bare client signals-with-start one new customer's workflow per order, held until it falls due
 * (30 days, as the bench's rule) with our four search attributes, and nothing else runs: no api, no PostgreSQL work.
 * Its latency is the least lag any design that gives each customer a workflow can have here.
 */
async function lagCeiling(client, runId, total) {
  const attributes = (i) => ({ BoomerangStoreId: [`lag-ceiling-${runId}`], BoomerangRuleId: [`lag-ceiling-${runId}`], BoomerangCustomer: [`ceiling-${i}@bench.example`], BoomerangRetentionState: ['armed'] });
  const latencies = [];
  let failures = 0;
  const inFlight = new Set();
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / LAG_RATE;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const p = client.workflow
      .signalWithStart('retentionWorkflow', {
        workflowId: `bench-lag-ceiling/${runId}/${i}`,
        taskQueue: 'bench-raw-unpolled',
        args: [{}],
        searchAttributes: attributes(i),
        startDelay: '30 days',
        signal: 'purchase',
        signalArgs: [{ orderId: String(i), purchasedAt: new Date().toISOString() }],
      })
      .then(() => latencies.push((performance.now() - due) / 1000))
      .catch(() => failures++)
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  }
  await Promise.all([...inFlight]);
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const at = (q) => latencies[Math.min(latencies.length - 1, Math.floor((q / 100) * latencies.length))] ?? NaN;
  const result = { p50: at(50), p99: at(99), max: latencies.at(-1) ?? NaN };
  console.log(
    `ceiling, raw held signalWithStart alone at ${LAG_RATE}/s: ${latencies.length} in ${seconds.toFixed(0)} s (${(total / seconds).toFixed(0)}/s), ${failures} failed; ` +
      `from its due time p50 ${result.p50.toFixed(2)} s, p99 ${result.p99.toFixed(2)} s, max ${result.max.toFixed(2)} s`,
  );
  return result;
}
