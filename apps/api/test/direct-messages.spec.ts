import { randomUUID } from 'node:crypto';
import { FakePostmark } from '@boomerang/testing';
import { api, createReadyStore, order, postAndProject, startStack, type Stack } from './harness.js';

interface Store {
  id: string;
  apiKey: string;
  webhookSecret: string;
}

// "Send messages directly to a customer if they have opted in" (seed 002, order detail): through the real api, a real
// Temporal server and worker, real PostgreSQL, and Postmark faked on loopback with its outages.
describe('direct messages to a customer from the order view', () => {
  let stack: Stack;
  let postmark: FakePostmark;
  let a: Store;
  let b: Store;
  const ids: Record<string, string> = {};

  const send = (customerId: string, body: Record<string, unknown>, store = a) =>
    api(stack, 'POST', `/api/v1/stores/${store.id}/customers/${customerId}/messages`, body, store.apiKey);
  const message = (extra: Record<string, unknown> = {}) => ({
    requestId: randomUUID(),
    orderId: ids.order,
    senderName: 'Alpha Coffee',
    senderEmail: 'owner@alpha.example',
    subject: 'About your order #1001',
    body: 'Hi Jane,\n\nyour parcel leaves tomorrow. <script>alert(1)</script>\nThanks!',
    ...extra,
  });
  const buy = async (store: Store, body: Record<string, unknown>) => {
    const res = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order(body)));
    if (res.status !== 202) throw new Error(JSON.stringify(res.body));
    return res.body as { customerId: string; orderId: string };
  };
  const to = (email: string) => postmark.messages.filter((m) => m.To === email);
  const rows = async () => stack.orm.em.fork().execute<{ status: string; request_id: string }[]>(`select status, request_id from direct_message order by created_at`);
  const fields = (body: { issues?: { field: string }[] }) => (body.issues ?? []).map((i) => i.field).sort();

  beforeAll(async () => {
    postmark = new FakePostmark();
    const requestHost = await postmark.start();
    stack = await startStack({ postmark: { serverToken: postmark.serverToken, requestHost, broadcastStream: 'broadcast', timeoutSeconds: 2 } });
    a = await createReadyStore(stack, 'Alpha Coffee');
    b = await createReadyStore(stack, 'Bravo Tea');
    const jane = await buy(a, { id: 'a-1', number: '#1001', customer: { email: 'jane@alpha.example', firstName: 'Jane', optedIn: true } });
    ids.jane = jane.customerId;
    ids.order = jane.orderId;
    const joe = await buy(a, { id: 'a-2', number: '#1002', customer: { email: 'joe@alpha.example', optedIn: false } });
    ids.joe = joe.customerId;
    ids.joeOrder = joe.orderId;
    ids.bravo = (await buy(b, { id: 'b-1', customer: { email: 'bea@bravo.example', optedIn: true } })).customerId;
  });

  afterAll(async () => {
    await stack?.stop();
    await postmark?.stop();
  });

  it('sends once per request, escaped, with an unsubscribe link, and lists it on the order\'s timeline', async () => {
    const body = message();
    const res = await send(ids.jane!, body);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ status: 'sent', to: 'jane@alpha.example', reason: null });
    const [sent] = to('jane@alpha.example');
    expect(sent).toMatchObject({ From: '"Alpha Coffee" <owner@alpha.example>', Subject: 'About your order #1001', Tag: 'direct-message', Metadata: { messageId: res.body.messageId } });
    expect(sent!.TextBody).toContain('your parcel leaves tomorrow. <script>alert(1)</script>');
    expect(sent!.HtmlBody).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(sent!.HtmlBody).not.toContain('<script>');
    expect(sent!.HtmlBody).toContain('/api/v1/unsubscribe/');
    expect(sent!.Headers).toEqual(expect.arrayContaining([expect.objectContaining({ Name: 'List-Unsubscribe' })]));

    // The same form sent again (a double click, a retried request) is the same message: nothing more goes out.
    const again = await send(ids.jane!, body);
    expect(again.status).toBe(201);
    expect(again.body.messageId).toBe(res.body.messageId);
    expect(to('jane@alpha.example')).toHaveLength(1);

    const timeline = await api(stack, 'GET', `/api/v1/stores/${a.id}/orders/${ids.order}/timeline`, undefined, a.apiKey);
    expect(timeline.body.items).toEqual(
      expect.arrayContaining([expect.objectContaining({ kind: 'customer_messaged', summary: 'Message sent to the customer: About your order #1001' })]),
    );
  });

  it('refuses a customer who has not opted in, another store\'s customer and bad input, writing and sending nothing', async () => {
    const before = { rows: (await rows()).length, sent: postmark.messages.length };
    const notOptedIn = await send(ids.joe!, message({ orderId: ids.joeOrder }));
    expect([notOptedIn.status, notOptedIn.body.error, fields(notOptedIn.body)]).toEqual([409, 'conflict', ['customerId']]);
    expect(notOptedIn.body.message).toContain('not opted in');

    expect((await send(ids.bravo!, message({ orderId: undefined }))).status).toBe(404);
    const otherOrder = await send(ids.jane!, message({ orderId: ids.joeOrder }));
    expect([otherOrder.status, fields(otherOrder.body)]).toEqual([404, ['orderId']]);

    const cases: [Record<string, unknown>, string[]][] = [
      [message({ subject: '' }), ['subject']],
      [message({ senderEmail: 'not an address' }), ['senderEmail']],
      [message({ body: 'x'.repeat(10_001) }), ['body']],
      [message({ requestId: 'twice' }), ['requestId']],
      [message({ cc: 'boss@alpha.example' }), ['(body)']],
    ];
    for (const [body, expected] of cases) {
      const res = await send(ids.jane!, body);
      expect({ status: res.status, fields: fields(res.body) }).toEqual({ status: 400, fields: expected });
    }
    expect({ rows: (await rows()).length, sent: postmark.messages.length }).toEqual(before);
  });

  it('sends exactly once through a Postmark outage and through an answer that never came', async () => {
    // 503s for 3 s: the worker retries with backoff until Postmark takes it.
    postmark.outageFor(3_000, 503);
    const first = await send(ids.jane!, message({ subject: 'Through the outage' }));
    expect([201, 202]).toContain(first.status);
    // Postmark takes the next one but answers after the client gave up: the retry asks Postmark before sending again.
    postmark.failNext({ kind: 'accept-then-stall', ms: 6_000 });
    const second = await send(ids.jane!, message({ subject: 'Through the silence' }));
    expect([201, 202]).toContain(second.status);

    const deadline = Date.now() + 30_000;
    let statuses: string[] = [];
    while (Date.now() < deadline) {
      statuses = (await rows()).map((r) => r.status);
      if (statuses.every((s) => s === 'sent')) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(statuses).toEqual(['sent', 'sent', 'sent']);
    expect(to('jane@alpha.example').map((m) => m.Subject).sort()).toEqual(['About your order #1001', 'Through the outage', 'Through the silence']);
  });

  it('refuses a customer who unsubscribed since', async () => {
    const unsub = await api(stack, 'POST', `/api/v1/stores/${a.id}/customers/${ids.jane}/subscription`, { subscribed: false }, a.apiKey);
    expect(unsub.status).toBe(200);
    const refused = await send(ids.jane!, message({ subject: 'Too late' }));
    expect([refused.status, refused.body.message]).toEqual([409, expect.stringContaining('unsubscribed')]);
    expect(to('jane@alpha.example').map((m) => m.Subject)).not.toContain('Too late');
  });
});
