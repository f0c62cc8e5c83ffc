import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

type Store = { id: string; apiKey: string; webhookSecret: string };

/** Segments over the whole stack: the api, the worker's projector and its segment scheduler, real PostgreSQL and Temporal. */
describe('segments', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  const segments = (store: Store, path = '', method = 'GET', body?: unknown, key?: string) =>
    api(stack, method, `/api/v1/stores/${store.id}/segments${path}`, body, key ?? store.apiKey);
  const buy = async (store: Store, id: string, email: string, extra: Record<string, unknown> = {}) => {
    const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id, customer: { email, firstName: 'Sam' }, ...extra })));
    expect(res.status).toBe(202);
    return res.body as { customerId: string; orderId: string };
  };
  const memberEmails = async (store: Store, segmentId: string) =>
    ((await segments(store, `/${segmentId}/members?limit=100`)).body.members as { email: string }[]).map((m) => m.email).sort();
  const cond = (criterion: string, qualifier: string, value: unknown) => ({ criterion, qualifier, value });

  it('gives every new store the four defaults, editable and deletable', async () => {
    const store = await createReadyStore(stack, 'Defaults');
    const list = await segments(store);
    expect(list.status).toBe(200);
    expect(list.body.segments.map((s: { defaultKey: string; name: string; memberCount: number }) => [s.defaultKey, s.name, s.memberCount])).toEqual([
      ['amazon', 'Amazon', 0],
      ['new_customers', 'New Customers', 0],
      ['ordered_60_days', 'Ordered Within 60 Days', 0],
      ['vip', 'VIP Customers', 0],
    ]);
    const vip = list.body.segments[3];
    const edited = await segments(store, `/${vip.id}`, 'PATCH', { definition: { match: 'all', conditions: [cond('total_spent', 'gt', 1000)] } });
    expect(edited.status).toBe(200);
    expect(edited.body.definition).toEqual({ match: 'all', conditions: [cond('total_spent', 'gt', '1000')] });
    expect((await segments(store, `/${list.body.segments[0].id}`, 'DELETE')).status).toBe(204);
    expect((await segments(store)).body.segments).toHaveLength(3);
  });

  it('previews a definition without saving it: count and first members', async () => {
    const store = await createReadyStore(stack, 'Preview');
    await buy(store, 'p-1', 'ann@x.example', { totals: { total: 120 }, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: 120 }] });
    await buy(store, 'p-2', 'ben@x.example', { totals: { total: 15 }, lineItems: [{ sku: 'MUG', quantity: 1, price: 15 }] });
    await buy(store, 'p-3', 'cat@x.example', { totals: { total: 300 }, lineItems: [{ sku: 'COFFEE-250G', quantity: 2, price: 150 }] });
    const before = (await segments(store)).body.segments.length;
    const res = await segments(store, '/preview', 'POST', {
      definition: { match: 'all', conditions: [cond('product_sku', 'contains', 'coffee'), cond('total_spent', 'gt', 100)] },
      limit: 1,
    });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(2);
    expect(res.body.members.map((m: { email: string }) => m.email)).toEqual(['ann@x.example']);
    expect((await segments(store)).body.segments).toHaveLength(before);
  });

  it('answers 400 naming the path of the bad condition, and writes nothing', async () => {
    const store = await createReadyStore(stack, 'Bad input');
    const before = (await segments(store)).body.segments.length;
    const bad = await segments(store, '', 'POST', {
      name: 'Broken',
      definition: { match: 'all', conditions: [cond('orders_count', 'gt', 1), { match: 'any', conditions: [cond('shoe_size', 'eq', 42), cond('email', 'contains', 7)] }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe('validation_failed');
    expect(bad.body.issues.map((i: { field: string }) => i.field)).toEqual(['definition.conditions.1.conditions.0.criterion', 'definition.conditions.1.conditions.1.value']);
    const contradictory = await segments(store, '/preview', 'POST', { definition: { match: 'all', conditions: [cond('orders_count', 'gt', 5), cond('orders_count', 'lt', 2)] } });
    expect(contradictory.status).toBe(400);
    expect(contradictory.body.issues[0].field).toBe('definition.conditions.1');
    const oversized = await segments(store, '/preview', 'POST', { definition: { match: 'any', conditions: Array.from({ length: 31 }, () => cond('orders_count', 'gt', 1)) } });
    expect(oversized.status).toBe(400);
    expect(oversized.body.issues[0].field).toBe('definition.conditions');
    expect((await segments(store)).body.segments).toHaveLength(before);
  });

  it('keeps other stores out: their segments and customers are 404 under another store, and a store key opens no other store (401)', async () => {
    const a = await createReadyStore(stack, 'Tenant A');
    const b = await createReadyStore(stack, 'Tenant B');
    const placed = await buy(a, 't-1', 'tenant@x.example');
    const aSegment = (await segments(a)).body.segments[0];
    expect((await segments(b, `/${aSegment.id}`)).status).toBe(404);
    expect((await segments(b, `/${aSegment.id}/members`)).status).toBe(404);
    expect((await segments(b, `/${aSegment.id}`, 'PATCH', { name: 'Mine' })).status).toBe(404);
    expect((await segments(b, `/${aSegment.id}`, 'DELETE')).status).toBe(404);
    expect((await api(stack, 'GET', `/api/v1/stores/${b.id}/customers/${placed.customerId}/segments`, undefined, b.apiKey)).status).toBe(404);
    // Another store's segment filters no list: 404, not an empty page.
    const filtered = await api(stack, 'GET', `/api/v1/stores/${b.id}/customers?segment=${aSegment.id}`, undefined, b.apiKey);
    expect(filtered.status).toBe(404);
    expect((await api(stack, 'GET', `/api/v1/stores/${b.id}/customers?segment=not-a-uuid`, undefined, b.apiKey)).status).toBe(400);
    // A's key is no credential for B's store.
    expect((await api(stack, 'GET', `/api/v1/stores/${b.id}/segments`, undefined, a.apiKey)).status).toBe(401);
    expect((await api(stack, 'GET', `/api/v1/stores/${b.id}/customers/${placed.customerId}/segments`, undefined, a.apiKey)).status).toBe(401);
    expect((await segments(a, `/${aSegment.id}`)).body.name).toBe(aSegment.name);
  });

  it('moves a customer in within the same second as the order that qualifies them, and records it', async () => {
    const store = await createReadyStore(stack, 'Incremental');
    const created = await segments(store, '', 'POST', {
      name: 'Coffee buyers over 50',
      definition: { match: 'all', conditions: [cond('product_sku', 'eq', 'COFFEE-1KG'), cond('total_spent', 'gt', 50)] },
    });
    expect(created.status).toBe(201);
    const segmentId = created.body.id as string;
    await eventually(async () => !(await segments(store, `/${segmentId}`)).body.evaluating, 5_000, 50);
    const first = await buy(store, 'i-1', 'dee@x.example', { totals: { total: 40 }, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: 40 }] });
    const sent = Date.now();
    const second = await buy(store, 'i-2', 'dee@x.example', { totals: { total: 20 }, lineItems: [{ sku: 'MUG', quantity: 1, price: 20 }] });
    expect(second.customerId).toBe(first.customerId);
    // Projected: the scheduler evaluates the round's customers as soon as it commits.
    const membership = await eventually(async () => {
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/customers/${first.customerId}/segments`, undefined, store.apiKey);
      return res.body.segments.find((s: { segmentId: string }) => s.segmentId === segmentId);
    }, 1_000, 20);
    expect(Date.parse(membership.enteredAt) - sent).toBeLessThan(1_000);
    const view = await api(stack, 'GET', `/api/v1/stores/${store.id}/customers/${first.customerId}/segments`, undefined, store.apiKey);
    expect(view.body.history.filter((h: { segmentId: string }) => h.segmentId === segmentId)).toEqual([
      { segmentId, segmentName: 'Coffee buyers over 50', kind: 'entered', at: membership.enteredAt, cause: 'transaction' },
    ]);
    expect(await memberEmails(store, segmentId)).toEqual(['dee@x.example']);
    // The customers list filters by it, and the customer's timeline shows the entry.
    await buy(store, 'i-3', 'other@x.example', { totals: { total: 5 }, lineItems: [{ sku: 'MUG', quantity: 1, price: 5 }] });
    const listed = await api(stack, 'GET', `/api/v1/stores/${store.id}/customers?segment=${segmentId}`, undefined, store.apiKey);
    expect(listed.status).toBe(200);
    expect(listed.body.total).toBe(1);
    expect(listed.body.items.map((c: { email: string }) => c.email)).toEqual(['dee@x.example']);
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/customers`, undefined, store.apiKey)).body.total).toBe(2);
    const timeline = async () =>
      ((await api(stack, 'GET', `/api/v1/stores/${store.id}/customers/${first.customerId}/timeline`, undefined, store.apiKey)).body.items as {
        kind: string;
        segmentId: string | null;
        segmentName: string | null;
        reason: string | null;
      }[]).filter((e) => e.segmentId === segmentId);
    expect(await timeline()).toEqual([expect.objectContaining({ kind: 'segment_entered', segmentName: 'Coffee buyers over 50', reason: 'transaction' })]);
    // A cancellation takes the coffee order out of the total: the customer leaves, again at once.
    await buy(store, 'i-1', 'dee@x.example', { status: 'cancelled', totals: { total: 40 }, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: 40 }], updatedAt: new Date(Date.now() + 1_000).toISOString() });
    await eventually(async () => (await memberEmails(store, segmentId)).length === 0, 1_000, 20);
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/customers?segment=${segmentId}`, undefined, store.apiKey)).body.total).toBe(0);
    expect((await timeline()).map((e) => e.kind)).toEqual(['segment_left', 'segment_entered']);
  });

  it('lets a customer leave a "within the last N seconds" segment when the time runs out, with no event at all', async () => {
    const store = await createReadyStore(stack, 'Time');
    const created = await segments(store, '', 'POST', {
      name: 'Ordered in the last 4 seconds',
      definition: { match: 'all', conditions: [cond('last_order_date', 'within_last', { amount: 4, unit: 'seconds' })] },
    });
    const segmentId = created.body.id as string;
    await eventually(async () => !(await segments(store, `/${segmentId}`)).body.evaluating, 5_000, 50);
    const placedAt = new Date();
    const placed = await buy(store, 'n-1', 'eve@x.example', { createdAt: placedAt.toISOString() });
    await eventually(async () => (await memberEmails(store, segmentId)).includes('eve@x.example'), 1_000, 20);
    // No order, no webhook, nothing: only the clock.
    const left = await eventually(async () => {
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/customers/${placed.customerId}/segments`, undefined, store.apiKey);
      return res.body.history.find((h: { segmentId: string; kind: string }) => h.segmentId === segmentId && h.kind === 'left');
    }, 8_000, 50);
    expect(left.cause).toBe('time');
    const late = Date.parse(left.at) - (placedAt.getTime() + 4_000);
    expect(late).toBeGreaterThanOrEqual(0);
    expect(late).toBeLessThan(1_000);
    expect(await memberEmails(store, segmentId)).toEqual([]);
  });

  it('a retention rule may target a segment; a customer outside it at send time is skipped with a reason', async () => {
    const store = await createReadyStore(stack, 'Audience', { smartSendingHours: 0 });
    const created = await segments(store, '', 'POST', { name: 'Big orders', definition: { match: 'all', conditions: [cond('single_order_total', 'gt', 100)] } });
    const segmentId = created.body.id as string;
    const other = await createReadyStore(stack, 'Audience other');
    const foreign = (await segments(other)).body.segments[0].id;
    const base = { name: 'Refill', status: 'active', skus: ['COFFEE-1KG'], window: 'PT2S', senderName: 'Bean', senderEmail: 'hello@bean.example', subject: 'Hi', bodyHtml: '<p>Back?</p>' };
    const refused = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, segmentId: foreign }, store.apiKey);
    expect(refused.status).toBe(400);
    expect(refused.body.issues[0].field).toBe('segmentId');
    const rule = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, { ...base, segmentId }, store.apiKey);
    expect(rule.status).toBe(201);
    expect(rule.body.segmentId).toBe(segmentId);
    // In use: the segment cannot be deleted.
    expect((await segments(store, `/${segmentId}`, 'DELETE')).status).toBe(409);
    await buy(store, 'a-1', 'small@x.example', { totals: { total: 20 }, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: 20 }] });
    await buy(store, 'a-2', 'large@x.example', { totals: { total: 200 }, lineItems: [{ sku: 'COFFEE-1KG', quantity: 1, price: 200 }] });
    const done = await eventually(async () => {
      const skipped = (await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/skipped`, undefined, store.apiKey)).body.items;
      const sent = (await api(stack, 'GET', `/api/v1/stores/${store.id}/logs/sent`, undefined, store.apiKey)).body.items;
      return skipped.length === 1 && sent.length === 1 ? { skipped, sent } : undefined;
    }, 30_000);
    expect(done.skipped[0]).toMatchObject({ email: 'small@x.example', reason: 'not_in_segment' });
    expect(done.sent[0]).toMatchObject({ email: 'large@x.example' });
  });
});
