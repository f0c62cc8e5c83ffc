import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { openOrm, type MikroORM } from '@boomerang/persistence';
import { RetentionDispatcher } from '@boomerang/retention';
import { RetentionLifecycle, retentionWorkflowId } from '@boomerang/temporal-client';
import { signWebhook } from '@boomerang/stores';
import { createTestDatabase, FakePostmark, startTemporal, type TestDatabase } from '@boomerang/testing';
import { ADMIN_KEY, api, createReadyStore, eventually, order, type Stack } from './harness.js';

// The real binaries, killed like production processes. Build first: npx tsc -b apps/api apps/worker
// (and node apps/worker/dist/build-bundle.js, else each worker bundles the workflows at start).
const API_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const WORKER_MAIN = fileURLToPath(new URL('../../worker/dist/main.js', import.meta.url));
const ORDERS = 400;
const CONCURRENCY = 16;
// postmark (default): the workers send to the fake Postmark on loopback, and messages are counted where they arrive,
// as a customer would count them. A worker killed between its claim and the HTTP call leaves an unconfirmed hand-off:
// the retry waits out Postmark's index delay (5 minutes in production, 5 s here) before it may resend.
// outbox: the email and its "sent" mark commit together in PostgreSQL.
const TRANSPORT = process.env.REPLICA_TRANSPORT === 'outbox' ? 'outbox' : 'postmark';

