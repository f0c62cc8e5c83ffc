import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { createTestDatabase, startTemporal, type TestDatabase } from '@boomerang/testing';

// The browser tests run the production binaries, as `npm start` does: api, worker and the built dashboard, on a fresh
// PostgreSQL database and a Temporal dev server. The build phase of `npm test` produces all three before this runs.
const API_MAIN = fileURLToPath(new URL('../../api/dist/main.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url));
const DASHBOARD_MAIN = fileURLToPath(new URL('../server.js', import.meta.url));
export const ADMIN_KEY = 'e2e-admin-key';

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
}

export interface E2eStack {
  db: TestDatabase;
  temporal: TestWorkflowEnvironment;
  apiUrl: string;
  dashboardUrl: string;
  temporalUiUrl: string;
  /** The last lines each process printed, for a failing test's message. */
  logs(): string;
  stop(): Promise<void>;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface E2eStackOptions {
  /** Extra environment of the api and the worker (e.g. SHOPIFY_API_ORIGIN: the platforms' fakes on loopback). */
  env?: Record<string, string>;
}

export async function startE2eStack(options: E2eStackOptions = {}): Promise<E2eStack> {
  for (const main of [API_MAIN, WORKER_MAIN, DASHBOARD_MAIN]) {
    if (!existsSync(main)) throw new Error(`${main} is missing: run the build first (npm run build)`);
  }
  const db = await createTestDatabase('boomerang_e2e');
  const temporal = await startTemporal();
  const procs: Proc[] = [];
  const [apiPort, dashboardPort] = [await freePort(), await freePort()];
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const dashboardUrl = `http://127.0.0.1:${dashboardPort}`;
  const temporalUiUrl = 'http://127.0.0.1:8233';
  const common = {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'development',
    DATABASE_URL: db.url,
    TEMPORAL_ADDRESS: temporal.address,
    ADMIN_API_KEY: ADMIN_KEY,
    PUBLIC_URL: apiUrl,
    DASHBOARD_URL: dashboardUrl,
  };
  const start = (name: string, main: string, env: Record<string, string>) => {
    const child = spawn(process.execPath, [main], { env: { ...common, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const proc = { name, child, output: [] as string[] };
    const keep = (chunk: Buffer) => {
      proc.output.push(chunk.toString());
      if (proc.output.length > 300) proc.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    procs.push(proc);
  };
  const logs = () => procs.map((p) => `--- ${p.name} (exit ${p.child.exitCode ?? p.child.signalCode ?? 'running'})\n${p.output.join('').slice(-20000)}`).join('\n');

  start('api', API_MAIN, { API_PORT: String(apiPort), API_HOST: '127.0.0.1', DISPATCH_SWEEP_MS: '300', ...options.env });
  start('worker', WORKER_MAIN, options.env ?? {});
  start('dashboard', DASHBOARD_MAIN, {
    PORT: String(dashboardPort),
    HOST: '127.0.0.1',
    ORIGIN: dashboardUrl,
    API_URL: apiUrl,
    TEMPORAL_UI_URL: temporalUiUrl,
  });
  const stop = async () => {
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.child.exitCode !== null || p.child.signalCode !== null) return resolve();
            p.child.once('exit', () => resolve());
            p.child.kill('SIGTERM');
            setTimeout(() => p.child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
    await temporal.teardown();
    await db.drop();
  };
  try {
    await eventually(async () => (await fetch(`${apiUrl}/api/v1/health`).catch(() => null))?.ok, 60_000);
    await eventually(async () => ((await fetch(`${dashboardUrl}/sign-in`).catch(() => null))?.status ?? 500) < 500, 60_000);
    await eventually(async () => procs.find((p) => p.name === 'worker')!.output.join('').includes('polling task queue'), 120_000);
  } catch (err) {
    const message = `the e2e stack did not come up: ${(err as Error).message}\n${logs()}`;
    await stop();
    throw new Error(message);
  }
  return { db, temporal, apiUrl, dashboardUrl, temporalUiUrl, logs, stop };
}
