import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import type { NormalizedOrder } from '@boomerang/domain';
import { SyncRunSchema, type MikroORM } from '@boomerang/persistence';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { openTestOrm, seedRow, startTemporal, temporalCliPath, type TestOrm } from '@boomerang/testing';
import { STORE_SYNC_TASK_QUEUE } from '@boomerang/workflows';
import { PlatformError, type OrderPage, type PlatformClient } from '../platforms/platform.port.js';
import { createSyncActivities } from './historical-sync.activities.js';
import type { NormalizedDelivery, SyncIntakePort, SyncSourcePort } from './sync.ports.js';

const quiet = { info() {}, warn() {}, error: console.error, debug() {}, trace() {}, log() {} };

/** The nth order of a made-up history, one hour after the previous; only what the walk and intake look at matters. */
function historyOrder(n: number): NormalizedOrder {
  const at = new Date(Date.parse('2026-01-01T00:00:00Z') + n * 3_600_000).toISOString();
  return {
    externalId: String(100_000 + n),
    number: `#${1000 + n}`,
    adminUrl: null,
    status: 'completed',
    currency: 'USD',
    subtotalMinor: 1850,
    discountMinor: 0,
    shippingMinor: 500,
    taxMinor: 150,
    totalMinor: 2500,
    createdAt: at,
    updatedAt: at,
    customer: { email: `customer${n % 7}@history.example`, externalId: String(n % 7), firstName: null, lastName: null, phone: null, company: null, group: null, registered: true, optedIn: true, note: null },
    billingAddress: null,
    shippingAddress: null,
    lineItems: [],
    trackingNumbers: [],
  };
}

/** A platform of `count` orders paged by offset, that logs every page asked for and lets a test hold or fail one. */
class PagingDouble {
  readonly cursors: (string | null)[] = [];
  /** Answers for the next calls at a cursor, before the real page: an error to throw, or a gate to wait on. */
  readonly script = new Map<string | null, (() => Promise<void>)[]>();

  constructor(readonly count: number) {}

  source(): SyncSourcePort {
    const unused = () => Promise.reject(new Error('a sync does not call this'));
    const client: PlatformClient = {
      testConnection: unused,
      registerWebhooks: unused,
      unregisterWebhooks: unused,
      fetchOrder: unused,
      countProducts: unused,
      listOrders: async (cursor, pageSize): Promise<OrderPage> => {
        this.cursors.push(cursor);
        const step = this.script.get(cursor)?.shift();
        if (step) await step();
        const from = cursor === null ? 0 : Number(cursor);
        const to = Math.min(this.count, from + pageSize);
        const orders = Array.from({ length: to - from }, (_, i) => historyOrder(from + i));
        return { orders, next: to < this.count ? String(to) : null, total: this.count };
      },
    };
    return async () => ({ platform: 'shopify', client });
  }
}

/** Intake that keeps what it accepted by delivery id, and reports a backlog that drains on the second look. */
class IntakeDouble implements SyncIntakePort {
  readonly deliveries = new Map<string, NormalizedDelivery>();
  accepted = 0;
  backlogLooks = 0;
  async acceptNormalized(_storeId: string, _platform: string, events: NormalizedDelivery[]) {
    for (const e of events) this.deliveries.set(e.deliveryId, e);
    this.accepted += events.length;
  }
  async unprojected() {
    return this.backlogLooks++ === 0 ? 3 : 0;
  }
}

function gate(): { wait: () => Promise<void>; reached: Promise<void>; open: () => void; fail: (err: Error) => void } {
  let reachedResolve!: () => void;
  let release!: () => void;
  let reject!: (err: Error) => void;
  const reached = new Promise<void>((r) => (reachedResolve = r));
  const held = new Promise<void>((res, rej) => ((release = res), (reject = rej)));
  return { wait: () => (reachedResolve(), held), reached, open: () => release(), fail: (err) => reject(err) };
}

