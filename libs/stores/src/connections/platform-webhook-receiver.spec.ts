import { DomainError } from '@boomerang/domain';
import { LastEventRecorder } from './last-event-recorder.js';
import { PlatformWebhookReceiver } from './platform-webhook-receiver.js';
import type { WebhookInboxInput } from './webhook-inbox.port.js';

const STORE = '7f1c2d4e-0000-4000-8000-000000000001';
const NOW = new Date('2026-11-26T06:30:00Z');

function setup(secrets: Record<string, string>, accept: (input: WebhookInboxInput) => Promise<{ eventId: string; duplicate: boolean }>) {
  const inboxCalls: WebhookInboxInput[] = [];
  const written: Map<string, Date>[] = [];
  const lastEvents = new LastEventRecorder(async (times) => void written.push(new Map(times)));
  const receiver = new PlatformWebhookReceiver({
    secret: async (storeId, platform) => secrets[`${storeId}:${platform}`] ?? null,
    inbox: { accept: (input) => (inboxCalls.push(input), accept(input)) },
    lastEvents,
    clock: () => NOW,
  });
  return { receiver, inboxCalls, written, lastEvents };
}

const webhook = { headers: { 'x-shopify-webhook-id': 'b54557e4' }, rawBody: Buffer.from('{"id":820982911946154500}') };

describe('PlatformWebhookReceiver', () => {
  it('hands the raw webhook and the store\'s secret to the inbox, answers its acceptance and notes the event time', async () => {
    const { receiver, inboxCalls, written, lastEvents } = setup({ [`${STORE}:shopify`]: 'shpss_1' }, async () => ({ eventId: '42', duplicate: false }));
    expect(await receiver.receive('shopify', STORE, webhook)).toEqual({ eventId: '42', duplicate: false });
    expect(inboxCalls).toEqual([{ storeId: STORE, platform: 'shopify', webhook, secret: 'shpss_1' }]);
    expect(inboxCalls[0]!.webhook.rawBody).toBe(webhook.rawBody);
    await lastEvents.flush();
    expect(written).toEqual([new Map([[STORE, NOW]])]);
  });

  it('answers 404 for a store not connected to that platform, or not a store id at all, before the inbox', async () => {
    const { receiver, inboxCalls } = setup({ [`${STORE}:shopify`]: 'shpss_1' }, async () => ({ eventId: '1', duplicate: false }));
    await expect(receiver.receive('woocommerce', STORE, webhook)).rejects.toMatchObject({ code: 'not_found' });
    await expect(receiver.receive('shopify', '7f1c2d4e-0000-4000-8000-000000000009', webhook)).rejects.toMatchObject({ code: 'not_found' });
    await expect(receiver.receive('shopify', 'not-a-uuid', webhook)).rejects.toMatchObject({ code: 'not_found' });
    expect(inboxCalls).toHaveLength(0);
  });

  it('lets a bad signature through as the inbox\'s invalid_signature, and notes no event', async () => {
    const { receiver, written, lastEvents } = setup({ [`${STORE}:bigcommerce`]: 'ours' }, async () => {
      throw new DomainError('invalid_signature', 'X-Boomerang-Hook-Secret does not match');
    });
    await expect(receiver.receive('bigcommerce', STORE, webhook)).rejects.toMatchObject({ code: 'invalid_signature' });
    await lastEvents.flush();
    expect(written).toHaveLength(0);
  });
});