interface Proc {
  name: string;
  child: ChildProcess;
  output: string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

describe('two api processes and two workers, one of each killed with SIGKILL during a burst', () => {
  let db: TestDatabase;
  let env: TestWorkflowEnvironment;
  let orm: MikroORM;
  let postmark: FakePostmark | null = null;
  const procs: Proc[] = [];

  const start = (name: string, main: string, extra: Record<string, string>): Proc => {
    const child = spawn(process.execPath, [main], {
      env: { ...process.env, NODE_ENV: 'development', DATABASE_URL: db.url, TEMPORAL_ADDRESS: env.address, ADMIN_API_KEY: ADMIN_KEY, ...extra },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const proc = { name, child, output: [] as string[] };
    const keep = (chunk: Buffer) => {
      proc.output.push(chunk.toString());
      if (proc.output.length > 200) proc.output.shift();
    };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    procs.push(proc);
    return proc;
  };

  const startApi = async (name: string) => {
    const port = await freePort();
    const proc = start(name, API_MAIN, { API_PORT: String(port), API_HOST: '127.0.0.1', DISPATCH_SWEEP_MS: '500' });
    const baseUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => (await fetch(`${baseUrl}/api/v1/health`).catch(() => null))?.ok, 60_000);
    return { proc, baseUrl };
  };

  const kill = async (proc: Proc) => {
    const exited = new Promise((r) => proc.child.once('exit', r));
    proc.child.kill('SIGKILL');
    await exited;
  };

  beforeAll(async () => {
    for (const main of [API_MAIN, WORKER_MAIN]) {
      if (!existsSync(main)) throw new Error(`${main} is missing: build first (npx tsc -b apps/api apps/worker)`);
    }
    db = await createTestDatabase('boomerang_replicas');
    env = await startTemporal();
    orm = await openOrm(db.url);
    if (TRANSPORT === 'postmark') {
      postmark = new FakePostmark();
      await postmark.start();
    }
  });

  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
    await orm?.close(true);
    await env?.teardown();
    await db?.drop();
    await postmark?.stop();
  });

  it('shares one backlog between the sweeps of two replicas without delivering a row twice', async () => {
    // Two replicas' dispatchers (each its own connection pool and Temporal client) sweep the same 300 due rows at once.
    const storeId = '00000000-0000-4000-8000-000000000001';
    const ruleId = '00000000-0000-4000-8000-000000000002';
    await orm.em.fork().execute(
      `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, next_attempt_at)
       select ?, ?, gen_random_uuid(), 'sweep-' || g || '@replicas.example', gen_random_uuid(), now(), 3600, now() - interval '1 minute', now() - interval '1 minute'
       from generate_series(1, 300) g`,
      [storeId, ruleId],
    );
    const quiet = { warn() {} };
    const replicas = await Promise.all([0, 1].map(async () => openOrm(db.url)));
    try {
      const sweeps = await Promise.all(replicas.map((o) => new RetentionDispatcher(o, RetentionLifecycle.fromClient(env.client), quiet).sweep()));
      const [{ n }] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from retention_dispatch where store_id = ? and dispatched_at is null`, [storeId]);
      expect(n).toBe('0');
      // Each row claimed by exactly one replica; both did work.
      expect(sweeps.map((r) => r.delivered).reduce((x, y) => x + y)).toBe(300);
      expect(sweeps.every((r) => r.delivered > 0)).toBe(true);
    } finally {
      await Promise.all(replicas.map((o) => o.close(true)));
    }
    // Temporal saw one purchase signal per row (before the fix both sweeps signalled every row).
    const perWorkflow = await Promise.all(
      Array.from({ length: 300 }, async (_, i) => {
        const history = await env.client.workflow.getHandle(retentionWorkflowId(storeId, ruleId, `sweep-${i + 1}@replicas.example`)).fetchHistory();
        return history.events!.filter((e) => e.workflowExecutionSignaledEventAttributes).length;
      }),
    );
    expect(perWorkflow.filter((n) => n !== 1)).toEqual([]);
  });

  it('delivers every accepted order to its workflow and messages every customer exactly once', async () => {
    const began = Date.now();
    const transport: Record<string, string> = postmark
      ? {
          POSTMARK_SERVER_TOKEN: postmark.serverToken,
          POSTMARK_REQUEST_HOST: postmark.requestHost,
          POSTMARK_TIMEOUT_SECONDS: '30',
          POSTMARK_INDEX_DELAY_SECONDS: '5',
        }
      : {};
    const workerA = start('worker-a', WORKER_MAIN, transport);
    const workerB = start('worker-b', WORKER_MAIN, transport);
    const [a, b] = await Promise.all([startApi('api-a'), startApi('api-b')]);
    // Both workers polling before the burst, so both take sends.
    await eventually(async () => [workerA, workerB].every((w) => w.output.join('').includes('polling task queue')), 60_000);
    const viaA = { baseUrl: a.baseUrl } as Stack;
    const store = await createReadyStore(viaA, 'Replicas', { smartSendingHours: 0 });
    const rule = await api(viaA, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Soon', status: 'active', window: 'PT2S', senderName: 'Replicas', senderEmail: 'shop@replicas.example', subject: 'Hi', bodyHtml: '<p>Come back</p>',
    }, ADMIN_KEY);
    expect(rule.status).toBe(201);

    // The burst: orders spread over both apis; once api B is dead, its share goes to A, as a platform retries a failed
    // webhook delivery. Only a 2xx counts as accepted.
    let bAlive = true;
    let answered = 0;
    let retriedAfterKill = 0;
    let killedAt: { answered: number; sent: number } | null = null;
    const accepted = new Map<string, string>(); // order id -> email
    const post = async (baseUrl: string, raw: string) => {
      const res = await fetch(`${baseUrl}/api/v1/stores/${store.id}/webhooks/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-boomerang-signature': signWebhook(store.webhookSecret, raw) },
        body: raw,
      });
      await res.arrayBuffer();
      return res.status;
    };
    const next = { i: 0 };
    const sender = async () => {
      for (let i = next.i++; i < ORDERS; i = next.i++) {
        const id = `replica-${i}`;
        const email = `customer-${i}@replicas.example`;
        const raw = JSON.stringify(order({ id, customer: { email, firstName: 'R' } }));
        const target = i % 2 === 1 && bAlive ? b.baseUrl : a.baseUrl;
        let status = await post(target, raw).catch(() => 0);
        if (status === 0 && target === b.baseUrl) {
          retriedAfterKill++;
          status = await post(a.baseUrl, raw).catch(() => 0);
        }
        if (status >= 200 && status < 300) accepted.set(id, email);
        answered++;
        if (!killedAt && answered >= ORDERS / 4 && answered % 5 === 0) {
          // Once sends are falling due (or three quarters of the burst is in), kill one api and one worker mid-flight.
          const [{ n }] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from message where status = 'sent'`);
          if (!killedAt && (Number(n) >= 20 || answered >= (ORDERS * 3) / 4)) {
            bAlive = false;
            killedAt = { answered, sent: Number(n) };
            await Promise.all([kill(b.proc), kill(workerB)]);
          }
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, sender));
    const burstDone = Date.now();

    // Every accepted order reaches its workflow (the surviving api's sweep takes over what B left behind) ...
    const undelivered = async () =>
      (await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from retention_dispatch where dispatched_at is null`))[0]!.n;
    // (Waits end quietly so the counts below are printed even when something is missing.)
    // The surviving worker's projector first turns every accepted webhook into its order and signals (B's share too).
    const unprojected = async () =>
      (await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from inbox_event where state <> 'projected'`))[0]!.n;
    await eventually(async () => (await unprojected()) === '0', 120_000, 500).catch(() => undefined);
    await eventually(async () => (await undelivered()) === '0', 120_000, 500).catch(() => undefined);
    const orders = await orm.em.fork().execute<{ external_id: string; dispatched: boolean }[]>(
      `select o.external_id, bool_and(d.dispatched_at is not null) as dispatched
       from store_order o join retention_dispatch d on d.order_id = o.id where o.store_id = ? group by o.external_id`,
      [store.id],
    );
    const deliveredOrders = new Set(orders.filter((o) => o.dispatched).map((o) => o.external_id));
    const lost = [...accepted.keys()].filter((id) => !deliveredOrders.has(id));

    // ... and every accepted customer gets exactly one message (the outbox holds what was sent, one row per email).
    await eventually(async () => {
      const [{ n }] = await orm.em.fork().execute<{ n: string }[]>(`select count(*) as n from message where status = 'sent' and store_id = ?`, [store.id]);
      return Number(n) >= accepted.size;
    }, TRANSPORT === 'postmark' ? 420_000 : 180_000, 1_000).catch(() => undefined);
    // Give a duplicate the chance to show up before counting.
    await new Promise((r) => setTimeout(r, 3_000));
    const perRecipient = postmark
      ? [...postmark.messages.reduce((m, msg) => m.set(msg.To, (m.get(msg.To) ?? 0) + 1), new Map<string, number>())].map(([to, n]) => ({ to_address: to, n: String(n) }))
      : await orm.em.fork().execute<{ to_address: string; n: string }[]>(
          `select to_address, count(*) as n from outbox_email where store_id = ? group by to_address`,
          [store.id],
        );
    const messages = perRecipient.reduce((sum, r) => sum + Number(r.n), 0);
    const duplicates = perRecipient.reduce((sum, r) => sum + Number(r.n) - 1, 0);
    const messaged = new Set(perRecipient.map((r) => r.to_address));
    const unmessaged = [...accepted.values()].filter((email) => !messaged.has(email));
    let workflows = 0;
    let failed = 0;
    for await (const wf of env.client.workflow.list({ query: `WorkflowType = "retentionWorkflow" AND BoomerangStoreId = "${store.id}"` })) {
      workflows++;
      if (wf.status.name !== 'RUNNING' && wf.status.name !== 'COMPLETED' && wf.status.name !== 'CONTINUED_AS_NEW') {
        failed++;
        const why = await env.client.workflow.getHandle(wf.workflowId, wf.runId).result().then(
          () => wf.status.name,
          (err: Error & { cause?: Error }) => `${wf.status.name}: ${err.cause?.message ?? err.message}`,
        );
        if (failed <= 3) console.log(`replica test: workflow ${wf.workflowId} ${why}`);
      }
    }

    const counts = {
      transport: TRANSPORT,
      ordersPosted: ORDERS,
      ordersAccepted: accepted.size,
      retriedOnSurvivingApiAfterKill: retriedAfterKill,
      killedAfterAnswers: killedAt?.answered,
      messagesSentBeforeKill: killedAt?.sent,
      ordersDelivered: accepted.size - lost.length,
      customers: messaged.size,
      messages,
      duplicates,
      customersNotMessaged: unmessaged.length,
      workflows,
      workflowsFailed: failed,
      burstSeconds: (burstDone - began) / 1000,
      totalSeconds: (Date.now() - began) / 1000,
    };
    console.log(`replica test: ${JSON.stringify(counts)}`);

    expect(killedAt).not.toBeNull();
    expect(lost).toEqual([]);
    expect(unmessaged).toEqual([]);
    expect(duplicates).toBe(0);
    expect(failed).toBe(0);
    expect(accepted.size).toBeGreaterThan(ORDERS * 0.9);
    // The surviving processes are still healthy.
    expect((await fetch(`${a.baseUrl}/api/v1/health`)).status).toBe(200);
    expect(workerA.child.exitCode).toBeNull();
  }, 720_000);
});