describe('historicalSyncWorkflow (Temporal dev server, PostgreSQL)', () => {
  let env: TestWorkflowEnvironment;
  let db: TestOrm;
  let orm: MikroORM;
  let bundle: WorkflowBundleWithSourceMap;
  let lifecycle: RetentionLifecycle;
  const backfilled: string[] = [];

  beforeAll(async () => {
    [env, db, bundle] = await Promise.all([
      startTemporal(),
      openTestOrm('boomerang_sync'),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../workflows/src/workflows.ts', import.meta.url)), logger: quiet }),
    ]);
    orm = db.orm;
    lifecycle = RetentionLifecycle.fromClient(env.client);
  }, 120_000);

  afterAll(async () => {
    // RECORD_HISTORIES=dir keeps every run's history (continue-as-new runs included) for the replay spec in libs/workflows.
    if (env && process.env.RECORD_HISTORIES) {
      mkdirSync(process.env.RECORD_HISTORIES, { recursive: true });
      await new Promise((resolve) => setTimeout(resolve, 3_000)); // visibility lists closed runs a moment later
      for await (const wf of env.client.workflow.list()) {
        const args = ['workflow', 'show', '--address', env.address, '-w', wf.workflowId, '-r', wf.runId, '-o', 'json'];
        writeFileSync(`${process.env.RECORD_HISTORIES}/${wf.type}-${wf.runId.slice(-8)}.json`, execFileSync(temporalCliPath(), args));
      }
    }
    await env?.teardown();
    await db?.close();
  });

  async function worker(sources: SyncSourcePort, intake: SyncIntakePort) {
    const w = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: STORE_SYNC_TASK_QUEUE,
      workflowBundle: bundle,
      activities: createSyncActivities({ orm, sources, intake, backfill: async (storeId) => (backfilled.push(storeId), 2) }),
    });
    return { worker: w, running: w.run() };
  }

  const run = (storeId: string) => orm.em.fork().findOneOrFail(SyncRunSchema, { storeId });
  const result = (storeId: string) => env.client.workflow.getHandle(`historical-sync/${storeId}`).result();

  it('pages through every order across continue-as-new, hands each to intake once, then back-fills the rules', async () => {
    const storeId = await seedRow(orm.em.fork(), 'store');
    const platform = new PagingDouble(45);
    const hold = gate();
    platform.script.set('20', [hold.wait]);
    const intake = new IntakeDouble();
    const { worker: w, running } = await worker(platform.source(), intake);
    try {
      const first = await lifecycle.startHistoricalSync({ storeId, syncRunId: crypto.randomUUID(), pageSize: 10, pagesPerRun: 2 });
      expect(first.started).toBe(true);
      await hold.reached;
      // While it runs: a second start is refused, the query and the row both say 20 of 45.
      const again = await lifecycle.startHistoricalSync({ storeId, syncRunId: crypto.randomUUID() });
      expect(again).toEqual({ workflowId: `historical-sync/${storeId}`, started: false });
      expect(await lifecycle.describeHistoricalSync(storeId)).toMatchObject({ state: 'running', fetched: 20, total: 45 });
      expect(await run(storeId)).toMatchObject({ state: 'running', fetched: 20, total: 45, platform: 'shopify' });
      hold.open();

      await expect(result(storeId)).resolves.toEqual({ fetched: 45, rulesBackfilled: 2 });
      expect(platform.cursors).toEqual([null, '10', '20', '30', '40']);
      expect(intake.accepted).toBe(45);
      expect(intake.deliveries.size).toBe(45);
      const order = intake.deliveries.get('sync:100000:2026-01-01T00:00:00.000Z');
      expect(order).toMatchObject({ topic: 'sync/order', event: { kind: 'order', order: { externalId: '100000' } } });
      // The back-fill waited for intake's backlog (3 pending on the first look) and ran once, for this store.
      expect(intake.backlogLooks).toBe(2);
      expect(backfilled.filter((s) => s === storeId)).toHaveLength(1);
      expect(await run(storeId)).toMatchObject({ state: 'completed', fetched: 45, total: 45, error: null });
      expect((await run(storeId)).finishedAt).toBeInstanceOf(Date);
      // Continue-as-new after every 2 pages: the chain has more than one run.
      const described = await env.client.workflow.getHandle(`historical-sync/${storeId}`).describe();
      expect(described.raw.workflowExecutionInfo?.firstRunId).not.toBe(described.runId);
    } finally {
      w.shutdown();
      await running;
    }
  });

  it('resumes after a worker restart at the page it had reached, without fetching from the start', async () => {
    const storeId = await seedRow(orm.em.fork(), 'store');
    const platform = new PagingDouble(50);
    const crash = gate();
    platform.script.set('30', [crash.wait]);
    const intake = new IntakeDouble();
    const first = await worker(platform.source(), intake);
    await lifecycle.startHistoricalSync({ storeId, syncRunId: crypto.randomUUID(), pageSize: 10 });
    await crash.reached;
    // The worker goes away mid-page: the page in flight fails, nothing after page 3 was recorded.
    first.worker.shutdown();
    crash.fail(new Error('worker process killed'));
    await first.running;
    expect(platform.cursors).toEqual([null, '10', '20', '30']);

    const afterRestart = new PagingDouble(50);
    const second = await worker(afterRestart.source(), intake);
    try {
      await expect(result(storeId)).resolves.toMatchObject({ fetched: 50 });
      expect(afterRestart.cursors).toEqual(['30', '40']);
      expect(intake.deliveries.size).toBe(50);
      expect(await run(storeId)).toMatchObject({ state: 'completed', fetched: 50, total: 50 });
    } finally {
      second.worker.shutdown();
      await second.running;
    }
  });

  it("waits out a platform's retryable refusal (429) and fails with its words on a permanent one (401)", async () => {
    const retried = await seedRow(orm.em.fork(), 'store');
    const refused = await seedRow(orm.em.fork(), 'store');
    const platform = new PagingDouble(25);
    platform.script.set('10', [
      async () => {
        throw new PlatformError('shopify', 429, 'Exceeded 2 calls per second for api client', true);
      },
    ]);
    const refusing = new PagingDouble(25);
    refusing.script.set(null, [
      async () => {
        throw new PlatformError('shopify', 401, '[API] Invalid API key or access token (unrecognized login or wrong password)', false);
      },
    ]);
    const intake = new IntakeDouble();
    const sources: SyncSourcePort = async (storeId) => (storeId === refused ? refusing.source() : platform.source())(storeId);
    const { worker: w, running } = await worker(sources, intake);
    try {
      await lifecycle.startHistoricalSync({ storeId: retried, syncRunId: crypto.randomUUID(), pageSize: 10 });
      await lifecycle.startHistoricalSync({ storeId: refused, syncRunId: crypto.randomUUID(), pageSize: 10 });

      await expect(result(retried)).resolves.toMatchObject({ fetched: 25 });
      expect(platform.cursors).toEqual([null, '10', '10', '20']);
      expect(await run(retried)).toMatchObject({ state: 'completed', fetched: 25 });

      await expect(result(refused)).rejects.toThrow();
      expect(refusing.cursors).toEqual([null]);
      const failed = await run(refused);
      expect(failed).toMatchObject({ state: 'failed', fetched: 0 });
      expect(failed.error).toBe('shopify answered 401: [API] Invalid API key or access token (unrecognized login or wrong password)');
    } finally {
      w.shutdown();
      await running;
    }
  });

  it('stops, saying why, when the store is reconnected to another platform mid-walk', async () => {
    const storeId = await seedRow(orm.em.fork(), 'store');
    const platform = new PagingDouble(30);
    const hold = gate();
    platform.script.set('10', [hold.wait]);
    let current: 'shopify' | 'bigcommerce' = 'shopify';
    const source = platform.source();
    const sources: SyncSourcePort = async (id) => {
      const found = await source(id);
      return found && { ...found, platform: current };
    };
    const { worker: w, running } = await worker(sources, new IntakeDouble());
    try {
      await lifecycle.startHistoricalSync({ storeId, syncRunId: crypto.randomUUID(), pageSize: 10 });
      await hold.reached;
      current = 'bigcommerce';
      hold.fail(new Error('connection replaced'));
      await expect(result(storeId)).rejects.toThrow();
      expect(await run(storeId)).toMatchObject({ state: 'failed', fetched: 10, error: 'the store was reconnected to bigcommerce during the sync: start it again' });
    } finally {
      w.shutdown();
      await running;
    }
  });

  it('fails at once, saying so, when the store has no connection to sync from', async () => {
    const storeId = await seedRow(orm.em.fork(), 'store');
    const { worker: w, running } = await worker(async () => null, new IntakeDouble());
    try {
      await lifecycle.startHistoricalSync({ storeId, syncRunId: crypto.randomUUID() });
      await expect(result(storeId)).rejects.toThrow();
      expect(await run(storeId)).toMatchObject({ state: 'failed', platform: null, error: expect.stringMatching(/no platform connection/) });
    } finally {
      w.shutdown();
      await running;
    }
  });
});
