import type { EntityManager, MikroORM } from '@boomerang/persistence';
import { openTestOrm, seedRow, WebhookReceiver, type TestOrm } from '@boomerang/testing';
import { Webhook } from 'standardwebhooks';
import { isPublicAddress } from './address-guard.js';
import { reversibleSealer } from './reversible-sealer.test-helpers.js';
import type { EndpointDisabledAlert } from './webhook-alerts.js';
import { createWebhookActivities } from './webhook.activities.js';
import { WebhookEndpointsService } from './webhook-endpoints.service.js';
import { WebhookSender } from './webhook-sender.js';
import { WebhookRepository } from './webhook.repository.js';

const sealer = reversibleSealer;

describe('outgoing webhook delivery (PostgreSQL, a receiver on loopback, no Temporal)', () => {
  let db: TestOrm;
  let orm: MikroORM;
  const em = (): EntityManager => orm.em.fork();
  const receiver = new WebhookReceiver();
  let port = 0;
  const sender = new WebhookSender({ allowPrivateAddresses: true, timeoutMs: 2_000 });
  // Real time for the first test (receivers check the signed timestamp's freshness); the others move it by hand.
  let now = new Date();
  const clock = () => now;
  const alerts: EndpointDisabledAlert[] = [];
  const activities = () =>
    createWebhookActivities({ orm, sealer, sender, disableAfterMs: 60_000, clock, alerts: { endpointDisabled: async (_em, a) => void alerts.push(a) } });
  const service = new WebhookEndpointsService({ sealer, allowPrivateAddresses: true, clock });
  let storeId = '';
  let otherStore = '';

  beforeAll(async () => {
    db = await openTestOrm('boomerang_outgoing_webhooks');
    orm = db.orm;
    port = Number(new URL(await receiver.start('/')).port);
    storeId = await seedRow(em(), 'store');
    otherStore = await seedRow(em(), 'store');
  });

  afterAll(async () => {
    sender.close();
    await receiver.stop();
    await db?.close();
  });

  const publish = (store: string, types: string[], subject = 'a0000000-0000-4000-8000-000000000001') =>
    new WebhookRepository(em()).publish(store, types.map((type) => ({ type: type as never, subjectId: subject, data: { n: type } })), now);

  it('queues an event only for the active endpoints of its store that subscribe to its type, in order, and delivers them signed', async () => {
    const { endpoint, secret } = await service.create(em(), storeId, { url: `http://127.0.0.1:${port}/a`, eventTypes: ['order.created', 'order.cancelled'] });
    await service.create(em(), otherStore, { url: `http://127.0.0.1:${port}/b`, eventTypes: ['order.created'] });
    expect(await publish(storeId, ['order.created', 'order.updated', 'order.cancelled'])).toBe(2);
    const result = await activities().deliverPending({ storeId, endpointId: endpoint.id });
    expect(result).toEqual({ state: 'idle', delivered: 2 });
    expect(receiver.received.map((b) => JSON.parse(b.rawBody.toString()).type)).toEqual(['order.created', 'order.cancelled']);
    const verified = new Webhook(secret).verify(receiver.received[1]!.rawBody.toString(), receiver.received[1]!.headers as Record<string, string>);
    expect(verified).toMatchObject({ type: 'order.cancelled', data: { n: 'order.cancelled' } });
    const log = await service.deliveries(em(), storeId, endpoint.id, {});
    expect(log.deliveries.map((d) => [d.eventType, d.status, d.attempts, d.lastStatusCode])).toEqual([
      ['order.cancelled', 'delivered', 1, 200],
      ['order.created', 'delivered', 1, 200],
    ]);
    await expect(service.deliveries(em(), otherStore, endpoint.id, {})).rejects.toMatchObject({ code: 'not_found' });
  });

  it('stops the line at a failure and throws for Temporal to retry; after the limit it disables the endpoint and alerts', async () => {
    receiver.received.length = 0;
    now = new Date('2026-11-26T12:00:00Z');
    const { endpoint } = await service.create(em(), storeId, { url: `http://127.0.0.1:${port}/c`, eventTypes: ['order.updated'] });
    await publish(storeId, ['order.updated', 'order.updated']);
    receiver.status = 503;
    const hitsBefore = receiver.hits;
    await expect(activities().deliverPending({ storeId, endpointId: endpoint.id })).rejects.toThrow(/answered 503: receiver is down/);
    expect(receiver.hits).toBe(hitsBefore + 1);
    const failing = await service.get(em(), storeId, endpoint.id);
    expect(failing).toMatchObject({ status: 'active', pending: 2, failingSince: now });
    now = new Date(now.getTime() + 30_000);
    await expect(activities().deliverPending({ storeId, endpointId: endpoint.id })).rejects.toThrow();
    now = new Date(now.getTime() + 30_000);
    expect(await activities().deliverPending({ storeId, endpointId: endpoint.id })).toEqual({ state: 'disabled', delivered: 0 });
    expect(alerts).toEqual([expect.objectContaining({ storeId, endpointId: endpoint.id, reason: expect.stringMatching(/^failing since 2026-11-26T12:00:00.000Z; last attempt answered 503/) })]);
    const disabled = await service.get(em(), storeId, endpoint.id);
    expect(disabled).toMatchObject({ status: 'disabled', pending: 2 });
    const first = (await service.deliveries(em(), storeId, endpoint.id, {})).deliveries.at(-1)!;
    expect((await service.delivery(em(), storeId, endpoint.id, first.id)).attempts.map((a) => a.statusCode)).toEqual([503, 503, 503]);

    receiver.status = 200;
    await service.update(em(), storeId, endpoint.id, { status: 'active' });
    expect(await activities().deliverPending({ storeId, endpointId: endpoint.id })).toEqual({ state: 'idle', delivered: 2 });
    expect(await service.get(em(), storeId, endpoint.id)).toMatchObject({ status: 'active', failingSince: null, pending: 0 });
  });

  it('refuses receivers on private or loopback addresses unless allowed, by literal and by name, before sending', async () => {
    receiver.received.length = 0;
    const hitsBefore = receiver.hits;
    const strict = new WebhookSender({ allowPrivateAddresses: false, timeoutMs: 2_000 });
    try {
      for (const url of [`http://127.0.0.1:${port}/x`, `http://localhost:${port}/x`, `http://[::1]:${port}/x`, `http://10.0.0.7:${port}/x`]) {
        const result = await strict.send(url, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { id: 'msg_1', timestamp: now, body: '{}' });
        expect(result).toMatchObject({ ok: false, statusCode: null, error: expect.stringMatching(/not a public address/) });
      }
    } finally {
      strict.close();
    }
    expect(receiver.hits).toBe(hitsBefore);
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '192.168.1.1', '169.254.169.254', '100.64.0.1', '0.0.0.0', '::1', 'fe80::1', 'fc00::1', '::ffff:127.0.0.1']) {
      expect([address, isPublicAddress(address)]).toEqual([address, false]);
    }
    expect(isPublicAddress('93.184.216.34')).toBe(true);
    expect(isPublicAddress('2606:2800:220:1:248:1893:25c8:1946')).toBe(true);
    const guarded = new WebhookEndpointsService({ sealer, allowPrivateAddresses: false, clock });
    await expect(guarded.create(em(), storeId, { url: 'http://169.254.169.254/latest', eventTypes: ['order.created'] })).rejects.toMatchObject({
      code: 'validation_failed',
      issues: [expect.objectContaining({ field: 'url' })],
    });
  });

  it('resends a delivery as the same event at the end of the line', async () => {
    receiver.received.length = 0;
    const { endpoint } = await service.create(em(), storeId, { url: `http://127.0.0.1:${port}/d`, eventTypes: ['order.paid'] });
    await publish(storeId, ['order.paid']);
    await activities().deliverPending({ storeId, endpointId: endpoint.id });
    const [sent] = (await service.deliveries(em(), storeId, endpoint.id, {})).deliveries;
    const again = await service.resend(em(), storeId, endpoint.id, sent!.id);
    expect(again).toMatchObject({ status: 'pending', eventId: sent!.eventId });
    await activities().deliverPending({ storeId, endpointId: endpoint.id });
    expect(receiver.received.map((b) => b.headers['webhook-id'])).toEqual([sent!.eventId, sent!.eventId]);
    await expect(service.resend(em(), otherStore, endpoint.id, sent!.id)).rejects.toMatchObject({ code: 'not_found' });
  });
});
