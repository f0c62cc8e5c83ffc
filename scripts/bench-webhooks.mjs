// `npm run bench` phase of issue 13's outgoing webhooks (BENCH_PHASES=webhooks): events raised at BENCH_WEBHOOK_RATE
// a second (default 500) for BENCH_WEBHOOK_SECONDS (default 30) into one endpoint, delivered by the worker's endpoint
// workflow to a receiver on loopback in this process; lag from each event's creation (its `timestamp`) to its
// arrival. The ceiling, measured first on the same receiver: the same bodies posted one at a time over a keep-alive
// connection with nothing else (our deliveries are one at a time too: in order per endpoint).
import http from 'node:http';
import { performance } from 'node:perf_hooks';

const RATE = Number(process.env.BENCH_WEBHOOK_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_WEBHOOK_SECONDS ?? 30);

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

/** An order as our order events carry it (about 1.5 KB). */
function orderData(i) {
  return {
    order: {
      id: `0000000${i}`.slice(-8) + '-0000-4000-8000-000000000000',
      externalId: String(5_000_000_000_000 + i),
      number: `#${1000 + i}`,
      status: 'processing',
      previousStatus: 'pending',
      currency: 'USD',
      totalMinor: 4599,
      subtotalMinor: 3999,
      discountMinor: 0,
      shippingMinor: 500,
      taxMinor: 100,
      channel: 'web',
      placedAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
      lines: [
        { sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, priceCents: 1850 },
        { sku: 'FILTER-100', name: 'Paper filters (100)', quantity: 1, priceCents: 299 },
      ],
      billingAddress: { name: 'Jane Doe', company: null, line1: '1 Main St', line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', phone: '+1 555 0100' },
      shippingAddress: { name: 'Jane Doe', company: null, line1: '1 Main St', line2: null, city: 'Portland', region: 'OR', postalCode: '97201', country: 'US', phone: '+1 555 0100' },
      trackingNumbers: [],
      adminUrl: 'https://bench.example/admin/orders/1',
    },
    customer: { id: '00000000-0000-4000-8000-000000000001', email: `jane.${i}@bench.example`, firstName: 'Jane', lastName: 'Doe' },
  };
}

async function startReceiver() {
  const arrivals = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = Date.now();
      const body = Buffer.concat(chunks).toString('utf8');
      if (req.headers['webhook-id']) arrivals.push({ at, sent: Date.parse(JSON.parse(body).timestamp) });
      res.writeHead(204).end();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { arrivals, url: `http://127.0.0.1:${server.address().port}/hooks`, close: () => new Promise((r) => server.close(r)) };
}

/** The receiver's raw rate: one request at a time over one keep-alive connection, the same body. */
async function ceiling(url, n) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const body = Buffer.from(JSON.stringify({ type: 'order.updated', timestamp: new Date().toISOString(), data: orderData(1) }));
  const target = new URL(url);
  const post = () =>
    new Promise((resolve, reject) => {
      const req = http.request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
        res.resume();
        res.on('end', resolve);
      });
      req.on('error', reject);
      req.end(body);
    });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await post();
  agent.destroy();
  return n / ((performance.now() - t0) / 1000);
}

export async function webhooksPhase({ base, adminHeaders, createStore, dbUrl, pg }) {
  const total = RATE * SECONDS;
  console.log(`\n--- outgoing webhooks: ${RATE} events/s for ${SECONDS} s (${total}) to one endpoint on loopback ---`);
  const receiver = await startReceiver();
  const raw = await ceiling(receiver.url, Math.min(total, 10_000));
  console.log(`ceiling, the receiver's raw rate (one request at a time, keep-alive, same body): ${raw.toFixed(0)} requests/s`);

  const store = await createStore(base, adminHeaders, 'Webhooks bench');
  const created = await fetch(`${base}/stores/${store.id}/webhook-endpoints`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ url: receiver.url, eventTypes: ['order.updated'] }),
  });
  if (created.status !== 201) throw new Error(`endpoint answered ${created.status}: ${await created.text()}`);
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  // Producers: every 100 ms one statement raises a tenth of a second's events (as a projection round would).
  const perTick = Math.max(1, Math.round(RATE / 10));
  const ticks = Math.ceil(total / perTick);
  const data = JSON.stringify(orderData(7));
  const t0 = performance.now();
  let raised = 0;
  for (let tick = 0; tick < ticks; tick++) {
    const due = t0 + tick * 100;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const n = Math.min(perTick, total - raised);
    await db.query(`select webhook_publish($1, 'order.updated', null, cast($2 as jsonb)) from generate_series(1, $3)`, [store.id, data, n]);
    raised += n;
  }
  const offeredSeconds = (performance.now() - t0) / 1000;
  const deadline = Date.now() + 600_000;
  while (receiver.arrivals.length < total && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
  const arrivals = receiver.arrivals.slice(0, total);
  const lags = arrivals.map((a) => (a.at - a.sent) / 1000).sort((a, b) => a - b);
  const first = Math.min(...arrivals.map((a) => a.sent));
  const last = Math.max(...arrivals.map((a) => a.at));
  const rate = arrivals.length / ((last - first) / 1000);
  console.log(`raised ${raised} in ${offeredSeconds.toFixed(1)} s (${(raised / offeredSeconds).toFixed(0)}/s offered); delivered ${arrivals.length}`);
  console.log(
    `delivered ${rate.toFixed(0)} events/s (first raised → last received; target ≥ 500/s); lag raised → received p50 ${percentile(lags, 50).toFixed(2)} s, p99 ${percentile(lags, 99).toFixed(2)} s, max ${lags.at(-1).toFixed(2)} s (target p99 < 2 s)`,
  );
  const { rows } = await db.query(`select count(*)::int as n, sum(attempts)::int as attempts from webhook_delivery where store_id = $1 and status = 'delivered'`, [store.id]);
  console.log(`our rate / the receiver's raw rate: ${(rate / raw).toFixed(2)}; ${rows[0].n} deliveries logged delivered in ${rows[0].attempts} attempts`);
  await db.end();
  await receiver.close();
}
