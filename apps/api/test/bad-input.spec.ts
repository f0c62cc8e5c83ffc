import { signWebhook } from '@boomerang/stores';
import { api, createReadyStore, order, postAndProject, postWebhook, startStack, type Stack } from './harness.js';

async function counts(stack: Stack) {
  const [row] = await stack.orm.em.fork().execute<{ events: string; orders: string; customers: string; dispatches: string; rules: string }[]>(
    `select (select count(*) from inbox_event) as events, (select count(*) from store_order) as orders, (select count(*) from customer) as customers,
            (select count(*) from retention_dispatch) as dispatches, (select count(*) from retention_rule) as rules`,
  );
  return { events: Number(row.events), orders: Number(row.orders), customers: Number(row.customers), dispatches: Number(row.dispatches), rules: Number(row.rules) };
}

describe('bad input gets a 4xx naming the problem and writes nothing', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };
  let before: Awaited<ReturnType<typeof counts>>;

  beforeAll(async () => {
    stack = await startStack();
    store = await createReadyStore(stack, 'Strict Store');
    await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Blanket',
      status: 'active',
      windowDays: 30,
      senderName: 'Strict',
      senderEmail: 'shop@strict.example',
      subject: 'Hello',
      bodyHtml: '<p>Hi</p>',
    });
    // One accepted order that later bad requests must not disturb.
    expect((await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order()))).status).toBe(202);
    before = await counts(stack);
  });

  afterEach(async () => {
    expect(await counts(stack)).toEqual(before);
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('rejects malformed JSON even when correctly signed', async () => {
    const res = await postWebhook(stack, store.id, store.webhookSecret, '{"id": "x", ');
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('malformed_json');
  });

  it('names every missing or mistyped field', async () => {
    const bad = { ...order(), status: 'teleported', customer: { email: 'not-an-email' }, lineItems: [{ sku: '', quantity: 0, price: 'free' }] };
    delete (bad as Record<string, unknown>).currency;
    const res = await postWebhook(stack, store.id, store.webhookSecret, JSON.stringify(bad));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('validation_failed');
    const fields = res.body.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(
      expect.arrayContaining(['status', 'currency', 'customer.email', 'lineItems.0.sku', 'lineItems.0.quantity', 'lineItems.0.price']),
    );
  });

  it('rejects a wrong or missing signature', async () => {
    const raw = JSON.stringify(order({ id: 'order-forged' }));
    const wrong = await postWebhook(stack, store.id, store.webhookSecret, raw, signWebhook('not-the-secret', raw));
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ error: 'invalid_signature' });
    const missing = await fetch(`${stack.baseUrl}/api/v1/stores/${store.id}/webhooks/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    expect(missing.status).toBe(401);
    expect((await missing.json()).message).toMatch(/missing x-boomerang-signature/);
  });

  it('answers 404 for an unknown store', async () => {
    const raw = JSON.stringify(order());
    const res = await postWebhook(stack, '00000000-0000-4000-8000-000000000000', store.webhookSecret, raw);
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('not_found');
    const notUuid = await postWebhook(stack, 'no-such-store', store.webhookSecret, raw);
    expect(notUuid.status).toBe(404);
  });

  it('rejects a bad or missing API key, and another store\'s key', async () => {
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/rules`, undefined, 'bk_wrong')).status).toBe(401);
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/rules`, undefined, '')).body.error).toBe('unauthorized');
    const other = (await api(stack, 'POST', '/api/v1/stores', { name: 'Other' })).body;
    before = await counts(stack);
    expect((await api(stack, 'GET', `/api/v1/stores/${store.id}/rules`, undefined, other.apiKey)).status).toBe(401);
    expect((await api(stack, 'POST', '/api/v1/stores', { name: 'Sneaky' }, store.apiKey)).status).toBe(401);
  });

  it('rejects an invalid rule, naming the field', async () => {
    const res = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Broken',
      windowDays: 0,
      sendingFilter: 'everyone',
      skus: ['OK', ''],
      senderName: 'X',
      senderEmail: 'nope',
      subject: 'Hi',
      bodyHtml: '<p>{{#if}}</p>',
    });
    expect(res.status).toBe(400);
    const fields = res.body.issues.map((i: { field: string }) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['windowDays', 'sendingFilter', 'skus.1', 'senderEmail']));
    const template = await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
      name: 'Broken template',
      windowDays: 3,
      senderName: 'X',
      senderEmail: 'x@strict.example',
      subject: 'Hi',
      bodyHtml: '<p>{{#if customer.firstName}}unclosed</p>',
    });
    expect(template.status).toBe(400);
    expect(template.body.issues[0].field).toBe('bodyHtml');
    expect(template.body.issues[0].message).toMatch(/line 1/i);
  });

  it('rejects a malformed JSON body on the REST API', async () => {
    const res = await fetch(`${stack.baseUrl}/api/v1/stores`, {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-key', 'content-type': 'application/json' },
      body: '{name:',
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('malformed_json');
  });
});
