// The whole `npm start` stack (scripts/start.mjs) on free ports and a fresh data directory: it comes up, a worker
// killed with SIGKILL comes back, and SIGTERM to the start process stops everything, leaving no port open and no
// process behind; and each built app refuses a bad configuration at start-up. Needs the built apps (`npm test` builds
// before its integration phase) and a Temporal CLI.
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { groupAlive } from './supervisor.mjs';

const ROOT = join(import.meta.dirname, '..');

async function freePort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function portOpen(port) {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => (socket.destroy(), resolve(false)));
  });
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(check, what, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('npm start (scripts/start.mjs), the whole stack', () => {
  let dataDir;
  let start;
  let output = '';
  let exit = null;
  const ports = {};

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'boomerang-start-'));
    // Run as root, embedded PostgreSQL runs as the `postgres` user, which must reach its data directory.
    chmodSync(dataDir, 0o755);
    for (const name of ['API_PORT', 'DASHBOARD_PORT', 'TEMPORAL_PORT', 'TEMPORAL_UI_PORT', 'EMBEDDED_PG_PORT']) ports[name] = await freePort();
    const env = { ...process.env, ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])), DATA_DIR: dataDir };
    for (const name of ['DATABASE_URL', 'TEMPORAL_ADDRESS', 'NODE_ENV', 'ADMIN_API_KEY', 'UNSUBSCRIBE_SECRET', 'POSTMARK_SERVER_TOKEN']) delete env[name];
    // Its own process group, so afterAll can clean up whatever a failed test leaves.
    start = spawn(process.execPath, ['scripts/start.mjs'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    start.stdout.on('data', (chunk) => (output += chunk));
    start.stderr.on('data', (chunk) => (output += chunk));
    start.once('exit', (code, signal) => (exit = { code, signal }));
    await until(() => output.includes('Boomerang is running') || exit, 'the stack to start', 240_000);
    if (exit) throw new Error(`npm start exited (${JSON.stringify(exit)}):\n${output.slice(-3000)}`);
  }, 300_000);

  afterAll(() => {
    try {
      process.kill(-start.pid, 'SIGKILL');
    } catch {
      // stopped by the test
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  /** Pids the supervisor logged for `name` (`[start] worker     started (pid 123)`), oldest first. */
  const pidsOf = (name) => [...output.matchAll(new RegExp(`\\[start\\] ${name} +started \\(pid (\\d+)\\)`, 'g'))].map((m) => Number(m[1]));

  it('answers on the api and the dashboard', async () => {
    const health = await fetch(`http://127.0.0.1:${ports.API_PORT}/api/v1/health`);
    expect(health.status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${ports.DASHBOARD_PORT}/`)).status).toBeLessThan(500);
    for (const port of Object.values(ports)) expect(await portOpen(port)).toBe(true);
  });

  it('restarts a worker killed with SIGKILL', async () => {
    const [first] = pidsOf('worker');
    process.kill(first, 'SIGKILL');
    const second = await until(() => pidsOf('worker')[1], 'a new worker', 30_000);
    expect(output).toMatch(/\[start\] worker +exited \(SIGKILL\) after .*; restarting in 1s \(restart 1\)/);
    expect(alive(second)).toBe(true);
    expect(alive(first)).toBe(false);
    // The new worker's own line, after the supervisor says it started: the first worker may have been killed before it
    // printed its line, and what it wrote before dying may still arrive after the kill.
    const polls = () => {
      const started = output.indexOf(`started (pid ${second})`);
      return started >= 0 && output.slice(started).includes('polling task queue "retention"');
    };
    await until(polls, 'the new worker to poll', 120_000).catch((err) => {
      throw new Error(`${err.message}; the stack's output since the kill:\n${output.slice(output.lastIndexOf('exited (SIGKILL)') - 200).slice(-4000)}`);
    });
  }, 180_000);

  it('stops everything on SIGTERM: no port open, no child left', async () => {
    const children = ['temporal', 'worker', 'api', 'dashboard'].flatMap(pidsOf);
    expect(children.length).toBeGreaterThanOrEqual(5);
    process.kill(start.pid, 'SIGTERM');
    await until(() => exit, 'npm start to exit', 90_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(output).toMatch(/\[start\] postgres +stopped\n\[start\] stopped/);
    for (const [name, port] of Object.entries(ports)) expect([name, await portOpen(port)]).toEqual([name, false]);
    expect(children.filter((pid) => alive(pid) || groupAlive(pid))).toEqual([]);
    // PostgreSQL and anything else start.mjs spawned outside the supervisor share its process group.
    expect(groupAlive(start.pid)).toBe(false);
  }, 120_000);
});

describe('each app refuses a bad configuration at start-up, with one message and exit code 78', () => {
  /** Runs a built app with `env` only (plus PATH); resolves with its exit code and output. */
  function runApp(main, env) {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, [main], { cwd: ROOT, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk) => (output += chunk));
      child.stderr.on('data', (chunk) => (output += chunk));
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
  }
  const DATABASE_URL = 'postgres://boomerang:boomerang@127.0.0.1:1/boomerang';

  it('api: bad values and, in production, the development secrets', async () => {
    const { code, output } = await runApp('apps/api/dist/main.js', {
      NODE_ENV: 'production',
      DATABASE_URL,
      API_PORT: 'abc',
      DISPATCH_SWEEP_MS: '-1',
      ADMIN_API_KEY: 'dev-admin-key',
      PUBLIC_URL: 'https://mail.example.com',
    });
    expect(code).toBe(78);
    expect(output).toMatch(/^api: invalid configuration\n/);
    for (const name of ['API_PORT', 'DISPATCH_SWEEP_MS', 'ADMIN_API_KEY', 'UNSUBSCRIBE_SECRET', 'POSTMARK_WEBHOOK_SECRET']) {
      expect(output).toContain(`  ${name}: `);
    }
    expect(output).not.toMatch(/\n\s+at /); // one message, no stack trace
  });

  it('worker: a malformed DATABASE_URL and, in production, the development unsubscribe secret', async () => {
    const { code, output } = await runApp('apps/worker/dist/main.js', { NODE_ENV: 'production', DATABASE_URL: 'localhost:5432', UNSUBSCRIBE_SECRET: 'dev-unsubscribe-secret' });
    expect(code).toBe(78);
    for (const name of ['DATABASE_URL', 'UNSUBSCRIBE_SECRET', 'PUBLIC_URL']) expect(output).toContain(`  ${name}: `);
    expect(output).not.toMatch(/\n\s+at /);
  });

  it('dashboard: a malformed API_URL', async () => {
    const { code, output } = await runApp('apps/dashboard/server.js', { API_URL: 'api:3000', PORT: String(await freePort()) });
    expect(code).toBe(78);
    expect(output).toContain('  API_URL: must be an absolute http:// or https:// URL');
  });
});
