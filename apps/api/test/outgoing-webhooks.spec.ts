import { WebhookReceiver } from '@boomerang/testing';
import { Webhook } from 'standardwebhooks';
import { api, createReadyStore, eventually, order, postAndProject, postWebhook, startStack, type Stack } from './harness.js';

/**
 * Issue 13, point 6 on the whole stack: orders arriving through intake raise events that the worker's per-endpoint
 * Temporal workflow delivers to a receiver on loopback, signed per Standard Webhooks, in order; a failing receiver is
 * retried with backoff and holds the line; one failing past the limit (a day in production, seconds here) is disabled
 * and the technical contact alerted; deliveries are logged and can be sent again; nothing is lost while Temporal is down.
 */

/** What the receiver kept, read as our events. */
const events = (receiver: WebhookReceiver) =>
  receiver.received.map((r) => {
    const body = r.rawBody.toString('utf8');
    const parsed = JSON.parse(body) as { type: string; data: { order: { externalId: string } } };
    return { headers: r.headers as Record<string, string>, body, type: parsed.type, orderId: parsed.data.order?.externalId };
  });

const DISABLE_AFTER_MS = 6_000;

describe('outgoing webhooks on the whole stack', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };
  const receiver = new WebhookReceiver();
  let receiverUrl = '';
  const merchant = (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/stores/${store.id}${path}`, body, store.apiKey);
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);
  let endpointId = '';
  let secret = '';

  beforeAll(async () => {
    receiverUrl = await receiver.start('/hooks');
    // Any 2xx is a delivery, not only 200.
    receiver.status = 204;
    stack = await startStack({ webhooks: { disableAfterMs: DISABLE_AFTER_MS, maxRetryIntervalMs: 1_000 } });
    store = await createReadyStore(stack, 'Hooked Beans');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await receiver.stop();
  });

  it('refuses bad endpoints with a 400 naming the field, and keeps other stores out', async () => {
    const bad = await merchant('POST', '/webhook-endpoints', { url: 'ftp://example.com/x', eventTypes: ['order.created'] });
    expect(bad).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field: 'url' })] } });
    const unknown = await merchant('POST', '/webhook-endpoints', { url: receiverUrl, eventTypes: ['order.exploded'] });
    expect(unknown).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field: 'eventTypes.0' })] } });
    const none = await merchant('POST', '/webhook-endpoints', { url: receiverUrl, eventTypes: [] });
    expect(none).toMatchObject({ status: 400, body: { issues: [expect.objectContaining({ field: 'eventTypes' })] } });
    expect((await merchant('GET', '/webhook-endpoints')).body.endpoints).toEqual([]);

    const created = await merchant('POST', '/webhook-endpoints', {
      url: receiverUrl,
      description: 'ERP',
      eventTypes: ['order.created', 'order.updated', 'order.paid', 'order.cancelled'],
    });
    expect(created.status).toBe(201);
    expect(created.body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created.body.endpoint).toMatchObject({ url: receiverUrl, status: 'active', pending: 0 });
    endpointId = created.body.endpoint.id;
    secret = created.body.secret;
    expect((await merchant('GET', `/webhook-endpoints/${endpointId}/secret`)).body.secret).toBe(secret);
    // The secret is sealed at rest.
    const [row] = await sql<{ secret_sealed: string }>(`select secret_sealed from webhook_endpoint where id = ?`, [endpointId]);
    expect(row!.secret_sealed).not.toContain(secret.slice(6, 20));

    const other = await createReadyStore(stack, 'Other Hooks');
    expect((await api(stack, 'GET', `/api/v1/stores/${other.id}/webhook-endpoints/${endpointId}`, undefined, other.apiKey)).status).toBe(404);
    expect((await api(stack, 'GET', `/api/v1/stores/${other.id}/webhook-endpoints/${endpointId}/deliveries`, undefined, other.apiKey)).status).toBe(404);
    expect((await merchant('GET', `/webhook-endpoints/${endpointId}/deliveries?limit=0`)).status).toBe(400);
  });

  it('delivers the events of orders in order, signed per Standard Webhooks, and logs each delivery', async () => {
    const at = (minutes: number) => new Date(Date.UTC(2026, 10, 26, 10, minutes)).toISOString();
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-1', status: 'pending', createdAt: at(0), updatedAt: at(0) })));
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-1', status: 'processing', createdAt: at(0), updatedAt: at(1) })));
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-1', status: 'cancelled', createdAt: at(0), updatedAt: at(2) })));
    await eventually(async () => receiver.received.length >= 5, 30_000);
    expect(events(receiver).map((r) => r.type)).toEqual(['order.created', 'order.updated', 'order.paid', 'order.updated', 'order.cancelled']);
    const hook = new Webhook(secret);
    for (const r of events(receiver)) {
      const verified = hook.verify(r.body, r.headers) as { data: { order: { externalId: string; status: string } } };
      expect(verified.data.order.externalId).toBe('hook-1');
    }
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(events(receiver)[0]!.body, events(receiver)[0]!.headers as Record<string, string>)).toThrow();
    expect(new Set(events(receiver).map((r) => r.headers['webhook-id'])).size).toBe(5);

    // The worker records a batch's attempts after sending it: the log catches up with the receiver.
    const log = await eventually(async () => {
      const page = await merchant('GET', `/webhook-endpoints/${endpointId}/deliveries`);
      return page.body.deliveries?.every((d: { status: string }) => d.status === 'delivered') ? page : null;
    }, 30_000);
    expect(log.status).toBe(200);
    expect(log.body.deliveries).toHaveLength(5);
    expect(log.body.deliveries[0]).toMatchObject({ eventType: 'order.cancelled', status: 'delivered', attempts: 1, lastStatusCode: 204 });
    expect(log.body.deliveries.every((d: { lastDurationMs: number }) => d.lastDurationMs >= 0)).toBe(true);
    const detail = await merchant('GET', `/webhook-endpoints/${endpointId}/deliveries/${log.body.deliveries[0].id}`);
    expect(detail.body.payload).toMatchObject({ type: 'order.cancelled', data: { order: { externalId: 'hook-1', status: 'cancelled', previousStatus: 'processing' } } });
    expect(detail.body.attempts).toEqual([expect.objectContaining({ statusCode: 204, error: null })]);

    // The order's timeline shows what it sent, and where.
    const [hook1] = await sql<{ id: string }>(`select id from store_order where store_id = ? and external_id = 'hook-1'`, [store.id]);
    const timeline = (await merchant('GET', `/orders/${hook1!.id}/timeline`)).body.items as { kind: string; eventType: string; endpointUrl: string; summary: string }[];
    const sent = timeline.filter((e) => e.kind === 'webhook_delivered');
    expect(sent.map((e) => e.eventType).sort()).toEqual(['order.cancelled', 'order.created', 'order.paid', 'order.updated', 'order.updated']);
    expect(sent[0]).toMatchObject({ endpointUrl: receiverUrl, summary: `Webhook ${sent[0]!.eventType} delivered to ${receiverUrl}` });
  });

  it('retries a failing receiver with backoff while later events wait their turn; a resend goes out again with the same webhook-id', async () => {
    receiver.received.length = 0;
    receiver.failNext = 2;
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-2', status: 'pending' })));
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-3', status: 'pending' })));
    await eventually(async () => receiver.received.length >= 2, 30_000);
    expect(events(receiver).map((r) => r.orderId)).toEqual(['hook-2', 'hook-3']);
    const log = await eventually(async () => {
      const page = (await merchant('GET', `/webhook-endpoints/${endpointId}/deliveries?limit=2`)).body;
      return page.deliveries?.every((d: { status: string }) => d.status === 'delivered') ? page : null;
    }, 30_000);
    const first = log.deliveries.find((d: { subjectId: string; attempts: number }) => d.attempts > 1);
    expect(first).toMatchObject({ status: 'delivered', attempts: 3, lastStatusCode: 204 });
    const attempts = (await merchant('GET', `/webhook-endpoints/${endpointId}/deliveries/${first.id}`)).body.attempts;
    expect(attempts.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 204]);
    expect(attempts[0].error).toContain('receiver is down');
    expect((await merchant('GET', `/webhook-endpoints/${endpointId}`)).body).toMatchObject({ status: 'active', failingSince: null, pending: 0 });

    const resent = await merchant('POST', `/webhook-endpoints/${endpointId}/deliveries/${first.id}/resend`);
    expect(resent).toMatchObject({ status: 202, body: { status: 'pending', eventId: first.eventId } });
    await eventually(async () => receiver.received.length >= 3, 30_000);
    expect(events(receiver)[2]!.headers['webhook-id']).toBe(first.eventId);
    expect(events(receiver)[2]!.orderId).toBe('hook-2');
  });

  it('keeps events while Temporal is down and delivers them when it is back', async () => {
    receiver.received.length = 0;
    await stack.temporalProxy.down();
    try {
      const accepted = await postWebhook(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-4', status: 'pending' })));
      expect(accepted.status).toBe(202);
      await eventually(async () => (await sql(`select 1 from webhook_delivery where subject_id = (select id from store_order where external_id = 'hook-4')`)).length === 1, 30_000);
    } finally {
      await stack.temporalProxy.up();
    }
    await eventually(async () => events(receiver).some((r) => r.orderId === 'hook-4'), 60_000);
  });

  it('disables an endpoint that fails past the limit and alerts the technical contact; enabling it delivers what was owed, in order', async () => {
    // The store belongs to an account whose technical contact gets the alert.
    await sql(`insert into account (id, technical_contact_name, technical_contact_email, created_at) values (gen_random_uuid(), 'Tess', 'tess@hooked.example', now())`);
    await sql(`update store set account_id = (select id from account where technical_contact_email = 'tess@hooked.example') where id = ?`, [store.id]);
    receiver.received.length = 0;
    receiver.status = 500;
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-5', status: 'pending' })));
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-6', status: 'pending' })));
    const disabled = await eventually(async () => {
      const e = (await merchant('GET', `/webhook-endpoints/${endpointId}`)).body;
      return e.status === 'disabled' ? e : null;
    }, 60_000);
    expect(disabled.disabledReason).toMatch(/^failing since .*answered 500: receiver is down$/);
    expect(disabled.pending).toBe(2);
    const alert = await eventually(async () => (await sql<{ subject: string; text: string }>(`select subject, text from outbox_email where to_address = 'tess@hooked.example'`))[0], 10_000);
    expect(alert.subject).toBe(`Webhook endpoint disabled: ${receiverUrl}`);
    expect(alert.text).toContain(`/stores/${store.id}/webhooks/${endpointId}`);
    // Nothing more is attempted while disabled.
    const hits = receiver.hits;
    await new Promise((r) => setTimeout(r, 2_500));
    expect(receiver.hits).toBe(hits);

    receiver.status = 204;
    const enabled = await merchant('PATCH', `/webhook-endpoints/${endpointId}`, { status: 'active' });
    expect(enabled.body).toMatchObject({ status: 'active', disabledReason: null, failingSince: null });
    await eventually(async () => receiver.received.length >= 2, 30_000);
    expect(events(receiver).map((r) => r.orderId)).toEqual(['hook-5', 'hook-6']);
  });

  it('raises customer.unsubscribed and customer.subscribed wherever the subscription changes (here: the merchant on the card)', async () => {
    const second = new WebhookReceiver();
    const url = await second.start('/crm');
    try {
      const created = await merchant('POST', '/webhook-endpoints', { url, eventTypes: ['customer.subscribed', 'customer.unsubscribed'] });
      const [customer] = await sql<{ id: string; email: string }>(`select id, email from customer where store_id = ? order by created_at limit 1`, [store.id]);
      expect((await merchant('POST', `/customers/${customer!.id}/subscription`, { subscribed: false, reason: 'asked by phone' })).status).toBe(200);
      expect((await merchant('POST', `/customers/${customer!.id}/subscription`, { subscribed: false })).status).toBe(200);
      expect((await merchant('POST', `/customers/${customer!.id}/subscription`, { subscribed: true })).status).toBe(200);
      await eventually(async () => second.received.length >= 2, 30_000);
      const got = second.received.map((r) => JSON.parse(r.rawBody.toString()) as { type: string; data: { customer: { email: string }; source: string; reason: string | null } });
      // The second unsubscribe changed nothing, so it raised nothing.
      expect(got.map((e) => e.type)).toEqual(['customer.unsubscribed', 'customer.subscribed']);
      expect(got[0]!.data).toMatchObject({ customer: { email: customer!.email }, source: 'merchant', reason: 'asked by phone' });
      new Webhook(created.body.secret).verify(second.received[0]!.rawBody.toString(), second.received[0]!.headers as Record<string, string>);
      expect((await merchant('DELETE', `/webhook-endpoints/${created.body.endpoint.id}`)).status).toBe(204);
    } finally {
      await second.stop();
    }
  });

  it('stops delivering to a deleted endpoint', async () => {
    expect((await merchant('DELETE', `/webhook-endpoints/${endpointId}`)).status).toBe(204);
    expect((await merchant('GET', `/webhook-endpoints/${endpointId}`)).status).toBe(404);
    const hits = receiver.hits;
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'hook-7', status: 'pending' })));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(receiver.hits).toBe(hits);
    expect(await sql(`select 1 from webhook_delivery where endpoint_id = ?`, [endpointId])).toEqual([]);
  });
});
