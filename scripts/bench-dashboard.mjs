// The `dashboard` phase of `npm run bench`: a store with BENCH_DASH_CUSTOMERS customers and BENCH_DASH_MESSAGES
// message rows (plus orders, conversions and pending enrollments), seeded in bulk SQL; then server time (the api's
// Server-Timing header) and round trip at p50/p95 of the overview and every log page, against the very SQL the api
// issues for them run bare over a pg connection (the ceiling); then the dashboard's first-load JavaScript, gzipped.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';

const CUSTOMERS = Number(process.env.BENCH_DASH_CUSTOMERS ?? 100_000);
const MESSAGES = Number(process.env.BENCH_DASH_MESSAGES ?? 1_000_000);
const SAMPLES = Number(process.env.BENCH_DASH_SAMPLES ?? 100);
const PAGE = 50;
const RULES = 5;
const SKUS = 2_000;
const TARGET_MS = 200;

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const ms = (v) => (v === undefined ? '-' : v.toFixed(1));
const seconds = (t0) => ((performance.now() - t0) / 1000).toFixed(1);

/** Bulk SQL, one statement per table: the whole data set in well under a minute per million rows. */
export async function seed(db, storeId) {
  const t0 = performance.now();
  const step = async (label, sql, params = []) => {
    const t = performance.now();
    const { rowCount } = await db.query(sql, params);
    console.log(`  ${label.padEnd(34)} ${String(rowCount ?? '').padStart(9)} rows  ${seconds(t)} s`);
  };
  await db.query(`set synchronous_commit = off`);
  await step(
    'rules',
    `insert into retention_rule (id, store_id, name, status, sending_filter, skus, window_seconds, sender_name, sender_email, subject, body_html, created_at, updated_at, deleted_at)
     select gen_random_uuid(), $1, 'Rule ' || r, case when r = ${RULES} then 'deleted' else 'active' end, 'all', jsonb_build_array('SKU-' || r), 30 * 86400,
            'Bench', 'b@bench.example', 'We miss you', '<p>Hi</p>', now() - interval '400 days', now(), case when r = ${RULES} then now() end
     from generate_series(1, ${RULES}) r`,
    [storeId],
  );
  const rules = (await db.query(`select id from retention_rule where store_id = $1 order by name`, [storeId])).rows.map((r) => r.id);
  await db.query(`create temp table bench_rule (n int primary key, id uuid)`);
  await db.query(`insert into bench_rule select n, id from unnest($1::uuid[]) with ordinality as t(id, n)`, [rules]);
  await step(
    'customers',
    `insert into customer (id, store_id, email, first_name, last_name, registered, opted_in, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || g || '@bench.example', 'First' || g, 'Last' || g, g % 3 = 0, g % 2 = 0,
            now() - make_interval(days => g % 400), now() - make_interval(secs => g)
     from generate_series(1, $2) g`,
    [storeId, CUSTOMERS],
  );
  await db.query(`create temp table bench_customer as select (row_number() over (order by email))::int as n, id, email from customer where store_id = $1`, [storeId]);
  await db.query(`create index on bench_customer (n)`);
  await db.query(`analyze bench_customer`);
  // Two orders per customer, one to three lines each from SKUS SKUs (the products picker's catalogue).
  await step(
    'orders',
    `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
     select gen_random_uuid(), $1, c.id, 'o-' || c.n || '-' || k, case when (c.n + k) % 10 = 0 then 'refunded' else 'completed' end, 'USD', 1000 + (c.n % 9000),
            (select jsonb_agg(jsonb_build_object('sku', 'SKU-' || ((c.n * 7 + k * 13 + l * 101) % ${SKUS}), 'name', 'Product ' || ((c.n * 7 + k * 13 + l * 101) % ${SKUS}) || ' beans',
                                                 'quantity', 1 + l, 'priceCents', 1500))
             from generate_series(0, (c.n + k) % 3) l),
            now() - make_interval(days => (c.n * 3 + k * 11) % 365), now(), now()
     from bench_customer c cross join generate_series(1, 2) k`,
    [storeId],
  );
  // The products table as the migration fills it from existing orders (ingestion keeps it from then on).
  const migration = readFileSync(new URL('../libs/persistence/src/migrations/Migration20261126041000_DashboardSupport.ts', import.meta.url), 'utf8');
  const backfill = /this\.addSql\(`(insert into "store_product"[\s\S]*?)`\);/.exec(migration)[1];
  await step('store_product (migration back-fill)', backfill);
  // Messages: (rule, customer, cycle) unique; 85 % sent, 10 % skipped, 4 % failed, 1 % sending, over the last year.
  await step(
    'messages',
    `insert into message (id, store_id, rule_id, customer_id, cycle, status, reason, to_email, subject, transport, due_at, sent_at, created_at,
                          open_count, click_count, first_opened_at, first_clicked_at)
     select gen_random_uuid(), $1, r.id, c.id, 1 + (g / ($2::int * ${RULES})), s.status,
            case s.status when 'skipped' then 'smart_sending' when 'failed' then 'render_error' end,
            c.email, 'We miss you', 'outbox', t.at - interval '1 minute',
            case when s.status = 'sent' then t.at end, t.at,
            case when s.status = 'sent' then g % 4 else 0 end, case when s.status = 'sent' then (g % 11 = 0)::int else 0 end,
            case when s.status = 'sent' and g % 4 > 0 then t.at + interval '1 hour' end,
            case when s.status = 'sent' and g % 11 = 0 then t.at + interval '2 hours' end
     from generate_series(0, $3::int - 1) g
     join bench_customer c on c.n = 1 + g % $2::int
     join bench_rule r on r.n = 1 + (g / $2::int) % ${RULES}
     cross join lateral (select case when g % 100 < 85 then 'sent' when g % 100 < 95 then 'skipped' when g % 100 < 99 then 'failed' else 'sending' end as status) s
     cross join lateral (select now() - make_interval(secs => ((g::bigint * 7919) % (365 * 86400))::int) as at) t`,
    [storeId, CUSTOMERS, MESSAGES],
  );
  // Conversions: 2 % of sent messages, each with its own order placed within the attribution window.
  await step(
    'conversion orders',
    `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
     select gen_random_uuid(), $1, m.customer_id, 'conv-' || m.id, 'completed', case when row_number() over () % 50 = 0 then 'EUR' else 'USD' end, 2500, '[]',
            m.sent_at + interval '1 day', now(), now()
     from message m where m.store_id = $1 and m.status = 'sent' and abs(hashtext(m.id::text)) % 50 = 0`,
    [storeId],
  );
  await step(
    'conversions',
    `insert into conversion (id, store_id, rule_id, message_id, customer_id, order_id, revenue_cents, currency, occurred_at, created_at)
     select gen_random_uuid(), $1, m.rule_id, m.id, m.customer_id, o.id, o.total_cents, o.currency, o.placed_at, now()
     from store_order o join message m on o.external_id = 'conv-' || m.id
     where o.store_id = $1 and o.external_id like 'conv-%'`,
    [storeId],
  );
  // Pending: two rules' enrollments for every customer, 60 % armed with a send in the next 30 days.
  await step(
    'enrollments',
    `insert into retention_enrollment (id, store_id, rule_id, customer_id, state, last_purchase_at, next_send_at, updated_at)
     select gen_random_uuid(), $1, r.id, c.id, case when (c.n + r.n) % 5 < 3 then 'armed' else 'waiting' end, now() - interval '10 days',
            case when (c.n + r.n) % 5 < 3 then now() + make_interval(secs => ((c.n * 7919 + r.n * 104729) % (30 * 86400))::int) end, now()
     from bench_customer c cross join bench_rule r where r.n <= 2`,
    [storeId],
  );
  const t = performance.now();
  await db.query(`vacuum analyze`);
  console.log(`  ${'vacuum analyze'.padEnd(34)} ${''.padStart(9)}       ${seconds(t)} s`);
  console.log(`seeded in ${seconds(t0)} s`);
  return rules;
}

