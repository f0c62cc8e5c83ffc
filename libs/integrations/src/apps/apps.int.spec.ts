import { fileURLToPath } from 'node:url';
import { openOrm, type EntityManager, type MikroORM } from '@boomerang/persistence';
import { createTestDatabase, FakeMailchimp, FakeSlack, seedRow, startTemporal, type TestDatabase } from '@boomerang/testing';
import { RetentionLifecycle } from '@boomerang/temporal-client';
import { INTEGRATIONS_TASK_QUEUE } from '@boomerang/workflows';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, Worker } from '@temporalio/worker';
import { reversibleSealer } from '../reversible-sealer.test-helpers.js';
import type { EndpointDisabledAlert } from '../webhook-alerts.js';
import { WebhookEndpointsService } from '../webhook-endpoints.service.js';
import { WebhookSender } from '../webhook-sender.js';
import { WebhookWaker } from '../webhook-waker.js';
import { createWebhookActivities } from '../webhook.activities.js';
import { WebhookRepository, type DeliveryRow } from '../webhook.repository.js';
import { createAppRegistry } from './app-registry.js';
import { AppsService } from './apps.service.js';
import { subscriberHash } from './mailchimp.adapter.js';

const sealer = reversibleSealer;

const quiet = { log() {}, info() {}, warn() {}, error() {}, debug() {}, trace() {} } as never;

async function eventually<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 150));
  }
}

