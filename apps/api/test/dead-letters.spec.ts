import { retentionWorkflowId } from '@boomerang/temporal-client';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

// A server that refuses workflow ids over 120 bytes (`retention/<store>/<rule>/` is 84): an email over 36
// characters makes a signal Temporal refuses for good, as an id over the default 1,000 bytes did before ids were bounded.
const MAX_ID = 120;
const refusedEmail = (tag: string) => `${tag}-${'x'.repeat(40)}@refused.example`;

describe('an accepted order that can never reach its workflow', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };
  let ruleId: string;

  const undelivered = async (email: string) =>
    (await stack.orm.em.fork().execute(`select id from retention_dispatch where email = ? and dispatched_at is null`, [email])).length;
  const workflowExists = async (email: string) => {
    try {
      await stack.env.client.workflow.getHandle(retentionWorkflowId(store.id, ruleId, email)).describe();
      return true;
    } catch {
      return false;
    }
  };

  beforeAll(async () => {
    stack = await startStack({ temporalArgs: ['--dynamic-config-value', `limit.maxIDLength=${MAX_ID}`] });
    store = await createReadyStore(stack, 'Poison');
    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Blanket', status: 'active', window: 'PT1H', senderName: 'Poison', senderEmail: 'shop@poison.example', subject: 'Hi', bodyHtml: '<p>Hi</p>',
    });
    ruleId = rule.body.id;
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('is parked in the store\'s dead-letter list with Temporal\'s reason, and a later order is not held up', async () => {
    const email = refusedEmail('first');
    const accepted = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'poison-1', customer: { email } })));
    expect(accepted.status).toBe(202);
    const good = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'good-1', customer: { email: 'good@x.example' } })));
    expect(good.status).toBe(202);
    // Projected, and its signal delivered after the projection's commit.
    await eventually(async () => (await undelivered('good@x.example')) === 0, 30_000);

    const list = await eventually(async () => {
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters`, undefined, store.apiKey);
      return res.status === 200 && res.body.items.some((i: { email: string }) => i.email === email) ? res.body : undefined;
    }, 30_000);
    const item = list.items.find((i: { email: string }) => i.email === email);
    expect(item).toMatchObject({ kind: 'purchase', orderExternalId: 'poison-1', ruleId, attempts: 1 });
    expect(item.lastError).toMatch(/INVALID_ARGUMENT.*WorkflowId length exceeds limit/);
    // Parked, so no sweep tries it again.
    const before = await stack.orm.em.fork().execute(`select attempts from retention_dispatch where email = ?`, [email]);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(await stack.orm.em.fork().execute(`select attempts from retention_dispatch where email = ?`, [email])).toEqual(before);
  });

  it('does not starve a later order behind 600 older rows that keep failing', async () => {
    // 600 undelivered rows, older than the good order and due for the sweep (before the fix: the sweep took the
    // oldest 500 by id every tick, all failing, and never reached the next one).
    await stack.orm.em.fork().execute(
      `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, next_attempt_at)
       select ?, ?, gen_random_uuid(), 'bulk-' || g || '-' || repeat('x', 40) || '@refused.example', gen_random_uuid(), now(), 3600,
              now() - interval '10 minutes', now() - interval '10 minutes'
       from generate_series(1, 600) g`,
      [store.id, ruleId],
    );
    // The good order's own delivery fails (Temporal cut), so only the sweep can deliver it.
    await stack.temporalProxy.down();
    const email = 'later@x.example';
    expect((await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'later-1', customer: { email } })))).status).toBe(202);
    expect(await undelivered(email)).toBe(1);
    await stack.temporalProxy.up();

    await eventually(async () => (await undelivered(email)) === 0, 90_000);
    expect(await workflowExists(email)).toBe(true);
    // ... and each failing row ends in the dead-letter list instead of coming back every few seconds.
    const parked = await eventually(async () => {
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=5`, undefined, store.apiKey);
      return res.body.total >= 601 ? res.body : undefined;
    }, 60_000);
    expect(parked.items).toHaveLength(5);
    expect(await stack.orm.em.fork().execute(`select id from retention_dispatch where dispatched_at is null and dead_at is null`)).toEqual([]);
  }, 120_000);

  it('retries a dead letter on request: delivered when Temporal now takes it, parked again with the reason when not', async () => {
    const email = 'retry@x.example';
    const [{ id }] = await stack.orm.em.fork().execute(
      `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, attempts, last_error, dead_at)
       values (?, ?, gen_random_uuid(), ?, gen_random_uuid(), now(), 3600, now(), 10, 'an earlier failure', now()) returning id`,
      [store.id, ruleId, email],
    );
    const listed = await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=1000`);
    expect(listed.body.items.some((i: { id: number }) => i.id === Number(id))).toBe(true);
    expect(await workflowExists(email)).toBe(false);

    const retried = await api(stack, 'POST', `/api/v1/stores/${store.id}/dispatch/dead-letters/${id}/retry`, undefined, store.apiKey);
    expect(retried).toMatchObject({ status: 200, body: { id: Number(id), status: 'delivered', attempts: 1 } });
    expect(await workflowExists(email)).toBe(true);
    const after = await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=1000`);
    expect(after.body.items.some((i: { id: number }) => i.id === Number(id))).toBe(false);
    // A retried row is no longer a dead letter: retrying it again is a 404.
    expect((await api(stack, 'POST', `/api/v1/stores/${store.id}/dispatch/dead-letters/${id}/retry`)).status).toBe(404);

    const refused = list0(await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=1`));
    const again = await api(stack, 'POST', `/api/v1/stores/${store.id}/dispatch/dead-letters/${refused.id}/retry`);
    expect(again.body).toMatchObject({ id: refused.id, status: 'dead', attempts: 1 });
    expect(again.body.lastError).toMatch(/INVALID_ARGUMENT/);
  });

  it('answers bad ids with 400, and another store\'s key with 401, touching nothing', async () => {
    const other = await createReadyStore(stack, 'Other');
    const bad = await api(stack, 'POST', `/api/v1/stores/${store.id}/dispatch/dead-letters/abc/retry`);
    expect(bad).toMatchObject({ status: 400, body: { error: 'validation_failed', issues: [{ field: 'id' }] } });
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters?limit=0`)).body.issues[0].field).toBe('limit');
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/dispatch/dead-letters`, undefined, other.apiKey)).status).toBe(401);
    const [{ id }] = await stack.orm.em.fork().execute(`select id from retention_dispatch where store_id = ? and dead_at is not null limit 1`, [store.id]);
    expect((await api(stack, 'POST', `/api/v1/stores/${store.id}/dispatch/dead-letters/${id}/retry`, undefined, other.apiKey)).status).toBe(401);
    // Store B's own list holds none of A's rows, and A's row is not B's to retry.
    expect((await api(stack, 'GET', `/api/v1/stores/${other.id}/dispatch/dead-letters`, undefined, other.apiKey)).body).toEqual({ items: [], total: 0 });
    expect((await api(stack, 'POST', `/api/v1/stores/${other.id}/dispatch/dead-letters/${id}/retry`, undefined, other.apiKey)).status).toBe(404);
    const [row] = await stack.orm.em.fork().execute(`select dead_at from retention_dispatch where id = ?`, [id]);
    expect(row.dead_at).not.toBeNull();
  });
});

function list0(res: { body: { items: { id: number }[] } }) {
  const first = res.body.items[0];
  if (!first) throw new Error('expected a dead letter');
  return first;
}