/**
 * An EntityManager stand-in for the ceiling: the library's own repository code issues its SQL, which runs bare on a pg
 * connection (`?` placeholders numbered as the driver numbers them). `log` keeps the statements for EXPLAIN.
 */
function bareEntityManager(db) {
  const log = [];
  const em = {
    log,
    // The overview reads in one transaction (without JIT), as the repository does through MikroORM.
    async transactional(read) {
      await db.query('begin');
      try {
        const result = await read(em);
        await db.query('commit');
        return result;
      } catch (err) {
        await db.query('rollback');
        throw err;
      }
    },
    async execute(sql, params = []) {
      let i = 0;
      const text = sql.replace(/\?/g, () => `$${++i}`);
      log.push({ text, params });
      return (await db.query(text, params)).rows;
    },
  };
  return em;
}

async function timeHttp(url, headers) {
  const server = [];
  const roundTrip = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const t0 = performance.now();
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    const rtt = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    const timing = /dur=([\d.]+)/.exec(res.headers.get('server-timing') ?? '');
    if (i < 5) continue; // warm-up: plans cached, pool connections open
    server.push(Number(timing?.[1]));
    roundTrip.push(rtt);
  }
  return { server: server.sort((a, b) => a - b), roundTrip: roundTrip.sort((a, b) => a - b) };
}

