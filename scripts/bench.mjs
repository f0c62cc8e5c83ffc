// `npm run bench`: the stack on loopback (PostgreSQL, a Temporal dev server, the built api and worker as
// their own processes), then webhook acceptance against the raw signalWithStart ceiling of the same server.
import { spawn, spawnSync } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT } from './ensure-temporal.mjs';

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
  start('temporal', cli, [
    'server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(temporalPort), '--log-level', 'error',
    ...['BoomerangStoreId', 'BoomerangRuleId', 'BoomerangCustomer', 'BoomerangRetentionState'].flatMap((n) => ['--search-attribute', `${n}=Keyword`]),
  ]);
  spawnSync('node', ['libs/persistence/dist/cli.js', 'migrate'], { cwd: ROOT, env: { ...process.env, DATABASE_URL: dbUrl }, stdio: 'ignore' });
  await waitFor(temporalPort);
  const env = { DATABASE_URL: dbUrl, TEMPORAL_ADDRESS: `127.0.0.1:${temporalPort}`, API_PORT: String(apiPort), API_HOST: '127.0.0.1' };
  start('worker', 'node', ['apps/worker/dist/main.js'], env);
  start('api', 'node', ['apps/api/dist/main.js'], env);
  await waitFor(apiPort);
  const base = `http://127.0.0.1:${apiPort}/api/v1`;
  const adminHeaders = { authorization: 'Bearer dev-admin-key', 'content-type': 'application/json' };
  const store = await (await fetch(`${base}/stores`, { method: 'POST', headers: adminHeaders, body: JSON.stringify({ name: 'Bench' }) })).json();
  await fetch(`${base}/stores/${store.id}/rules`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ name: 'Bench', status: 'active', windowDays: 30, senderName: 'B', senderEmail: 'b@bench.example', subject: 'Hi', bodyHtml: '<p>Hi</p>' }),
  });

  console.log(`\nBoomerang bench: ${REQUESTS} requests per phase, concurrency ${CONCURRENCY}, everything on loopback (2 cores shared)\n`);
  const runId = randomBytes(3).toString('hex');
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

  const { Client, Connection } = await import('@temporalio/client');
  const connection = await Connection.connect({ address: env.TEMPORAL_ADDRESS });
  const client = new Client({ connection });
  const ceiling = await load('raw signalWithStart (ceiling)', REQUESTS, CONCURRENCY, async (i) => {
    await client.workflow.signalWithStart('retentionWorkflow', {
      workflowId: `bench-raw/${runId}/${i}`,
      taskQueue: 'bench-raw-unpolled',
      args: [{}],
      signal: 'purchase',
      signalArgs: [{ orderId: String(i), purchasedAt: new Date().toISOString() }],
    });
  });
  await connection.close();

  console.log(`\nwebhook / raw signalWithStart throughput ratio: ${(webhook.rate / ceiling.rate).toFixed(2)}`);
  console.log(`webhook p99 / raw p99: ${(webhook.p99 / ceiling.p99).toFixed(2)}`);
  const check = new pg.Client({ connectionString: dbUrl });
  await check.connect();
  const { rows } = await check.query(`select count(*)::int as n, count(dispatched_at)::int as delivered from retention_dispatch`);
  console.log(`purchase signals recorded ${rows[0].n}, delivered ${rows[0].delivered} (every accepted webhook accounted for: ${rows[0].n === REQUESTS})`);
  await check.end();

  for (const c of children.reverse()) c.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  await admin.query(`drop database if exists "${dbName}" with (force)`);
  await admin.end();
}

main().catch((err) => {
  console.error(err);
  for (const c of children) c.kill('SIGKILL');
  process.exit(1);
});
