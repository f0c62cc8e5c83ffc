// `npm run bench`: the stack on loopback (PostgreSQL, a Temporal dev server, the built api and worker as
// their own processes), then webhook acceptance against the raw signalWithStart ceiling of the same server.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT, DEV_SERVER_ENV, devServerArgs } from './ensure-temporal.mjs';
import { dashboardFirstLoad, dashboardPhase } from './bench-dashboard.mjs';
import { intakePhase, lagPhase } from './bench-intake.mjs';
import { startSyncPlatform, syncPhase } from './bench-sync.mjs';
import { segmentsPhase } from './bench-segments.mjs';
import { webhooksPhase } from './bench-webhooks.mjs';
import { storeDashboardPhase } from './bench-store-dashboard.mjs';

// `lag` (acceptance → retention signal at a sustained 200/s for 5 minutes), `segments` (a 200,000-customer store),
// `store-dashboard` (a 1,000,000-order store) and `webhooks` (outgoing webhooks at 500 events/s) run only when named.
const PHASES = (process.env.BENCH_PHASES ?? 'webhook,intake,sync,scale,email,dashboard').split(',');
const SCALE_CUSTOMERS = Number(process.env.BENCH_SCALE_CUSTOMERS ?? 100_000);
const DUE_SENDS = Number(process.env.BENCH_DUE_SENDS ?? 10_000);
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PG_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const children = [];

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(port, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const sock = net.connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), resolve(true)));
      sock.once('error', () => (sock.destroy(), resolve(false)));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`port ${port} never opened`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function start(name, cmd, args, env = {}) {
  const child = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (d) => process.env.BENCH_VERBOSE && process.stderr.write(`[${name}] ${d}`));
  children.push(child);
  return child;
}

/** Peak resident memory of a child process, sampled from /proc every second while a phase runs. */
function memorySampler(children) {
  const peaks = Object.fromEntries(Object.keys(children).map((k) => [k, 0]));
  const timer = setInterval(() => {
    for (const [name, child] of Object.entries(children)) {
      try {
        const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) * 1024;
        peaks[name] = Math.max(peaks[name], rss);
      } catch {
        /* exited */
      }
    }
  }, 1000);
  return { stop: () => (clearInterval(timer), peaks) };
}

/**
 * CPU seconds used so far: per process (user + system), each PostgreSQL process (summed by `cpuPerItem` over the
 * processes alive at the end: a backend that exits in between takes its time with it), and the whole machine.
 */
function cpuSnapshot(pids) {
  const ticks = (pid) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
      return (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      return 0;
    }
  };
  const snap = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, ticks(pid)]));
  snap.postgres = Object.fromEntries(
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .filter((d) => {
        try {
          return readFileSync(`/proc/${d}/comm`, 'utf8').trim() === 'postgres';
        } catch {
          return false;
        }
      })
      .map((d) => [d, ticks(d)]),
  );
  const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  snap.machine = (user + nice + system + irq + softirq + steal) / 100;
  snap.idle = (idle + iowait) / 100;
  return snap;
}

