import { FakeMailchimp, FakeSlack } from '@boomerang/testing';
import { api, createReadyStore, eventually, order, postAndProject, startStack, type Stack } from './harness.js';

/**
 * Issue 13, points 7, 5, 1 and 9 on the whole stack: apps are installed over HTTP (the Mailchimp audience checked
 * against the fake), bad ones are refused with the field named and nothing written, secrets never come back; an order
 * arriving through intake reaches the fake Slack through the worker's endpoint workflow, the order's timeline lists
 * the app delivery, and the store's dashboard counts the active apps.
 */
describe('apps on the whole stack', () => {
  let stack: Stack;
  let store: { id: string; apiKey: string; webhookSecret: string };
  const slack = new FakeSlack();
  const mailchimp = new FakeMailchimp();
  const merchant = (method: string, path: string, body?: unknown) => api(stack, method, `/api/v1/stores/${store.id}${path}`, body, store.apiKey);
  const sql = <T = Record<string, unknown>>(query: string, params: unknown[] = []) => stack.orm.em.fork().execute<T[]>(query, params);
  const installed = async () => (await sql<{ n: number }>(`select count(*)::int as n from webhook_endpoint where store_id = ?`, [store.id]))[0]!.n;
  let hook = '';
  let slackId = '';

  beforeAll(async () => {
    await Promise.all([slack.start(), mailchimp.start()]);
    hook = slack.createHook();
    stack = await startStack({ env: { MAILCHIMP_API_BASE_URL: mailchimp.baseUrl }, webhooks: { mailchimpBaseUrl: mailchimp.baseUrl } });
    store = await createReadyStore(stack, 'Appy Beans');
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    await slack.stop();
    await mailchimp.stop();
  });

  it('refuses bad apps with a 400 naming the field (or 503 when Mailchimp is down) and writes nothing', async () => {
    const fields = (res: { body: { issues?: { field: string }[] } }) => res.body.issues?.map((i) => i.field);
    const notSlack = await merchant('POST', '/apps', { kind: 'slack', config: { webhookUrl: 'http://169.254.169.254/services/T1/B2/abc', orderThresholdMinor: 0, notifyConversions: true } });
    expect(notSlack.status).toBe(400);
    expect(fields(notSlack)).toEqual(['config.webhookUrl']);
    const unknown = await merchant('POST', '/apps', { kind: 'zapier', config: {} });
    expect(unknown.status).toBe(400);
    expect(fields(unknown)).toEqual(['kind']);
    const extra = await merchant('POST', '/apps', { kind: 'slack', config: { webhookUrl: hook, orderThresholdMinor: 0, notifyConversions: true, channel: '#x' } });
    expect(extra.status).toBe(400);
    const listId = mailchimp.createList();
    const badKey = await merchant('POST', '/apps', { kind: 'mailchimp', config: { apiKey: 'abc-us6', listId } });
    expect([badKey.status, fields(badKey)]).toEqual([400, ['config.apiKey']]);
    const wrongKey = await merchant('POST', '/apps', { kind: 'mailchimp', config: { apiKey: `${'0'.repeat(32)}-us6`, listId } });
    expect(wrongKey.status).toBe(400);
    expect(wrongKey.body.issues).toEqual([{ field: 'config.apiKey', message: expect.stringMatching(/^API key invalid/) }]);
    const noList = await merchant('POST', '/apps', { kind: 'mailchimp', config: { apiKey: mailchimp.createKey(), listId: 'gone' } });
    expect(noList.body.issues).toEqual([{ field: 'config.listId', message: 'audience not found' }]);
    mailchimp.failNext = { count: 1, status: 503 };
    const down = await merchant('POST', '/apps', { kind: 'mailchimp', config: { apiKey: mailchimp.createKey(), listId } });
    expect(down.status).toBe(503);
    expect(down.body.message).toMatch(/Mailchimp cannot be reached now, nothing was saved/);
    expect(await installed()).toBe(0);
  });

  it('installs Slack and Mailchimp without ever returning their secrets, and keeps other stores out', async () => {
    const created = await merchant('POST', '/apps', { kind: 'slack', description: '#sales', config: { webhookUrl: hook, orderThresholdMinor: 100_00, notifyConversions: false } });
    expect(created.status).toBe(201);
    slackId = created.body.id;
    const token = new URL(hook).pathname.split('/')[4]!;
    expect(JSON.stringify(created.body)).not.toContain(token);
    expect(created.body).toMatchObject({ kind: 'slack', status: 'active', settings: { orderThresholdMinor: 100_00, notifyConversions: false }, eventTypes: ['order.created'] });
    const apiKey = mailchimp.createKey('us6');
    const chimp = await merchant('POST', '/apps', { kind: 'mailchimp', config: { apiKey, listId: mailchimp.createList() } });
    expect(chimp.status).toBe(201);
    const list = await merchant('GET', '/apps');
    expect(list.body.apps.map((a: { kind: string }) => a.kind)).toEqual(['slack', 'mailchimp']);
    expect(list.body.available.map((a: { kind: string }) => a.kind)).toEqual(['slack', 'mailchimp']);
    expect(JSON.stringify(list.body)).not.toContain(apiKey);
    expect(JSON.stringify(list.body)).not.toContain(token);
    // Sealed at rest too.
    const [row] = await sql<{ secret_sealed: string }>(`select secret_sealed from webhook_endpoint where id = ?`, [chimp.body.id]);
    expect(row!.secret_sealed).not.toContain(apiKey);
    // Apps are not webhook endpoints.
    expect((await merchant('GET', '/webhook-endpoints')).body.endpoints).toEqual([]);
    expect((await merchant('GET', `/webhook-endpoints/${slackId}`)).status).toBe(404);
    const other = await createReadyStore(stack, 'Other Beans');
    expect((await api(stack, 'GET', `/api/v1/stores/${other.id}/apps/${slackId}`, undefined, other.apiKey)).status).toBe(404);
    expect((await api(stack, 'DELETE', `/api/v1/stores/${other.id}/apps/${slackId}`, undefined, other.apiKey)).status).toBe(404);
    // A settings change without the secret keeps it.
    const lowered = await merchant('PATCH', `/apps/${slackId}`, { config: { orderThresholdMinor: 50_00 } });
    expect(lowered).toMatchObject({ status: 200, body: { settings: { orderThresholdMinor: 50_00, notifyConversions: false } } });
    const tested = await merchant('POST', `/apps/${slackId}/test`);
    expect(tested.body).toMatchObject({ ok: true, statusCode: 200, error: null });
    expect(slack.messagesTo(hook)).toHaveLength(1);
  });

  it('posts an order above the threshold to Slack; the order timeline lists it and the dashboard counts the active apps', async () => {
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'app-1', totals: { subtotal: 70, tax: 5, shipping: 5, total: 80 } })));
    await postAndProject(stack, store.id, store.webhookSecret, JSON.stringify(order({ id: 'app-2', totals: { subtotal: 10, tax: 0, shipping: 0, total: 10 } })));
    await eventually(async () => slack.messagesTo(hook).length >= 2, 30_000);
    const log = await eventually(async () => {
      const page = (await merchant('GET', `/apps/${slackId}/deliveries`)).body;
      return page.deliveries?.length === 2 && page.deliveries.every((d: { status: string }) => d.status !== 'pending') ? page : null;
    }, 30_000);
    expect(log.deliveries.map((d: { status: string }) => d.status)).toEqual(['skipped', 'delivered']);
    expect(slack.messagesTo(hook)[1]!.text).toBe('New order app-1: 80.00 USD from Jane Doe (jane.doe@example.com)');

    const [app1] = await sql<{ id: string }>(`select id from store_order where store_id = ? and external_id = 'app-1'`, [store.id]);
    const timeline = (await merchant('GET', `/orders/${app1!.id}/timeline`)).body.items as { kind: string; summary: string }[];
    expect(timeline.filter((e) => e.kind.startsWith('webhook_')).map((e) => e.summary)).toContain('Slack app: order.created delivered');
    const [app2] = await sql<{ id: string }>(`select id from store_order where store_id = ? and external_id = 'app-2'`, [store.id]);
    const skipped = (await merchant('GET', `/orders/${app2!.id}/timeline`)).body.items as { kind: string; summary: string }[];
    expect(skipped.filter((e) => e.summary.startsWith('Slack'))).toEqual([]);

    expect((await merchant('GET', '/dashboard')).body.connection.appsActive).toBe(2);
    expect((await merchant('PATCH', `/apps/${slackId}`, { status: 'disabled' })).body).toMatchObject({ status: 'disabled', disabledReason: 'disabled by the merchant' });
    expect((await merchant('GET', '/dashboard')).body.connection.appsActive).toBe(1);
    expect((await merchant('DELETE', `/apps/${slackId}`)).status).toBe(204);
    expect((await merchant('GET', `/apps/${slackId}`)).status).toBe(404);
  });
});
