import { IntakeService } from '@boomerang/intake';
import { openOrm, type MikroORM } from '@boomerang/persistence';
import { signWebhook } from '@boomerang/stores';
import { TcpProxy } from '@boomerang/testing';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { createIntakeProjector } from '../../worker/src/intake-projector.js';
import { api, createReadyStore, eventually, order, postAndProject, postWebhook, startStack, waitForProjection, type Stack } from './harness.js';

const RULE = { name: 'Blanket', status: 'active', window: 'PT1H', senderName: 'Inbox', senderEmail: 'shop@inbox.example', subject: 'Hi', bodyHtml: '<p>Hi</p>' };

describe('durable-first order intake (inbox, projector, import, dead letters)', () => {
  let stack: Stack;
  let dbProxy: TcpProxy;
  let store: { id: string; apiKey: string; webhookSecret: string };
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);

  beforeAll(async () => {
    // The api reaches PostgreSQL through a proxy the test can cut; the projector (the worker) does not.
    dbProxy = new TcpProxy({ host: '127.0.0.1', port: 5432 });
    const through = await dbProxy.up();
    stack = await startStack({
      apiDatabaseUrl: async (url) => {
        const u = new URL(url);
        u.host = through;
        return u.toString();
      },
    });
    store = await createReadyStore(stack, 'Inbox Coffee');
    expect((await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, RULE, store.apiKey)).status).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await dbProxy?.up();
    await stack?.stop();
    await dbProxy?.down();
  });

  it('answers 202 with the event id after one INSERT; a redelivery is a duplicate; projection follows', async () => {
    const raw = JSON.stringify(order({ id: 'inbox-1', customer: { email: 'first@inbox.example' } }));
    const first = await postWebhook(stack, store.id, store.webhookSecret, raw);
    expect(first).toEqual({ status: 202, body: { eventId: expect.any(String), duplicate: false } });
    const again = await postWebhook(stack, store.id, store.webhookSecret, raw);
    expect(again).toEqual({ status: 202, body: { eventId: first.body.eventId, duplicate: true } });
    const projected = await waitForProjection(stack, store.id, first.body.eventId);
    expect(projected).toMatchObject({ state: 'projected', attempts: 1, result: { kind: 'order', status: 'completed', applied: true, rulesArmed: 1 } });
    expect(await sql(`select count(*)::int as n from retention_dispatch where store_id = ?`, [store.id])).toEqual([{ n: 1 }]);
  });

  it('answers 503 with a JSON body while PostgreSQL is unreachable, stores nothing, and 202 once it is back', async () => {
    const raw = JSON.stringify(order({ id: 'outage-1', customer: { email: 'outage@inbox.example' } }));
    await dbProxy.down();
    try {
      const res = await postWebhook(stack, store.id, store.webhookSecret, raw);
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ error: 'unavailable', message: expect.stringContaining('database') });
    } finally {
      await dbProxy.up();
    }
    expect(await sql(`select 1 from inbox_event where store_id = ? and convert_from(body, 'UTF8') like '%outage-1%'`, [store.id])).toEqual([]);
    // The platform's retry lands once the database is back.
    const retried = await eventually(async () => {
      const res = await postWebhook(stack, store.id, store.webhookSecret, raw);
      return res.status === 202 ? res : undefined;
    }, 30_000);
    expect(retried.body.duplicate).toBe(false);
  });

  it('imports up to 500 generic orders in one call, validated, with re-imports as duplicates', async () => {
    const orders = [1, 2, 3].map((i) => order({ id: `imp-${i}`, customer: { email: `imp${i}@inbox.example` }, createdAt: new Date(Date.now() - i * 60_000).toISOString() }));
    const res = await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, orders, store.apiKey);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ accepted: 3, duplicates: 0 });
    const again = await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, orders.slice(0, 1), store.apiKey);
    expect(again.body).toMatchObject({ accepted: 0, duplicates: 1, events: [{ eventId: res.body.events[0].eventId, duplicate: true }] });
    for (const e of res.body.events) expect(await waitForProjection(stack, store.id, e.eventId)).toMatchObject({ state: 'projected' });
    expect(await sql(`select external_id from store_order where store_id = ? and external_id like 'imp-%' order by 1`, [store.id])).toEqual([
      { external_id: 'imp-1' },
      { external_id: 'imp-2' },
      { external_id: 'imp-3' },
    ]);

    // Amounts are read as the schema parses them (a string with spaces is the decimal inside), never as sent.
    const spaced = await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, [order({ id: 'imp-spaced', totals: { total: ' 9.50 ' } })], store.apiKey);
    expect(spaced.status).toBe(202);
    await waitForProjection(stack, store.id, spaced.body.events[0].eventId);
    expect(await sql(`select total_cents::int as total from store_order where store_id = ? and external_id = 'imp-spaced'`, [store.id])).toEqual([{ total: 950 }]);

    const bad = await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, [order({ id: 'imp-ok' }), order({ id: 'imp-bad', currency: 'NOPE' })], store.apiKey);
    expect(bad.status).toBe(400);
    expect(bad.body.issues).toEqual([expect.objectContaining({ field: '1.currency' })]);
    const tooMany = await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, Array.from({ length: 501 }, (_, i) => order({ id: `many-${i}` })), store.apiKey);
    expect(tooMany.status).toBe(400);
    expect(await sql(`select 1 from inbox_event where store_id = ? and (delivery_id like 'import:imp-ok%' or delivery_id like 'import:many-%')`, [store.id])).toEqual([]);
    const other = await createReadyStore(stack, 'Other');
    expect((await api(stack, 'POST', `/api/v1/stores/${store.id}/orders/import`, orders, other.apiKey)).status).toBe(401);
  });

  it('lists an event that cannot be projected in the dead-letter list with its reason, and retries it', async () => {
    // A light payload (BigCommerce) for a store without a platform connection can never be fetched.
    const [accepted] = await new IntakeService(stack.orm).acceptNormalized(store.id, 'bigcommerce', [
      { deliveryId: 'bc-hook-1', topic: 'store/order/created', event: { kind: 'order_ref', externalId: '101' } },
    ]);
    expect(await waitForProjection(stack, store.id, accepted!.eventId)).toMatchObject({ state: 'parked', lastError: expect.stringContaining('no connection') });
    const list = await api(stack, 'GET', `/api/v1/stores/${store.id}/intake/dead-letters`, undefined, store.apiKey);
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ total: 1, items: [{ eventId: accepted!.eventId, platform: 'bigcommerce', deliveryId: 'bc-hook-1', attempts: 1, lastError: expect.stringContaining('no connection') }] });
    const other = await createReadyStore(stack, 'Nosy');
    expect((await api(stack, 'POST', `/api/v1/stores/${other.id}/intake/dead-letters/${accepted!.eventId}/retry`, undefined, other.apiKey)).status).toBe(404);
    const retried = await api(stack, 'POST', `/api/v1/stores/${store.id}/intake/dead-letters/${accepted!.eventId}/retry`, undefined, store.apiKey);
    expect(retried).toMatchObject({ status: 202, body: { eventId: accepted!.eventId, state: 'pending', attempts: 0 } });
    // Still no connection: parked again, with a fresh count.
    expect(await waitForProjection(stack, store.id, accepted!.eventId)).toMatchObject({ state: 'parked', attempts: 1 });
  });

  it('loses and doubles nothing when the projector is killed in the middle of a round and another takes over', async () => {
    const shop = await createReadyStore(stack, 'Restart');
    const rule = await api(stack, 'POST', `/api/v1/stores/${shop.id}/rules`, RULE, shop.apiKey);
    expect(rule.status).toBe(201);
    // The harness's projector stands down; projector A (its own connections, named) will be killed mid-round.
    await stack.projector!.stop();
    const N = 60;
    const ids: string[] = [];
    try {
      for (let i = 0; i < N; i++) {
        const raw = JSON.stringify(order({ id: `restart-${i}`, customer: { email: `r${i % 20}@restart.example` }, createdAt: new Date(Date.now() - (N - i) * 1000).toISOString() }));
        const res = await postWebhook(stack, shop.id, shop.webhookSecret, raw);
        expect(res.status).toBe(202);
        ids.push(res.body.eventId);
      }
      const url = new URL(stack.db.url);
      url.searchParams.set('application_name', 'projector-a');
      const ormA: MikroORM = await openOrm(stack.db.url, { driverOptions: { application_name: 'projector-a' } });
      const lifecycle = RetentionLifecycle.fromClient(stack.env.client);
      const a = createIntakeProjector({ orm: ormA, lifecycle, databaseUrl: url.toString(), policy: { batch: 20 }, logger: { warn() {} } });
      a.start();
      // Killed once it holds an open transaction that has written (a round in progress): its backends are terminated.
      const killed = await eventually(async () => {
        const rows = await sql<{ ok: boolean }>(
          `select pg_terminate_backend(pid) as ok from pg_stat_activity where application_name = 'projector-a' and backend_xid is not null`,
        );
        return rows.length ? rows : undefined;
      }, 30_000, 5);
      expect(killed.length).toBeGreaterThan(0);
      await a.stop();
      await ormA.close(true);
      const afterKill = await sql<{ state: string; n: number }>(`select state, count(*)::int as n from inbox_event where store_id = ? group by state order by state`, [shop.id]);
      expect(afterKill.find((r) => r.state === 'pending')?.n).toBeGreaterThan(0);
    } finally {
      // The next projector (the worker restarted) takes over.
      stack.projector!.start();
    }
    for (const id of ids) expect(await waitForProjection(stack, shop.id, id)).toMatchObject({ state: 'projected', result: { applied: true, rulesArmed: 1 } });
    expect(await sql(`select count(*)::int as n, count(distinct external_id)::int as d from store_order where store_id = ?`, [shop.id])).toEqual([{ n: N, d: N }]);
    // One purchase signal per order, each delivered once; one enrollment per customer.
    expect(await sql(`select count(*)::int as n, count(distinct order_id)::int as d from retention_dispatch where store_id = ?`, [shop.id])).toEqual([{ n: N, d: N }]);
    expect(await sql(`select count(*)::int as n from retention_enrollment where store_id = ?`, [shop.id])).toEqual([{ n: 20 }]);
    await eventually(async () => (await sql<{ n: number }>(`select count(*)::int as n from retention_dispatch where store_id = ? and dispatched_at is null`, [shop.id]))[0]!.n === 0, 60_000);
    expect(await sql(`select count(*)::int as n from order_line where store_id = ?`, [shop.id])).toEqual([{ n: N }]);
  }, 180_000);

  it('projects a signed webhook exactly like the receipt promised (postAndProject)', async () => {
    const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'inbox-2', status: 'pending', customer: { email: 'p@inbox.example' } })));
    expect(res.body).toMatchObject({ duplicate: false, kind: 'order', status: 'pending', applied: true, rulesArmed: 0 });
    const wrong = await postWebhook(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'inbox-3' })), signWebhook('nope', 'x'));
    expect(wrong.status).toBe(401);
  });
});
