import type { INestApplication } from '@nestjs/common';
import { bundleWorkflowCode } from '@temporalio/worker';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openOrm, type MikroORM } from '@boomerang/persistence';
import { signWebhook } from '@boomerang/stores';
import { createTestDatabase, startTemporal, TcpProxy, temporalCliPath, type TestDatabase } from '@boomerang/testing';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import type { PostmarkSettings } from '@boomerang/email';
import { fileURLToPath } from 'node:url';
import { createApiApp } from '../src/create-app.js';
import { loadApiConfig, type ApiConfig } from '../src/config.js';
// The whole-stack harness composes both apps as production runs them: the worker is the worker app's own composition.
import { createRetentionWorker, type RetentionWorkers } from '../../worker/src/retention-worker.js';

export const ADMIN_KEY = 'test-admin-key';

/** The whole slice, every part real: PostgreSQL, a Temporal dev server, the worker and the api on a free port. */
export interface Stack {
  db: TestDatabase;
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  worker: RetentionWorkers | null;
  workerRun: Promise<void>;
  app: INestApplication;
  baseUrl: string;
  config: ApiConfig;
  /** The api reaches Temporal through this proxy, so a test can make Temporal unreachable. */
  temporalProxy: TcpProxy;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** Send through Postmark (the fake server in tests) instead of the outbox. */
  postmark?: PostmarkSettings;
  /** Extra api environment, e.g. POSTMARK_WEBHOOK_USER. */
  env?: Record<string, string>;
  /** false: no in-process worker (a test runs the real worker binary itself). */
  worker?: boolean;
  /** Extra Temporal dev server flags (see startTemporal). */
  temporalArgs?: string[];
  /** Prepares the fresh database before anything connects and returns the api's own DATABASE_URL (the fuzz suite gives the api its own role). */
  apiDatabaseUrl?: (url: string) => Promise<string>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase();
  const env = await startTemporal(options.temporalArgs);
  const [host, port] = env.address.split(':');
  const temporalProxy = new TcpProxy({ host: host!, port: Number(port) });
  const envVars = {
    DATABASE_URL: options.apiDatabaseUrl ? await options.apiDatabaseUrl(db.url) : db.url,
    TEMPORAL_ADDRESS: await temporalProxy.up(),
    ADMIN_API_KEY: ADMIN_KEY,
    API_PORT: '0',
    DISPATCH_SWEEP_MS: '500',
    ...options.env,
  };
  // Bundled from source in the test run, so a forbidden import in workflow code fails here.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../../libs/workflows/src/workflows.ts', import.meta.url)),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  const orm = await openOrm(db.url);
  const config = loadApiConfig(envVars);
  const worker = options.worker === false ? null : await createRetentionWorker({
    connection: env.nativeConnection,
    orm,
    lifecycle: RetentionLifecycle.fromClient(env.client),
    settings: { namespace: 'default', publicUrl: config.publicUrl, unsubscribeSecret: config.unsubscribeSecret, postmark: options.postmark ?? null },
    workflowBundle,
  });
  const workerRun = worker ? worker.run() : Promise.resolve();
  const app = await createApiApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    db,
    env,
    orm,
    worker,
    workerRun,
    app,
    config,
    temporalProxy,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async stop() {
      if (process.env.RECORD_HISTORIES) await recordHistories(env, process.env.RECORD_HISTORIES);
      await temporalProxy.up();
      await app.close();
      worker?.shutdown();
      await workerRun;
      await orm.close(true);
      await temporalProxy.down();
      await env.teardown();
      await db.drop();
    },
  };
}

export async function api(stack: Stack, method: string, path: string, body?: unknown, key = ADMIN_KEY) {
  const res = await fetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

export async function postWebhook(stack: Stack, storeId: string, secret: string, raw: string, signature = signWebhook(secret, raw)) {
  const res = await fetch(`${stack.baseUrl}/api/v1/stores/${storeId}/webhooks/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-boomerang-signature': signature },
    body: raw,
  });
  return { status: res.status, body: await res.json() };
}

export function order(overrides: Record<string, unknown> = {}) {
  return {
    id: 'order-1001',
    status: 'completed',
    currency: 'USD',
    customer: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', lastName: 'Doe', optedIn: true },
    lineItems: [{ sku: 'COFFEE-1KG', name: 'House blend 1kg', quantity: 2, price: 18.5 }],
    totals: { subtotal: 37, tax: 3, shipping: 5, total: 45 },
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const CAN_SPAM = {
  companyName: 'Bean There LLC',
  street: '1 Roast Street',
  city: 'Portland',
  region: 'OR',
  postalCode: '97201',
  country: 'US',
};

/** A store with its CAN-SPAM details complete, ready to activate rules. */
export async function createReadyStore(stack: Stack, name: string, settings: Record<string, unknown> = {}) {
  const created = await api(stack, 'POST', '/api/v1/stores', { name });
  if (created.status !== 201) throw new Error(`store creation failed: ${JSON.stringify(created.body)}`);
  const updated = await api(stack, 'PATCH', `/api/v1/stores/${created.body.id}`, { ...CAN_SPAM, ...settings });
  if (updated.status !== 200) throw new Error(`store settings failed: ${JSON.stringify(updated.body)}`);
  return created.body as { id: string; apiKey: string; webhookSecret: string };
}

/** `RECORD_HISTORIES=dir` saves every workflow history of the run (as `temporal workflow show -o json`) for the replay tests. */
async function recordHistories(env: TestWorkflowEnvironment, dir: string): Promise<void> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { execFileSync } = await import('node:child_process');
  await mkdir(dir, { recursive: true });
  for await (const wf of env.client.workflow.list()) {
    const json = execFileSync(temporalCliPath(), ['workflow', 'show', '--address', env.address, '-w', wf.workflowId, '-r', wf.runId, '-o', 'json'], {
      maxBuffer: 64 * 1024 * 1024,
    });
    const name = `${wf.type}-${wf.workflowId.replace(/[^a-z0-9]+/gi, '-').slice(0, 80)}-${wf.runId.slice(0, 8)}.json`;
    await writeFile(`${dir}/${name}`, json);
  }
}
