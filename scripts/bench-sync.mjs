// `npm run bench` phase of issue 12's historical sync (point 8, third bullet): a fake Shopify seeded with
// BENCH_SYNC_ORDERS orders (default 20,000), its call limit raised so that its own page rate is the ceiling; a store
// connected to it through the api; a real historical sync through the api, the worker's sync workflow and the intake
// inbox. Reported: orders/s fetched (accepted into the inbox) and projected, beside the fake's page rate read by a
// bare fetch loop and by our Shopify client alone, in the same run.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const SYNC_ORDERS = Number(process.env.BENCH_SYNC_ORDERS ?? 20_000);
// A store's orders come from its customers, several each: 4 orders per buyer by default. A customer's events are
// projected one at a time, in order, so a round takes one event per customer: with very few buyers (the fake's
// default of 50), each round holds at most that many.
const SYNC_BUYERS = Number(process.env.BENCH_SYNC_BUYERS ?? Math.max(1, Math.round(SYNC_ORDERS / 4)));

/** The fake Shopify, started before the api and the worker so their environment can point at it. */
export async function startSyncPlatform(root) {
  const build = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['-b', 'libs/testing'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) throw new Error('building libs/testing failed');
  const { FakeShopify } = await import(join(root, 'libs', 'testing', 'dist', 'index.js'));
  // Shopify's bucket (40 calls, 2/s) would make the bucket the ceiling; raised, the fake's page rate is.
  const fake = new FakeShopify({ orders: SYNC_ORDERS, buyers: SYNC_BUYERS, products: 50, bucketSize: 1e9, leakPerSecond: 1e9 });
  await fake.start();
  return { fake, env: { SHOPIFY_API_ORIGIN: fake.origin, ALLOW_INSECURE_PLATFORM_URLS: 'true' } };
}

/** Every page of orders as our Shopify client reads them (HTTP, JSON with exact ids, mapping), nothing else. */
async function clientLoop(root, fake, pageSize) {
  const { platformClients } = await import(join(root, 'libs', 'stores', 'dist', 'index.js'));
  const client = platformClients.shopify(
    { platform: 'shopify', shopDomain: fake.shopDomain, accessToken: fake.accessToken, apiSecretKey: fake.apiSecretKey },
    { shopifyOrigin: fake.origin, bigcommerceOrigin: fake.origin, allowInsecureSiteUrls: true },
  );
  const t0 = performance.now();
  let n = 0;
  for (let cursor = null, first = true; first || cursor !== null; first = false) {
    const page = await client.listOrders(cursor, pageSize, { createdBefore: new Date().toISOString() });
    n += page.orders.length;
    cursor = page.next;
  }
  return { n, seconds: (performance.now() - t0) / 1000 };
}

/** The fake's own page rate: the same requests as the client (same fields, same page size) in a bare fetch loop. */
async function rawLoop(fake, pageSize, fields) {
  const t0 = performance.now();
  let n = 0;
  const query = new URLSearchParams({ status: 'any', limit: String(pageSize), ...(fields ? { fields } : {}) });
  let url = `${fake.origin}/admin/api/${fake.apiVersion}/orders.json?${query}`;
  while (url) {
    const res = await fetch(url, { headers: { 'x-shopify-access-token': fake.accessToken } });
    if (res.status !== 200) throw new Error(`fake Shopify answered ${res.status}`);
    n += (await res.json()).orders.length;
    url = /<([^>]+)>; rel="next"/.exec(res.headers.get('link') ?? '')?.[1];
  }
  return { n, seconds: (performance.now() - t0) / 1000 };
}

const line = (label, r) => `${label.padEnd(44)} ${String(r.n).padStart(6)} orders in ${r.seconds.toFixed(1).padStart(5)} s = ${(r.n / r.seconds).toFixed(0).padStart(5)} orders/s`;