describe('apps: Slack and Mailchimp ride the webhook pipeline (PostgreSQL, Temporal, fakes on loopback)', () => {
  let env: TestWorkflowEnvironment;
  let database: TestDatabase;
  let orm: MikroORM;
  let worker: Worker;
  let running: Promise<void>;
  let waker: WebhookWaker;
  const slack = new FakeSlack();
  const mailchimp = new FakeMailchimp();
  const sender = new WebhookSender({ allowPrivateAddresses: true, timeoutMs: 2_000 });
  let service: AppsService;
  let storeId = '';
  const alerts: EndpointDisabledAlert[] = [];
  const em = (): EntityManager => orm.em.fork();

  beforeAll(async () => {
    let bundle;
    [env, database, bundle] = await Promise.all([
      startTemporal(),
      createTestDatabase('boomerang_apps'),
      bundleWorkflowCode({ workflowsPath: fileURLToPath(new URL('../../../workflows/src/workflows.ts', import.meta.url)), logger: quiet }),
      slack.start(),
      mailchimp.start(),
    ]);
    orm = await openOrm(database.url);
    const registry = createAppRegistry({ allowLoopback: true, timeoutMs: 2_000, mailchimpBaseUrl: mailchimp.baseUrl });
    service = new AppsService({ registry, sealer });
    worker = await Worker.create({
      connection: env.nativeConnection,
      taskQueue: INTEGRATIONS_TASK_QUEUE,
      workflowBundle: bundle!,
      activities: createWebhookActivities({ orm, sealer, sender, apps: registry, disableAfterMs: 3_600_000, alerts: { endpointDisabled: async (_em, a) => void alerts.push(a) } }),
    });
    running = worker.run();
    // The production path: a committed delivery notifies, the waker signals-with-start the installation's workflow.
    waker = new WebhookWaker({
      orm,
      listenUrl: database.url,
      policy: { idlePollMs: 1_000, maxRetryIntervalMs: 2_000, sweepMs: 1_000 },
      lifecycle: RetentionLifecycle.fromClient(env.client).webhookDeliveries(),
    });
    waker.start();
    storeId = await seedRow(em(), 'store');
  }, 120_000);

  afterAll(async () => {
    await waker?.stop();
    worker?.shutdown();
    await running;
    await env?.teardown();
    sender.close();
    await slack.stop();
    await mailchimp.stop();
    await orm?.close(true);
    await database?.drop();
  });

  const order = (number: string, totalMinor: number, customer = { id: null, email: 'ann@example.com', firstName: 'Ann', lastName: 'Lee' }) => ({
    type: 'order.created' as const,
    subjectId: null,
    data: { order: { id: null, externalId: `ext-${number}`, number, status: 'processing', currency: 'USD', totalMinor, adminUrl: null }, customer },
  });
  const publish = (events: Parameters<WebhookRepository['publish']>[1]) => new WebhookRepository(em()).publish(storeId, events, new Date());
  const log = async (appId: string): Promise<DeliveryRow[]> => (await service.log.page(em(), await service.get(em(), storeId, appId), { limit: 100 })).deliveries.reverse();
  const attempts = (deliveryId: string) => new WebhookRepository(em()).attempts(storeId, deliveryId);

  it('Slack: posts orders at or above the threshold and conversions, skips the rest, and rides out a 429 and a 5xx period in order', async () => {
    const hook = slack.createHook();
    const app = await service.create(em(), storeId, { kind: 'slack', description: '#sales', config: { webhookUrl: hook, orderThresholdMinor: 10_000, notifyConversions: true } });
    expect(app).toMatchObject({ kind: 'slack', status: 'active', eventTypes: ['order.created', 'conversion.recorded'], appSettings: { orderThresholdMinor: 10_000, notifyConversions: true } });
    expect(JSON.stringify(app.appSettings)).not.toContain(new URL(hook).pathname.split('/')[4]);
    expect(app.url).not.toBe(hook);

    slack.failNext = { count: 1, status: 429, retryAfterSeconds: 2 };
    await publish([order('1001', 25_000), order('1002', 9_999)]);
    const first = await eventually(() => log(app.id), (rows) => rows.every((r) => r.status !== 'pending'));
    expect(first.map((r) => [r.status, r.attempts])).toEqual([['delivered', 2], ['skipped', 0]]);
    expect(first[1]!.lastError).toMatch(/below the threshold/);
    const tries = await attempts(first[0]!.id);
    expect(tries.map((t) => t.statusCode)).toEqual([429, 200]);
    // Slack's Retry-After (2 s) was honoured, not Temporal's first 1 s backoff.
    expect(tries[1]!.at.getTime() - tries[0]!.at.getTime()).toBeGreaterThanOrEqual(1_900);

    slack.failNext = { count: 3, status: 503 };
    await publish([
      order('1003', 10_000),
      { type: 'conversion.recorded', subjectId: null, data: { conversion: { revenueMinor: 4_200, currency: 'USD' }, customer: { email: 'bo@example.com', firstName: 'Bo', lastName: null } } },
      { type: 'customer.subscribed', subjectId: null, data: { customer: { email: 'bo@example.com' } } },
    ]);
    const rows = await eventually(() => log(app.id), (r) => r.length === 4 && r.every((d) => d.status !== 'pending'));
    // customer.subscribed is not fanned out to a Slack app at all.
    expect(rows.map((r) => [r.eventType, r.status])).toEqual([
      ['order.created', 'delivered'],
      ['order.created', 'skipped'],
      ['order.created', 'delivered'],
      ['conversion.recorded', 'delivered'],
    ]);
    expect(rows[2]!.attempts).toBe(4);
    expect(slack.messagesTo(hook).map((m) => m.text)).toEqual([
      'New order #1001: 250.00 USD from Ann Lee (ann@example.com)',
      'New order #1003: 100.00 USD from Ann Lee (ann@example.com)',
      'Win-back: Bo (bo@example.com) ordered again (42.00 USD) after a Boomerang email',
    ]);
    expect(slack.messagesTo(hook)[0]!.blocks).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'section' })]));
  });

  it('Slack: an archived channel disables the app with the reason; enabling it again delivers what was kept', async () => {
    const hook = slack.createHook();
    const app = await service.create(em(), storeId, { kind: 'slack', config: { webhookUrl: hook, orderThresholdMinor: 0, notifyConversions: false } });
    slack.setHook(hook, 'channel_is_archived');
    await publish([order('2001', 500)]);
    const off = await eventually(() => service.get(em(), storeId, app.id), (a) => a.status === 'disabled');
    expect(off).toMatchObject({ status: 'disabled', pending: 1 });
    expect(off.disabledReason).toMatch(/410: channel_is_archived/);
    expect(alerts).toEqual([expect.objectContaining({ storeId, endpointId: app.id, kind: 'slack', reason: off.disabledReason })]);
    slack.setHook(hook, 'ok');
    await service.update(em(), storeId, app.id, { status: 'active' });
    await eventually(() => Promise.resolve(slack.messagesTo(hook)), (m) => m.length === 1);
    expect(slack.messagesTo(hook).map((m) => m.text)).toEqual(['New order #2001: 5.00 USD from Ann Lee (ann@example.com)']);
  });

  it('Mailchimp: a subscription upserts the member, an order updates their name, an unsubscription unsubscribes; a member in compliance is logged and passed', async () => {
    const apiKey = mailchimp.createKey('us6');
    const listId = mailchimp.createList();
    const app = await service.create(em(), storeId, { kind: 'mailchimp', config: { apiKey, listId } });
    expect(app).toMatchObject({ kind: 'mailchimp', url: expect.stringContaining(`/us6/3.0/lists/${listId}`), appSettings: { listId, datacenter: 'us6' } });
    expect(JSON.stringify(app)).not.toContain(apiKey);

    const jane = await seedRow(em(), 'customer', { store_id: storeId, email: 'Jane.Doe@Example.com', first_name: 'Jane' });
    const kept = await seedRow(em(), 'customer', { store_id: storeId, email: 'gone@example.com', first_name: 'Gone' });
    mailchimp.compliance.add('gone@example.com');
    const subscription = (customer: string, subscribed: boolean) =>
      em().execute(`insert into customer_subscription_event (id, store_id, customer_id, subscribed, source, created_at) values (gen_random_uuid(), ?, ?, ?, 'customer', now())`, [
        storeId,
        customer,
        subscribed,
      ]);
    // The database triggers raise the events, as for webhooks.
    await subscription(kept, true);
    await subscription(jane, true);
    await eventually(() => Promise.resolve(mailchimp.member(listId, 'jane.doe@example.com')), (m) => m?.status === 'subscribed');
    expect(mailchimp.member(listId, 'jane.doe@example.com')).toEqual({ email_address: 'Jane.Doe@Example.com', status: 'subscribed', merge_fields: { FNAME: 'Jane' } });
    expect(mailchimp.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).toEqual([
      `/lists/${listId}/members/${subscriberHash('gone@example.com')}`,
      `/lists/${listId}/members/${subscriberHash('jane.doe@example.com')}`,
    ]);

    await publish([
      order('3001', 100, { id: null, email: 'jane.doe@example.com', firstName: 'Jane', lastName: 'Doe' }),
      order('3002', 100, { id: null, email: 'stranger@example.com', firstName: 'Stan', lastName: 'Ger' }),
    ]);
    await subscription(jane, false);
    const rows = await eventually(() => log(app.id), (r) => r.length === 5 && r.every((d) => d.status !== 'pending'));
    expect(rows.map((r) => [r.eventType, r.status])).toEqual([
      ['customer.subscribed', 'failed'],
      ['customer.subscribed', 'delivered'],
      ['order.created', 'delivered'],
      ['order.created', 'skipped'],
      ['customer.unsubscribed', 'delivered'],
    ]);
    expect(rows[0]!.lastError).toMatch(/400: Member In Compliance State/);
    expect(rows[3]!.lastError).toBe('not in the audience');
    expect(mailchimp.member(listId, 'jane.doe@example.com')).toEqual({ email_address: 'Jane.Doe@Example.com', status: 'unsubscribed', merge_fields: { FNAME: 'Jane', LNAME: 'Doe' } });
    expect(mailchimp.member(listId, 'stranger@example.com')).toBeUndefined();
    expect((await service.get(em(), storeId, app.id)).status).toBe('active');
  });

  it('refuses bad input with the field named and writes nothing', async () => {
    const other = await seedRow(em(), 'store');
    const refused = async (body: unknown) => {
      try {
        await service.create(em(), other, body);
      } catch (err) {
        return (err as { code: string; issues: { field: string; message: string }[] }).issues.map((i) => `${i.field}: ${i.message}`);
      }
      throw new Error('accepted');
    };
    const listId = mailchimp.createList();
    expect(await refused({ kind: 'slack', config: { webhookUrl: 'https://example.com/services/T1/B2/abc', orderThresholdMinor: 0, notifyConversions: true } })).toEqual([
      'config.webhookUrl: must be a Slack incoming webhook URL on https://hooks.slack.com',
    ]);
    expect(await refused({ kind: 'slack', config: { webhookUrl: 'https://hooks.slack.com/api/chat', orderThresholdMinor: -1, notifyConversions: true } })).toEqual([
      'config.webhookUrl: must look like https://hooks.slack.com/services/T…/B…/…',
      'config.orderThresholdMinor: Too small: expected number to be >=0',
    ]);
    expect(await refused({ kind: 'zapier', config: {} })).toEqual(['kind: must be one of slack, mailchimp']);
    expect(await refused({ kind: 'mailchimp', config: { apiKey: 'not-a-key', listId } })).toEqual([
      'config.apiKey: must be a Mailchimp API key: 32 hex characters, a dash and the datacenter (…-us6)',
    ]);
    expect((await refused({ kind: 'mailchimp', config: { apiKey: `${'a'.repeat(32)}-us6`, listId } }))[0]).toMatch(/^config\.apiKey: API key invalid/);
    expect(await refused({ kind: 'mailchimp', config: { apiKey: mailchimp.createKey(), listId: 'nolist' } })).toEqual(['config.listId: audience not found']);
    const webhooks = new WebhookEndpointsService({ sealer, allowPrivateAddresses: true });
    await expect(webhooks.create(em(), other, { url: 'https://example.com/hook', eventTypes: ['order.exploded'] })).rejects.toMatchObject({
      issues: [{ field: 'eventTypes.0', message: expect.stringContaining('must be one of order.created') }],
    });
    const [row] = await em().execute<{ n: number }[]>(`select count(*)::int as n from webhook_endpoint where store_id = ?`, [other]);
    expect(row!.n).toBe(0);
    // Apps and webhooks stay in their own lists.
    expect((await webhooks.list(em(), storeId)).length).toBe(0);
    expect((await service.list(em(), storeId)).map((a) => a.kind)).toEqual(['slack', 'slack', 'mailchimp']);
  });
});
