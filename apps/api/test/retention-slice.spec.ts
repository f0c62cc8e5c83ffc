import { RetentionLifecycle, retentionWorkflowId } from '@boomerang/temporal-client';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

describe('first retention slice, end to end', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };

  beforeAll(async () => {
    stack = await startStack();
    store = await createReadyStore(stack, 'Bean There Coffee', { smartSendingHours: 0 });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('arms on a completed order, restarts on a newer one, and sends one message when the window passes', async () => {
    const rule = await api(
      stack,
      'POST',
      `/api/v1/stores/${store.id}/rules`,
      {
        name: 'Coffee refill reminder',
        status: 'active',
        skus: ['coffee-1kg'],
        window: 'PT4S',
        senderName: 'Bean There',
        senderEmail: 'hello@beanthere.example',
        subject: 'Running low, {{customer.firstName}}?',
        bodyHtml: '<p>Hi {{customer.firstName}}, it has been a while since your last bag from {{store.name}}.</p>',
      },
      store.apiKey,
    );
    expect(rule.status).toBe(201);
    expect(rule.body).toMatchObject({ windowSeconds: 4, status: 'active', skus: ['coffee-1kg'] });

    const first = await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order()));
    expect(first.status).toBe(202);
    expect(first.body).toMatchObject({ applied: true, rulesArmed: 1 });

    // The workflow exists, is readable by id and filterable by store and customer in the Temporal UI.
    const workflowId = retentionWorkflowId(store.id, rule.body.id, 'jane.doe@example.com');
    expect(workflowId).toContain('jane.doe@example.com');
    const listed = await eventually(async () => {
      const found = [];
      for await (const wf of stack.env.client.workflow.list({
        query: `BoomerangStoreId = "${store.id}" AND BoomerangCustomer = "jane.doe@example.com"`,
      })) {
        found.push(wf.workflowId);
      }
      return found.length ? found : undefined;
    });
    expect(listed).toEqual([workflowId]);

    const pending = await api(stack, 'GET', `/api/v1/stores/${store.id}/messages/pending`, undefined, store.apiKey);
    expect(pending.body.pending).toHaveLength(1);
    expect(pending.body.pending[0]).toMatchObject({ email: 'jane.doe@example.com', ruleName: 'Coffee refill reminder' });

    // A second matching purchase 2 s later restarts the clock from that purchase.
    await new Promise((r) => setTimeout(r, 2_000));
    const secondAt = new Date();
    const second = await postAndProject(
      stack,
      store.id,
      store.webhookSecret,
      JSON.stringify(order({ id: 'order-1002', createdAt: secondAt.toISOString() })),
    );
    expect(second.status).toBe(202);
    const snapshot = await eventually(async () => {
      const s = await RetentionLifecycle.fromClient(stack.env.client).snapshot({ storeId: store.id, ruleId: rule.body.id, email: 'jane.doe@example.com' });
      return s.lastPurchase?.orderId === second.body.orderId ? s : undefined;
    });
    expect(snapshot.state).toBe('armed');
    expect(Date.parse(snapshot.nextSendAt!)).toBe(secondAt.getTime() + 4_000);

    // The send reads the store, rule, customer and order; it must never write them back (xmin: the last writer).
    const versions = async () =>
      (await stack.orm.em.fork().execute(
        `select (select xmin::text from store where id = ?) as store, (select xmin::text from retention_rule where id = ?) as rule,
                (select xmin::text from customer where id = ?) as customer, (select xmin::text from store_order where id = ?) as "order"`,
        [store.id, rule.body.id, second.body.customerId, second.body.orderId],
      ))[0];
    const before = await versions();
    const sent = await eventually(async () => {
      const res = await api(stack, 'GET', `/api/v1/stores/${store.id}/messages/sent`, undefined, store.apiKey);
      return res.body.sent.length ? res.body.sent : undefined;
    });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ status: 'sent', email: 'jane.doe@example.com', subject: 'Running low, Jane?', transport: 'outbox' });
    expect(await versions()).toEqual(before);
    // Sent no earlier than the window after the *second* purchase.
    expect(Date.parse(sent[0].sentAt)).toBeGreaterThanOrEqual(secondAt.getTime() + 4_000);

    const outbox = await api(stack, 'GET', `/api/v1/stores/${store.id}/outbox`, undefined, store.apiKey);
    expect(outbox.body.emails).toHaveLength(1);
    const email = await api(stack, 'GET', `/api/v1/stores/${store.id}/outbox/${outbox.body.emails[0].id}`, undefined, store.apiKey);
    expect(email.body.toAddress).toBe('jane.doe@example.com');
    expect(email.body.fromAddress).toBe('"Bean There" <hello@beanthere.example>');
    expect(email.body.html).toContain('Hi Jane, it has been a while since your last bag from Bean There Coffee.');
    expect(email.body.text).toContain('Hi Jane, it has been a while since your last bag from Bean There Coffee.');

    // After the send the customer waits for the next purchase: nothing pending, and no second message.
    const after = await api(stack, 'GET', `/api/v1/stores/${store.id}/messages/pending`, undefined, store.apiKey);
    expect(after.body.pending).toEqual([]);
    const state = await RetentionLifecycle.fromClient(stack.env.client).snapshot({ storeId: store.id, ruleId: rule.body.id, email: 'jane.doe@example.com' });
    expect(state).toMatchObject({ state: 'waiting', cycle: 2, lastMessage: { status: 'sent' } });
    await new Promise((r) => setTimeout(r, 1_500));
    const again = await api(stack, 'GET', `/api/v1/stores/${store.id}/messages/sent`, undefined, store.apiKey);
    expect(again.body.sent).toHaveLength(1);
  });

  it('does not arm a rule for an order without a matching SKU or one that is not completed', async () => {
    const other = await postAndProject(
      stack,
      store.id,
      store.webhookSecret,
      JSON.stringify(order({ id: 'order-2001', customer: { email: 'tea@example.com' }, lineItems: [{ sku: 'TEA-GREEN', quantity: 1, price: 9 }] })),
    );
    expect(other.body).toMatchObject({ applied: true, rulesArmed: 0 });
    const pendingOrder = await postAndProject(
      stack,
      store.id,
      store.webhookSecret,
      JSON.stringify(order({ id: 'order-2002', status: 'pending', customer: { email: 'new@example.com' } })),
    );
    expect(pendingOrder.body).toMatchObject({ applied: true, rulesArmed: 0 });
  });
});