/** Milliseconds of CPU per item between two snapshots, by component. */
function cpuPerItem(before, after, n) {
  const used = (k) =>
    k === 'postgres'
      ? Object.entries(after.postgres).reduce((sum, [pid, t]) => sum + t - (before.postgres[pid] ?? 0), 0)
      : after[k] - before[k];
  return Object.keys(after)
    .filter((k) => k !== 'idle')
    .map((k) => `${k} ${((used(k) * 1000) / n).toFixed(2)}`)
    .join(', ');
}

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MiB`;

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function load(label, n, concurrency, fn) {
  const latencies = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const s = performance.now();
        await fn(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const result = { label, n, rate: n / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
  console.log(
    `${label.padEnd(34)} ${String(n).padStart(6)} ops  ${result.rate.toFixed(0).padStart(6)} ops/s  p50 ${result.p50.toFixed(1).padStart(6)} ms  p99 ${result.p99.toFixed(1).padStart(6)} ms`,
  );
  return result;
}

async function main() {
  const cli = findTemporalCli();
  if (!cli) throw new Error(MISSING_TEMPORAL_HELP);
  spawnSync('nx', ['run-many', '-t', 'build', '--projects=api,worker', '--output-style=static'], { cwd: ROOT, stdio: 'ignore' });

  const pg = (await import('pg')).default;
  const dbName = `boomerang_bench_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: PG_URL });
  await admin.connect();
  await admin.query(`create database "${dbName}"`);
  const dbUrl = Object.assign(new URL(PG_URL), { pathname: `/${dbName}` }).toString();

  const [temporalPort, apiPort] = [await freePort(), await freePort()];
  // A file in WAL mode, as `npm start` runs it: an in-memory dev server slows down as it fills (432 → 295 starts/s
  // over the first 15,000 workflows here), the WAL file holds ~340/s and then ~250/s past 40,000.
  const temporalDb = join(mkdtempSync(join(tmpdir(), 'boomerang-bench-')), 'temporal.db');
  const temporal = start('temporal', cli, [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort), '--log-level', 'error',
    ...devServerArgs(temporalDb),
  ], DEV_SERVER_ENV);
  spawnSync('node', ['libs/persistence/dist/cli.js', 'migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'ignore' });
  await waitFor(temporalPort);
  // The historical sync reads a fake Shopify the api and the worker must know before they start.
  const syncPlatform = ['sync', 'intake'].some((p) => PHASES.includes(p)) ? await startSyncPlatform(ROOT) : null;
  // The webhooks phase's receiver is on loopback, which production refuses.
  const env = { DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, API_PORT: String(apiPort), API_HOST: '127.0.0.1', WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true', ...syncPlatform?.env };
  const worker = start('worker', 'node', ['apps/worker/dist/main.js'], env);
  const api = start('api', 'node', ['apps/api/dist/main.js'], env);
  await waitFor(apiPort);
  const base = `http://127.0.0.1:${apiPort}/api/v1`;
  const adminHeaders = { authorization: 'Bearer dev-admin-key', 'content-type': 'application/json' };
  const store = await createStore(base, adminHeaders, 'Bench');
  await fetch(`${base}/stores/${store.id}/rules`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ name: 'Bench', status: 'active', windowDays: 30, senderName: 'B', senderEmail: 'b@bench.example', subject: 'Hi', bodyHtml: '<p>Hi</p>' }),
  });

  const memory = memorySampler({ worker, temporal });
  const runId = randomBytes(3).toString('hex');
  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const rawSignalWithStart = (label, n) =>
    load(label, n, CONCURRENCY, async (i) => {
      await client.workflow.signalWithStart('retentionWorkflow', {
        workflowId: `bench-raw/${runId}/${label.length}/${i}`,
        taskQueue: 'bench-raw-unpolled',
        args: [{}],
        signal: 'purchase',
        signalArgs: [{ orderId: String(i), purchasedAt: new Date().toISOString() }],
      });
    });

  if (PHASES.includes('webhook')) {
  console.log(`\nBoomerang bench: ${REQUESTS} requests per phase, concurrency ${CONCURRENCY}, everything on loopback (2 cores shared)\n`);
  const webhook = await load('webhook accepted (202, 1 rule)', REQUESTS, CONCURRENCY, async (i) => {
    const body = JSON.stringify({
      id: `bench-${runId}-${i}`,
      status: 'completed',
      currency: 'USD',
      customer: { email: `customer-${i}@bench.example` },
      lineItems: [{ sku: 'SKU-1', quantity: 1, price: 10 }],
      totals: { total: 10 },
      createdAt: new Date().toISOString(),
    });
    const res = await fetch(`${base}/stores/${store.id}/webhooks/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-boomerang-signature': `sha256=${createHmac('sha256', store.webhookSecret).update(body).digest('hex')}` },
      body,
    });
    if (res.status !== 202) throw new Error(`webhook answered ${res.status}: ${await res.text()}`);
    await res.arrayBuffer();
  });

  const ceiling = await rawSignalWithStart('raw signalWithStart (ceiling)', REQUESTS);

  console.log(`\nwebhook / raw signalWithStart throughput ratio: ${(webhook.rate / ceiling.rate).toFixed(2)}`);
  console.log(`webhook p99 / raw p99: ${(webhook.p99 / ceiling.p99).toFixed(2)}`);
  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  // Webhooks are stored first and projected by the worker: wait until every one has become its order and signal.
  const drainedAt = performance.now();
  for (let pending = 1; pending > 0; ) {
    pending = (await check.query(`select count(*)::int as n from inbox_event where state = 'pending'`)).rows[0].n;
    if (pending) await new Promise((r) => setTimeout(r, 250));
  }
  console.log(`projection backlog drained ${((performance.now() - drainedAt) / 1000).toFixed(1)} s after the ceiling phase`);
  const { rows } = await check.query(`select count(*)::int as n, count(dispatched_at)::int as delivered from retention_dispatch`);
  console.log(`purchase signals recorded ${rows[0].n}, delivered ${rows[0].delivered} (every accepted webhook accounted for: ${rows[0].n === REQUESTS})`);
  if (rows[0].n !== REQUESTS) throw new Error('the webhook phase did not arm one rule per request: its figures are not valid');
  await check.end();
  }

  const blanketStore = async (name) => {
    const s = await createStore(base, adminHeaders, name);
    const res = await fetch(`${base}/stores/${s.id}/rules`, {
      method: 'POST',
      headers: adminHeaders,
      body: JSON.stringify({ name, status: 'active', windowDays: 30, senderName: 'B', senderEmail: 'b@bench.example', subject: 'Hi', bodyHtml: '<p>Hi</p>' }),
    });
    if (res.status !== 201) throw new Error(`creating the rule answered ${res.status}: ${await res.text()}`);
    return s;
  };
  if (PHASES.includes('intake')) {
    await intakePhase({
      root: ROOT, base, adminHeaders, store: await blanketStore('Intake'), shopify: syncPlatform.fake, worker, dbUrl, pg, waitUntil,
      requests: Number(process.env.BENCH_INTAKE_REQUESTS ?? 10_000), concurrency: CONCURRENCY, freePort, waitFor, runId,
    });
  }
  if (PHASES.includes('lag')) {
    const pids = { temporal: temporal.pid, worker: worker.pid, api: api.pid, bench: process.pid };
    await lagPhase({ base, store: await blanketStore('Lag'), dbUrl, pg, waitUntil, runId, client, cpu: { snapshot: () => cpuSnapshot(pids), perItem: cpuPerItem } });
  }
  if (PHASES.includes('sync')) {
    // Its figures are invalid rather than fatal: the phases after it still run.
    await syncPhase({ root: ROOT, base, adminHeaders, createStore, fake: syncPlatform.fake, dbUrl, pg, waitUntil }).catch((err) =>
      console.log(`WARNING: the sync phase measured nothing valid: ${err.message}`),
    );
  }
  await syncPlatform?.fake.stop();

  if (PHASES.includes('scale')) await scalePhase({ base, adminHeaders, dbUrl, pg, rawSignalWithStart, cli, client, address: env.TEMPORAL_ADDRESS, pids: { temporal: temporal.pid, worker: worker.pid, api: api.pid, bench: process.pid } });
  await connection.close();
  const peaks = memory.stop();
  console.log(`\npeak memory: worker ${mib(peaks.worker)}, Temporal dev server ${mib(peaks.temporal)} (target: worker under 1 GiB)`);

  if (PHASES.includes('email')) {
    console.log('\n--- email rendering and sending (scripts/bench-email.mjs) ---');
    spawnSync('node', ['scripts/bench-email.mjs'], { cwd: ROOT, stdio: 'inherit' });
  }

  if (PHASES.includes('segments')) await segmentsPhase({ base, adminHeaders, createStore, dbUrl, pg });
  if (PHASES.includes('store-dashboard')) await storeDashboardPhase({ base, adminHeaders, createStore, dbUrl, pg });

  if (PHASES.includes('webhooks')) await webhooksPhase({ base, adminHeaders, createStore, dbUrl, pg });

  if (PHASES.includes('dashboard')) {
    await dashboardPhase({ base, adminHeaders, dbUrl, pg, apiPort });
    await dashboardFirstLoad({ root: ROOT, apiUrl: `http://127.0.0.1:${apiPort}` });
  }

  // Each child stops gracefully (up to 10 s), so a run under NODE_OPTIONS=--cpu-prof writes its profiles.
  await Promise.all(
    children.reverse().map((c) => {
      if (c.exitCode !== null || c.signalCode !== null) return undefined;
      const exited = new Promise((r) => c.once('exit', r));
      c.kill('SIGTERM');
      return Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    }),
  );
  if (process.env.BENCH_KEEP_DB) console.log(`kept database ${dbName}`);
  else await admin.query(`drop database if exists "${dbName}" with (force)`);
  rmSync(dirname(temporalDb), { recursive: true, force: true });
  await admin.end();
}

const CAN_SPAM = { companyName: 'Bench Inc', street: '1 Loop Road', city: 'Localhost', postalCode: '12345', country: 'US', smartSendingHours: 0 };

async function createStore(base, adminHeaders, name) {
  const store = await (await fetch(`${base}/stores`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ name }) })).json();
  await fetch(`${base}/stores/${store.id}`, { method: 'PATCH', headers: adminHeaders, body: JSON.stringify(CAN_SPAM) });
  return store;
}