export async function syncPhase({ root, base, adminHeaders, createStore, fake, dbUrl, pg, waitUntil }) {
  // The sync workflow's page size (HistoricalSyncInput.pageSize default, the api passes none).
  const pageSize = Number(process.env.BENCH_SYNC_PAGE_SIZE ?? 100);
  console.log(`\n--- sync: historical sync of ${fake.orders.length} Shopify orders from ${SYNC_BUYERS} buyers (fake Shopify, call limit raised) vs the fake's own page rate ---`);
  const client = await clientLoop(root, fake, pageSize);
  const fields = fake.requests.findLast((r) => r.path.endsWith('/orders.json'))?.query.fields;
  const raw = await rawLoop(fake, pageSize, fields);
  const raw250 = await rawLoop(fake, 250, fields);
  console.log(line(`fake page rate, bare fetch loop (${pageSize}/page)`, raw));
  console.log(line('fake page rate, bare fetch loop (250/page)', raw250));
  console.log(line(`our Shopify client alone (${pageSize}/page)`, client));

  const store = await createStore(base, adminHeaders, 'Sync');
  const connect = await fetch(`${base}/stores/${store.id}/connection`, {
    method: 'PUT',
    headers: adminHeaders,
    body: JSON.stringify({ platform: 'shopify', shopDomain: fake.shopDomain, accessToken: fake.accessToken, apiSecretKey: fake.apiSecretKey }),
  });
  if (connect.status !== 200) throw new Error(`connecting the store answered ${connect.status}: ${await connect.text()}`);
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  try {
    const t0 = performance.now();
    const started = await fetch(`${base}/stores/${store.id}/sync`, { method: 'POST', headers: adminHeaders });
    if (started.status !== 202) throw new Error(`starting the sync answered ${started.status}: ${await started.text()}`);
    let fetchedAt = null;
    const done = await waitUntil(async () => {
      const run = await (await fetch(`${base}/stores/${store.id}/sync`, { headers: adminHeaders })).json();
      if (fetchedAt === null && run.total !== null && run.fetched >= run.total) fetchedAt = performance.now();
      if (run.state === 'failed') throw new Error(`the sync failed: ${run.error}`);
      return run.state === 'completed' ? run : null;
    }, 30 * 60_000, 100);
    const completedAt = performance.now();
    if (!done) throw new Error('the sync did not complete within 30 minutes');
    // From the inbox: when the sync's first and last events were accepted and projected (PostgreSQL's clock).
    const { rows } = await db.query(
      `select count(*)::int as n, count(*) filter (where state = 'projected')::int as projected,
              extract(epoch from max(received_at) - min(received_at)) as accepting,
              extract(epoch from max(projected_at) - min(received_at)) as projecting,
              (select count(*)::int from store_order o where o.store_id = $1) as orders
       from inbox_event where store_id = $1 and delivery_id like 'sync:%'`,
      [store.id],
    );
    const r = rows[0];
    const fetchSeconds = ((fetchedAt ?? completedAt) - t0) / 1000;
    const totalSeconds = (completedAt - t0) / 1000;
    console.log(line('historical sync: fetched into the inbox', { n: done.fetched, seconds: fetchSeconds }));
    console.log(line('historical sync: projected (sync completed)', { n: r.projected, seconds: totalSeconds }));
    console.log(
      `  inbox: ${r.n} sync events, ${r.projected} projected, ${r.orders} orders stored; first→last accepted ${Number(r.accepting).toFixed(1)} s, ` +
        `first accepted→last projected ${Number(r.projecting).toFixed(1)} s; the run reports ${Number(done.ordersPerSecond ?? 0).toFixed(0)} orders/s`,
    );
    console.log(
      `sync / fake page rate (${pageSize}/page): fetched ${(done.fetched / fetchSeconds / (raw.n / raw.seconds)).toFixed(2)}, projected ${(r.projected / totalSeconds / (raw.n / raw.seconds)).toFixed(2)} (target: at least 500 orders/s)`,
    );
    if (r.orders !== fake.orders.length) throw new Error(`the sync stored ${r.orders} of ${fake.orders.length} orders: its figures are not valid`);
  } finally {
    await db.end();
  }
}
