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
import type { ConnectionPorts } from '../src/connections/connections.providers.js';
// The whole-stack harness composes both apps as production runs them: the worker is the worker app's own composition.
import { createRetentionWorker, type RetentionWorkerParts, type RetentionWorkers } from '../../worker/src/retention-worker.js';
import { createIntakeProjector } from '../../worker/src/intake-projector.js';
import type { InboxProjector, ProjectorPolicy } from '@boomerang/intake';
import { WebhookWaker } from '@boomerang/integrations';
import { webhookSettings, type WebhookSettings } from '@boomerang/validation';

export const ADMIN_KEY = 'test-admin-key';

/** The whole slice, every part real: PostgreSQL, a Temporal dev server, the worker and the api on a free port. */
export interface Stack {
  db: TestDatabase;
  env: TestWorkflowEnvironment;
  orm: MikroORM;
  worker: RetentionWorkers | null;
  workerRun: Promise<void>;
  /** The worker app's inbox projector (null with `projector: false`): accepted webhooks become orders and retention signals. */
  projector: InboxProjector | null;
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
  /** Where the worker's historical syncs read orders (a test double until store connections exist). */
  sync?: RetentionWorkerParts['sync'];
  /** Extra Temporal dev server flags (see startTemporal). */
  temporalArgs?: string[];
  /**
   * The worker app's inbox projector runs in process (even with `worker: false`: a real worker binary started by a
   * test projects too, which several replicas may). Tuning here (a short backoff), or false for none.
   */
  projector?: Partial<ProjectorPolicy> | false;
  /** Prepares the fresh database before anything connects and returns the api's own DATABASE_URL (the fuzz suite gives the api its own role). */
  apiDatabaseUrl?: (url: string) => Promise<string>;
  /** Replaces the api's webhook inbox or platform clients (see connections.providers.ts). */
  ports?: ConnectionPorts;
  /** Outgoing webhooks' timing (receivers on loopback are always allowed here). */
  webhooks?: Partial<WebhookSettings>;
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
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
    ...options.env,
  };
  // Bundled from source in the test run, so a forbidden import in workflow code fails here.
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: fileURLToPath(new URL('../../../libs/workflows/src/workflows.ts', import.meta.url)),
    logger: { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} },
  });
  const orm = await openOrm(db.url);
  const config = loadApiConfig(envVars);
  const webhooks: WebhookSettings = {
    ...webhookSettings({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: true, WEBHOOK_TIMEOUT_SECONDS: 5, WEBHOOK_RETRY_MAX_SECONDS: 2, WEBHOOK_IDLE_POLL_SECONDS: 5, WEBHOOK_SWEEP_SECONDS: 2 }),
    ...options.webhooks,
  };
  const worker = options.worker === false ? null : await createRetentionWorker({
    connection: env.nativeConnection,
    orm,
    lifecycle: RetentionLifecycle.fromClient(env.client),
    settings: {
      namespace: 'default',
      publicUrl: config.publicUrl,
      unsubscribeSecret: config.unsubscribeSecret,
      postmark: options.postmark ?? null,
      credentialsKey: config.credentialsKey,
      platformEndpoints: config.platformEndpoints,
      webhooks,
    },
    workflowBundle,
    sync: options.sync,
  });
  const workerRun = worker ? worker.run() : Promise.resolve();
  // Like the api, the projector reaches Temporal through the proxy, so a test that cuts Temporal cuts its signals too.
  const projectorLifecycle = RetentionLifecycle.lazy({ address: envVars.TEMPORAL_ADDRESS, namespace: 'default' });
  const projector =
    options.projector === false
      ? null
      : createIntakeProjector({
          orm,
          lifecycle: projectorLifecycle,
          databaseUrl: db.url,
          platforms: config,
          policy: { pollMs: 250, backoffMs: 250, ...options.projector },
          logger: { warn() {} },
        });
  projector?.start();
  // Outgoing webhooks' waker, through the proxy like the projector.
  const webhookWaker = new WebhookWaker({ orm, listenUrl: db.url, lifecycle: projectorLifecycle.webhookDeliveries(), policy: webhooks });
  webhookWaker.start();
  const app = await createApiApp(config, { logger: false, ports: options.ports });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  return {
    db,
    env,
    orm,
    worker,
    workerRun,
    projector,
    app,
    config,
    temporalProxy,
    baseUrl: `http://127.0.0.1:${address.port}`,
    async stop() {
      if (process.env.RECORD_HISTORIES) await recordHistories(env, process.env.RECORD_HISTORIES);
      await temporalProxy.up();
      await app.close();
      await webhookWaker.stop();
      await projector?.stop();
      await projectorLifecycle.close();
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

export interface Projected {
  eventId: string;
  state: 'pending' | 'projected' | 'parked';
  attempts: number;
  lastError: string | null;
  result: Record<string, unknown> | null;
}

/** The webhook's receipt merged with what projecting its order did. */
export interface ProjectedReceipt {
  eventId: string;
  duplicate: boolean;
  kind: 'order';
  orderId: string;
  customerId: string;
  status: string;
  applied: boolean;
  rulesArmed: number;
}

/** Waits until the worker's projector has projected (or parked) the event, and answers its state from the api. */
export async function waitForProjection(stack: Stack, storeId: string, eventId: string, timeoutMs = 30_000): Promise<Projected> {
  return eventually(async () => {
    const res = await api(stack, 'GET', `/api/v1/stores/${storeId}/intake/events/${eventId}`);
    if (res.status !== 200) throw new Error(`event ${eventId}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body.state === 'pending' ? undefined : (res.body as Projected);
  }, timeoutMs, 50);
}

/**
 * Posts a signed order webhook (202 `{ eventId, duplicate }`), then waits for its projection: the body merges the
 * receipt with what projection did (`orderId`, `customerId`, `status`, `applied`, `rulesArmed`).
 */
export async function postAndProject(stack: Stack, storeId: string, secret: string, raw: string, signature = signWebhook(secret, raw)) {
  const res = await postWebhook(stack, storeId, secret, raw, signature);
  if (res.status !== 202) return res;
  const projected = await waitForProjection(stack, storeId, res.body.eventId);
  if (projected.state !== 'projected') throw new Error(`event ${res.body.eventId} was parked: ${projected.lastError}`);
  return { status: res.status, body: { ...res.body, ...projected.result } as ProjectedReceipt };
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

/** An active rule on the harness order's SKU that falls due two seconds after the purchase. */
export const COFFEE_REFILL_RULE = {
  name: 'Coffee refill',
  status: 'active',
  skus: ['COFFEE-1KG'],
  window: 'PT2S',
  senderName: 'Alpha',
  senderEmail: 'hello@alpha.example',
  subject: 'Running low, {{customer.firstName}}?',
  bodyHtml: '<p>Hi {{customer.firstName}}</p>',
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