async function draftRule(base, adminHeaders, storeId, sku, window) {
  const res = await fetch(`${base}/stores/${storeId}/rules`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ name: `Scale ${sku}`, status: 'draft', skus: [sku], window, senderName: 'Bench', senderEmail: 'b@bench.example', subject: 'Hi {{customer.firstName}}', bodyHtml: '<p>We miss you</p>' }),
  });
  return res.json();
}

/** Customers with one completed order each, made in SQL: `placedAt` is an SQL expression per row (g = 1..n). */
async function generateCustomers(db, storeId, n, sku, placedAt) {
  await db.query(
    `insert into customer (id, store_id, email, first_name, registered, opted_in, created_at, updated_at)
     select gen_random_uuid(), $1, 'c' || g || '-' || $3 || '@bench.example', 'C' || g, false, true, now(), now()
     from generate_series(1, $2) g`,
    [storeId, n, sku.toLowerCase()],
  );
  await db.query(
    `insert into store_order (id, store_id, customer_id, external_id, status, currency, total_cents, lines, placed_at, source_updated_at, received_at)
     select gen_random_uuid(), c.store_id, c.id, 'o-' || c.email, 'completed', 'USD', 1000,
            jsonb_build_array(jsonb_build_object('sku', $2::text, 'name', 'Bench', 'quantity', 1, 'priceCents', 1000)),
            ${placedAt}, now(), now()
     from (select c.*, row_number() over (order by c.id) as g from customer c where c.store_id = $1) c`,
    [storeId, sku],
  );
}

