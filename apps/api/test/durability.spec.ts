import { api, createReadyStore, eventually, order, postWebhook, startStack, type Stack } from './harness.js';

describe('a webhook that got its 2xx is never lost', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack();
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('accepts orders while Temporal is unreachable and arms their workflows once it is back', async () => {
    const store = await createReadyStore(stack, 'Flaky');
    const rule = (
      await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
        name: 'Blanket',
        status: 'active',
        window: 'PT1H',
        senderName: 'Flaky',
        senderEmail: 'shop@flaky.example',
        subject: 'Hi',
        bodyHtml: '<p>Hi</p>',
      })
    ).body;

    await stack.temporalProxy.down();
    const emails = ['a@flaky.example', 'b@flaky.example', 'c@flaky.example'];
    for (const [i, email] of emails.entries()) {
      const res = await postWebhook(
        stack,
        store.id,
        store.webhookSecret,
        JSON.stringify(order({ id: `order-${i}`, customer: { email } })),
      );
      expect(res.status).toBe(202);
      expect(res.body.rulesArmed).toBe(1);
    }
    const undelivered = await stack.orm.em.fork().execute(`select id from retention_dispatch where dispatched_at is null`);
    expect(undelivered).toHaveLength(3);

    await stack.temporalProxy.up();
    // The api's sweep retries rows older than 5 s every 500 ms (test setting).
    await eventually(async () => {
      const left = await stack.orm.em.fork().execute(`select id from retention_dispatch where dispatched_at is null`);
      return left.length === 0;
    }, 60_000);
    const ids: string[] = [];
    for await (const wf of stack.env.client.workflow.list({ query: `WorkflowType = "retentionWorkflow" AND BoomerangRuleId = "${rule.id}"` })) ids.push(wf.workflowId);
    expect(ids.sort()).toEqual(emails.map((e) => `retention/${store.id}/${rule.id}/${e}`).sort());
  });
});