async function timeBare(run) {
  const times = [];
  for (let i = 0; i < SAMPLES + 5; i++) {
    const t0 = performance.now();
    await run();
    if (i >= 5) times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b);
}

function encodeCursor(time, id) {
  return Buffer.from(JSON.stringify([new Date(time).toISOString(), id])).toString('base64url');
}

export async function dashboardPhase({ base, adminHeaders, dbUrl, pg, apiPort }) {
  console.log(`\n--- dashboard: ${CUSTOMERS.toLocaleString('en-US')} customers, ${MESSAGES.toLocaleString('en-US')} message rows; ${SAMPLES} sequential requests per route ---`);
  const created = await (await fetch(`${base}/stores`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ name: 'Dashboard bench' }) })).json();
  const storeId = created.id;
  // The store's own key, as an integration calls it (the admin key is for operations).
  const headers = { authorization: `Bearer ${created.apiKey}` };
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  const rules = await seed(db, storeId);
  const { MessageLogService } = await import('../libs/reporting/dist/index.js');
  const { ProductCatalogService } = await import('../libs/stores/dist/index.js');
  const service = new MessageLogService();
  const catalog = new ProductCatalogService();
  const store = { id: storeId, currency: 'USD' };

  // A deep position in each log: the row 80 % of the way down, as the cursor a page there would carry.
  const deep = async (sql) => {
    const { rows } = await db.query(sql, [storeId]);
    return rows[0] ? encodeCursor(rows[0].t, rows[0].id) : undefined;
  };
  const armed = Number((await db.query(`select count(*) from retention_enrollment where store_id = $1 and state = 'armed'`, [storeId])).rows[0].count);
  const sent = Number((await db.query(`select count(*) from message where store_id = $1 and status = 'sent'`, [storeId])).rows[0].count);
  const skipped = Number((await db.query(`select count(*) from message where store_id = $1 and status in ('skipped', 'failed')`, [storeId])).rows[0].count);
  const conversions = Number((await db.query(`select count(*) from conversion where store_id = $1`, [storeId])).rows[0].count);
  const cursors = {
    pending: await deep(`select next_send_at as t, id from retention_enrollment where store_id = $1 and state = 'armed' order by next_send_at, id offset ${Math.floor(armed * 0.8)} limit 1`),
    sent: await deep(`select sent_at as t, id from message where store_id = $1 and status = 'sent' order by sent_at desc, id desc offset ${Math.floor(sent * 0.8)} limit 1`),
    skipped: await deep(`select created_at as t, id from message where store_id = $1 and status in ('skipped', 'failed') order by created_at desc, id desc offset ${Math.floor(skipped * 0.8)} limit 1`),
    conversions: await deep(`select occurred_at as t, id from conversion where store_id = $1 order by occurred_at desc, id desc offset ${Math.floor(conversions * 0.8)} limit 1`),
  };
  const day = 86_400_000;
  const now = Date.now();
  const ranges = {
    pending: [new Date(now + 10 * day), new Date(now + 17 * day)],
    sent: [new Date(now - 190 * day), new Date(now - 183 * day)],
    skipped: [new Date(now - 190 * day), new Date(now - 183 * day)],
    conversions: [new Date(now - 190 * day), new Date(now - 183 * day)],
  };

  const cases = [
    { name: 'overview: stats (store)', path: '/stats', bare: (em) => service.stats(em, store) },
    { name: 'overview: stats (one rule)', path: `/stats?ruleId=${rules[0]}`, bare: (em) => service.stats(em, store, rules[0]) },
  ];
  for (const kind of ['pending', 'sent', 'skipped', 'conversions']) {
    const [from, to] = ranges[kind];
    cases.push(
      { name: `logs/${kind}: first page`, path: `/logs/${kind}?limit=${PAGE}`, bare: (em) => service.log(em, kind, storeId, { limit: PAGE }) },
      { name: `logs/${kind}: deep page (cursor)`, path: `/logs/${kind}?limit=${PAGE}&cursor=${cursors[kind]}`, bare: (em) => service.log(em, kind, storeId, { limit: PAGE, cursor: cursors[kind] }) },
      {
        name: `logs/${kind}: 7-day range`,
        path: `/logs/${kind}?limit=${PAGE}&from=${from.toISOString()}&to=${to.toISOString()}`,
        bare: (em) => service.log(em, kind, storeId, { limit: PAGE, from, to }),
      },
      {
        name: `logs/${kind}: one rule`,
        path: `/logs/${kind}?limit=${PAGE}&ruleId=${rules[1]}`,
        bare: (em) => service.log(em, kind, storeId, { limit: PAGE, ruleId: rules[1] }),
      },
    );
  }
  cases.push(
    { name: 'products: most ordered', path: '/products?limit=20', bare: (em) => catalog.search(em, storeId, { limit: 20 }) },
    { name: 'products: search "beans 12"', path: '/products?q=beans%2012&limit=20', bare: (em) => catalog.search(em, storeId, { q: 'beans 12', limit: 20 }) },
    { name: 'products: search "sku-7"', path: '/products?q=sku-7&limit=20', bare: (em) => catalog.search(em, storeId, { q: 'sku-7', limit: 20 }) },
  );

  const results = [];
  for (const c of cases) {
    const http = await timeHttp(`${base}/stores/${storeId}${c.path}`, headers);
    const em = bareEntityManager(db);
    const bare = await timeBare(() => c.bare(em));
    const statements = em.log.slice(-em.log.length / (SAMPLES + 5));
    results.push({ ...c, http, bare, statements });
  }

  const header = `${'route'.padEnd(36)} ${'server p50'.padStart(10)} ${'p95'.padStart(7)} ${'http p50'.padStart(9)} ${'p95'.padStart(7)} ${'bare SQL p50'.padStart(12)} ${'p95'.padStart(7)} ${'p95 ratio'.padStart(9)}  ≤ ${TARGET_MS} ms`;
  console.log(`\n${header}\n${'-'.repeat(header.length)}`);
  for (const r of results) {
    const s95 = percentile(r.http.server, 95);
    const b95 = percentile(r.bare, 95);
    console.log(
      `${r.name.padEnd(36)} ${ms(percentile(r.http.server, 50)).padStart(10)} ${ms(s95).padStart(7)} ${ms(percentile(r.http.roundTrip, 50)).padStart(9)} ${ms(percentile(r.http.roundTrip, 95)).padStart(7)} ${ms(percentile(r.bare, 50)).padStart(12)} ${ms(b95).padStart(7)} ${(s95 / b95).toFixed(2).padStart(9)}  ${s95 <= TARGET_MS ? 'yes' : 'NO'}`,
    );
  }
  console.log('(server: the api\'s Server-Timing, request in to headers out; http: round trip on loopback; bare SQL: the same statements the api\'s repositories issue, run in sequence over one pg connection)');

  // Plans of anything over the target, and of the heaviest overview statement either way.
  const slow = results.filter((r) => percentile(r.http.server, 95) > TARGET_MS);
  for (const r of [...slow, ...(slow.length ? [] : [results[0]])]) {
    console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of ${r.name}${slow.includes(r) ? ' (over target)' : ' (for reference)'}:`);
    for (const s of r.statements.filter((st) => !/^\s*(set |select set_config)/i.test(st.text))) {
      const { rows } = await db.query(`explain (analyze, buffers) ${s.text}`, s.params);
      console.log(rows.map((row) => `  ${row['QUERY PLAN']}`).join('\n'));
    }
  }

  // The whole sent log as CSV (capped at 100,000 rows), streamed.
  const t0 = performance.now();
  const res = await fetch(`${base}/stores/${storeId}/logs/sent/export`, { headers });
  let bytes = 0;
  for await (const chunk of res.body) bytes += chunk.length;
  console.log(`\nCSV export of the sent log: ${res.status}, ${(bytes / 1024 / 1024).toFixed(1)} MiB (${res.headers.get('x-export-row-limit')} rows at most) in ${seconds(t0)} s`);
  await db.end();
  void apiPort;
  return results;
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/**
 * The JavaScript a first visit of the sign-in page loads: the modules its HTML names (modulepreload links and the
 * entry imports) and everything they import statically, read from the build and gzipped. Builds the dashboard when
 * its build is missing.
 */
export async function dashboardFirstLoad({ root, apiUrl, path = process.env.BENCH_DASH_PAGE ?? '/sign-in' }) {
  const app = join(root, 'apps/dashboard');
  if (!existsSync(join(app, 'build/index.js'))) {
    console.log('building the dashboard (its build is missing)...');
    const built = spawnSync('npx', ['nx', 'run', 'dashboard:build', '--output-style=static'], { cwd: root, stdio: 'ignore' });
    if (built.status !== 0) throw new Error('the dashboard did not build');
  }
  const port = await freePort();
  const child = spawn('node', [join(app, 'server.js')], {
    cwd: app,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', ORIGIN: `http://127.0.0.1:${port}`, API_URL: apiUrl },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  try {
    let html = '';
    let url = `http://127.0.0.1:${port}${path}`;
    for (let attempt = 0; attempt < 100; attempt++) {
      try {
        const res = await fetch(url);
        html = await res.text();
        if (res.status === 404 && path !== '/') url = `http://127.0.0.1:${port}/`;
        else break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    const client = join(app, 'build/client');
    const seen = new Set();
    const queue = [...html.matchAll(/["'](\/?(?:\.\/)?_app\/immutable\/[^"']+\.js)["']/g)].map((m) => m[1].replace(/^\.?\//, '').replace(/^\.\//, ''));
    let raw = 0;
    let gzipped = 0;
    while (queue.length) {
      const file = queue.shift();
      if (seen.has(file)) continue;
      seen.add(file);
      const code = readFileSync(join(client, file));
      raw += code.length;
      gzipped += gzipSync(code, { level: 9 }).length;
      // Static imports only (`import ... from "./x.js"`, `import "./x.js"`); `import("…")` loads later, on demand.
      for (const m of code.toString('utf8').matchAll(/(?:from|import)\s*["'](\.{1,2}\/[^"']+\.js)["']/g)) {
        queue.push(join(file, '..', m[1]).replace(/\\/g, '/'));
      }
    }
    console.log(`\ndashboard first load (${new URL(url).pathname}): ${seen.size} JavaScript files, ${(raw / 1024).toFixed(1)} KiB, ${(gzipped / 1024).toFixed(1)} KiB gzipped (level 9)`);
    return { files: seen.size, raw, gzipped };
  } finally {
    child.kill('SIGTERM');
  }
}