async function waitUntil(probe, timeoutMs, everyMs = 2000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) return null;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Workflow tasks waiting on the retention queue: a workflow's timer exists only once its first task ran. */
function workflowBacklog(cli, address) {
  const out = spawnSync(cli, ['task-queue', 'describe', '--address', address, '--task-queue', 'retention'], { encoding: 'utf8' }).stdout ?? '';
  const row = out.split('\n').find((l) => /^\s*UNVERSIONED\s+workflow\s/.test(l));
  return row ? Number(row.trim().split(/\s+/)[2]) : Number.NaN;
}

async function scalePhase({ base, adminHeaders, dbUrl, pg, rawSignalWithStart, cli, client, address, pids }) {
  const db = new pg.Client({ connectionString: dbUrl });
  await db.connect();
  console.log(`\n--- scale: back-fill ${SCALE_CUSTOMERS} customers; ${DUE_SENDS} sends due in one minute ---`);

  // 1) Activation back-fill: every customer's last purchase is inside the 30-day window.
  const store = await createStore(base, adminHeaders, 'Scale');
  const t0 = performance.now();
  await generateCustomers(db, store.id, SCALE_CUSTOMERS, 'SCALE-1', `now() - interval '1 day'`);
  console.log(`generated ${SCALE_CUSTOMERS} customers and orders in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const rule = await draftRule(base, adminHeaders, store.id, 'SCALE-1', 'P30D');
  const started = performance.now();
  await fetch(`${base}/stores/${store.id}/rules/${rule.id}/activate`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ backfill: 'within_window' }) });
  // Scheduled = the customer's workflow exists in Temporal with its purchase (the back-fill writes the enrollment rows after the starts).
  const count = async () => Number((await db.query(`select count(*) from retention_enrollment where rule_id = $1`, [rule.id])).rows[0].count);
  let lastLog = 0;
  const done = await waitUntil(async () => {
    const n = await count();
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      console.log(`  ${n} scheduled after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    return n >= SCALE_CUSTOMERS;
  }, 30 * 60_000);
  const signalledSeconds = (performance.now() - started) / 1000;
  console.log(`back-fill: ${done ? SCALE_CUSTOMERS : await count()} customers handed to Temporal (enrollment rows written after each start) in ${signalledSeconds.toFixed(0)} s`);
  await waitUntil(async () => {
    const backlog = workflowBacklog(cli, address);
    if (performance.now() - lastLog > 30_000) {
      lastLog = performance.now();
      console.log(`  workflow-task backlog ${backlog} after ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }
    return backlog === 0;
  }, 60 * 60_000, 5000);
  const backfillSeconds = (performance.now() - started) / 1000;
  // Each workflow's start is held by the server until its send falls due; nothing is left for the worker to do.
  const inTemporal = await waitUntil(async () => {
    const { count } = await client.workflow.count(`BoomerangRuleId = "${rule.id}" AND WorkflowType = "retentionWorkflow"`);
    return count >= SCALE_CUSTOMERS ? count : null;
  }, 120_000);
  console.log(
    `back-fill: ${SCALE_CUSTOMERS} customers scheduled (workflow started in Temporal, due time held by the server, no task pending) in ${backfillSeconds.toFixed(0)} s ` +
      `(${(SCALE_CUSTOMERS / backfillSeconds).toFixed(0)} workflows/s; Temporal lists ${inTemporal ?? 'fewer than expected'} for the rule; target: 100,000 in under 600 s)`,
  );
  const ceiling = await rawSignalWithStart('raw signalWithStart, same server', 2000);
  console.log(`back-fill rate / raw signalWithStart rate: ${(SCALE_CUSTOMERS / backfillSeconds / ceiling.rate).toFixed(2)}`);

  // 2) Lateness: DUE_SENDS customers whose window ends within the same minute, starting 4 minutes from now.
  const dueStore = await createStore(base, adminHeaders, 'Due minute');
  const lead = 90 + Math.ceil(DUE_SENDS / 100); // the back-fill schedules ~250/s: all are held well before they fall due
  const firstDue = Date.now() + lead * 1000;
  await generateCustomers(db, dueStore.id, DUE_SENDS, 'DUE-1', `now() - interval '1 hour' + make_interval(secs => ${lead} + (c.g % 60))`);
  const dueRule = await draftRule(base, adminHeaders, dueStore.id, 'DUE-1', 'PT1H');
  await fetch(`${base}/stores/${dueStore.id}/rules/${dueRule.id}/activate`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ backfill: 'within_window' }) });
  const sentCount = async () => Number((await db.query(`select count(*) from message where rule_id = $1 and status = 'sent'`, [dueRule.id])).rows[0].count);
  await new Promise((r) => setTimeout(r, Math.max(0, firstDue - Date.now())));
  const cpuBefore = cpuSnapshot(pids);
  await waitUntil(async () => (await sentCount()) >= DUE_SENDS, (lead + 600) * 1000, 1000);
  const cpuAfter = cpuSnapshot(pids);
  const { rows } = await db.query(
    `select count(*)::int as n,
            percentile_cont(0.5) within group (order by extract(epoch from sent_at - due_at)) as p50,
            percentile_cont(0.99) within group (order by extract(epoch from sent_at - due_at)) as p99,
            max(extract(epoch from sent_at - due_at)) as max
     from message where rule_id = $1 and status = 'sent'`,
    [dueRule.id],
  );
  const r = rows[0];
  if (r.n < DUE_SENDS) console.log(`WARNING: only ${r.n} of ${DUE_SENDS} due messages were sent before the bench gave up`);
  console.log(
    `due-minute sends: ${r.n}/${DUE_SENDS} sent; lateness p50 ${Number(r.p50).toFixed(1)} s, p99 ${Number(r.p99).toFixed(1)} s, max ${Number(r.max).toFixed(1)} s (target p99 < 60 s)`,
  );
  console.log(`  CPU ms per send while they went out: ${cpuPerItem(cpuBefore, cpuAfter, r.n)} (machine idle ${(cpuAfter.idle - cpuBefore.idle).toFixed(0)} s)`);
  await db.end();
  const raw = await rawDueCeiling(client, address, pids);
  console.log(
    `raw ceiling, same server: ${raw.n} no-op workflows due in one minute (held start, one empty local activity); lateness p50 ${raw.p50.toFixed(1)} s, p99 ${raw.p99.toFixed(1)} s`,
  );
  console.log(`  CPU ms per no-op workflow (its worker runs in the bench process): ${raw.cpu}`);
  console.log(`due-minute throughput, ours / raw: ${(r.n / (60 + Number(r.max))).toFixed(0)} / ${(raw.n / (60 + raw.max)).toFixed(0)} per s = ${((r.n / (60 + Number(r.max))) / (raw.n / (60 + raw.max))).toFixed(2)}`);
}

/** The same due minute with nothing of ours in it: what the Temporal server and SDK alone achieve. */
async function rawDueCeiling(client, address, pids) {
  const { NativeConnection, Worker, bundleWorkflowCode } = await import('@temporalio/worker');
  const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };
  const { Runtime } = await import('@temporalio/worker');
  try { Runtime.install({ logger: quiet }); } catch { /* installed already */ }
  const workflowBundle = await bundleWorkflowCode({ workflowsPath: join(ROOT, 'scripts', 'bench-due.workflow.js'), logger: quiet });
  const connection = await NativeConnection.connect({ address });
  const lateness = [];
  const taskQueue = `bench-raw-due-${randomBytes(3).toString('hex')}`;
  const worker = await Worker.create({
    // The retention worker's own settings (apps/worker/src/retention-worker.ts), so the ceiling is like for like.
    connection, taskQueue, workflowBundle, maxCachedWorkflows: 100, maxConcurrentWorkflowTaskPolls: 20, maxConcurrentWorkflowTaskExecutions: 100,
    activities: { async touch(dueAt) { lateness.push((Date.now() - Date.parse(dueAt)) / 1000); } },
  });
  const running = worker.run();
  const lead = 60 + Math.ceil(DUE_SENDS / 200);
  const base = Date.now() + lead * 1000;
  await load('raw held starts (due-minute ceiling)', DUE_SENDS, CONCURRENCY, async (i) => {
    const dueAt = base + (i % 60) * 1000;
    await client.workflow.start('benchDueWorkflow', { workflowId: `${taskQueue}/${i}`, taskQueue, args: [new Date(dueAt).toISOString()], startDelay: dueAt - Date.now() });
  });
  await new Promise((r) => setTimeout(r, Math.max(0, base - Date.now())));
  const cpuBefore = cpuSnapshot(pids);
  await waitUntil(async () => lateness.length >= DUE_SENDS, (lead + 600) * 1000, 1000);
  const cpuAfter = cpuSnapshot(pids);
  worker.shutdown();
  await running;
  await connection.close();
  lateness.sort((a, b) => a - b);
  const n = lateness.length;
  return { n, p50: percentile(lateness, 50), p99: percentile(lateness, 99), max: lateness.at(-1), cpu: `${cpuPerItem(cpuBefore, cpuAfter, n)} (machine idle ${(cpuAfter.idle - cpuBefore.idle).toFixed(0)} s)` };
}

main().catch((err) => {
  console.error(err);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
