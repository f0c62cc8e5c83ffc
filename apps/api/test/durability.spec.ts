import type { INestApplication } from '@nestjs/common';
import { retentionWorkflowId } from '@boomerang/temporal-client';
import { signWebhook } from '@boomerang/stores';
import { createApiApp } from '../src/create-app.js';
import { api, createReadyStore, eventually, order, postAndProject, startStack, waitForProjection, type Stack } from './harness.js';

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
      const res = await postAndProject(
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

  it('starts an api while Temporal is unreachable, takes webhooks, and delivers them once Temporal is back', async () => {
    const store = await createReadyStore(stack, 'Outage');
    const rule = (
      await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
        name: 'Blanket', status: 'active', window: 'PT1H', senderName: 'Outage', senderEmail: 'shop@outage.example', subject: 'Hi', bodyHtml: '<p>Hi</p>',
      })
    ).body;
    await stack.temporalProxy.down();
    // A second api process booting during the outage (before the fix it gave up after the connect timeout).
    let restarted: INestApplication | undefined;
    try {
      restarted = await createApiApp(stack.config, { logger: false });
      await restarted.listen(0, '127.0.0.1');
      const base = `http://127.0.0.1:${(restarted.getHttpServer().address() as { port: number }).port}`;
      const health = await fetch(`${base}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ status: 'ok', database: 'ok', temporal: 'unreachable' });

      const emails = ['d@outage.example', 'e@outage.example'];
      for (const [i, email] of emails.entries()) {
        const raw = JSON.stringify(order({ id: `outage-${i}`, customer: { email } }));
        const res = await fetch(`${base}/api/v1/stores/${store.id}/webhooks/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-boomerang-signature': signWebhook(store.webhookSecret, raw) },
          body: raw,
        });
        expect(res.status).toBe(202);
        // Projected (by the worker's projector) while Temporal is still cut: its signal waits in the outbox.
        expect(await waitForProjection(stack, store.id, ((await res.json()) as { eventId: string }).eventId)).toMatchObject({ state: 'projected', result: { rulesArmed: 1 } });
      }
      await stack.temporalProxy.up();
      await eventually(async () => {
        const left = await stack.orm.em.fork().execute(`select id from retention_dispatch where dispatched_at is null and store_id = ?`, [store.id]);
        return left.length === 0;
      }, 60_000);
      const ids: string[] = [];
      for await (const wf of stack.env.client.workflow.list({ query: `WorkflowType = "retentionWorkflow" AND BoomerangRuleId = "${rule.id}"` })) ids.push(wf.workflowId);
      expect(ids.sort()).toEqual(emails.map((e) => retentionWorkflowId(store.id, rule.id, e)).sort());
      await eventually(async () => (await (await fetch(`${base}/api/v1/health`)).json()).temporal === 'ok', 30_000);
    } finally {
      await stack.temporalProxy.up();
      await restarted?.close();
    }
  }, 120_000);

  it('delivers a purchase whose email would make the workflow id longer than Temporal allows (240 emoji)', async () => {
    const store = await createReadyStore(stack, 'Emoji');
    const rule = (
      await api(stack, 'POST', `/api/v1/stores/${store.id}/rules`, {
        name: 'Blanket', status: 'active', window: 'PT1H', senderName: 'Emoji', senderEmail: 'shop@emoji.example', subject: 'Hi', bodyHtml: '<p>Hi</p>',
      })
    ).body;
    const email = `${'😀'.repeat(240)}@x.co`;
    // Inserted as the webhook would have stored it (input validation may now refuse such an address at the door;
    // rows accepted before it still have to be delivered).
    await stack.orm.em.fork().execute(
      `insert into retention_dispatch (store_id, rule_id, customer_id, email, order_id, purchased_at, window_seconds, created_at, next_attempt_at)
       values (?, ?, gen_random_uuid(), ?, gen_random_uuid(), now(), 3600, now() - interval '1 minute', now() - interval '1 minute')`,
      [store.id, rule.id, email],
    );
    const [row] = await eventually(async () => {
      const rows = await stack.orm.em.fork().execute(`select dispatched_at, dead_at, last_error from retention_dispatch where store_id = ? and (dispatched_at is not null or dead_at is not null)`, [store.id]);
      return rows.length ? rows : undefined;
    }, 30_000);
    expect(row).toMatchObject({ dead_at: null });
    const description = await stack.env.client.workflow.getHandle(retentionWorkflowId(store.id, rule.id, email)).describe();
    expect(description.status.name).toBe('RUNNING');
    expect(Buffer.byteLength(description.workflowId)).toBeLessThanOrEqual(1000);
  });
});
