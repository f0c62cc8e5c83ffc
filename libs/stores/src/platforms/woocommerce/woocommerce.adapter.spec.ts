import { readFileSync } from 'node:fs';
import { DomainError } from '@boomerang/domain';
import type { ReceivedWebhook } from '../platform.port.js';
import { signWooBody, woocommerceAdapter } from './woocommerce.adapter.js';

const SECRET = 'wc-test-secret';
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));

/** A delivery as WC_Webhook::deliver() sends it (header names lowercased, as the port receives them). */
function delivery(body: Buffer, topic = 'order.created', deliveryId = '3b1b5e7e1f4a0a6d8b3c2a1f0e9d8c7b', secret = SECRET): ReceivedWebhook {
  const [resource, event] = topic.split('.');
  return {
    rawBody: body,
    headers: {
      'content-type': 'application/json',
      'x-wc-webhook-source': 'https://example.com/',
      'x-wc-webhook-topic': topic,
      'x-wc-webhook-resource': resource,
      'x-wc-webhook-event': event,
      'x-wc-webhook-signature': signWooBody(body, secret),
      'x-wc-webhook-id': '142',
      'x-wc-webhook-delivery-id': deliveryId,
    },
  };
}

const ping = (): ReceivedWebhook => ({ rawBody: fixture('ping.txt'), headers: { 'user-agent': 'WooCommerce/8.0.0 Hookshot (WordPress/6.3)' } });

describe('woocommerceAdapter.verify', () => {
  const body = fixture('order-created.guest.json');

  it('accepts the base64 HMAC-SHA256 of the exact raw body', () => {
    expect(() => woocommerceAdapter.verify(delivery(body), SECRET)).not.toThrow();
  });

  it.each([
    ['another secret', (w: ReceivedWebhook) => ({ ...w, headers: { ...w.headers, 'x-wc-webhook-signature': signWooBody(body, 'other') } })],
    ['one byte changed in the body', (w: ReceivedWebhook) => ({ ...w, rawBody: Buffer.from(body.toString().replace('29.35', '29.36')) })],
    ['a re-serialised body (same JSON, other bytes)', (w: ReceivedWebhook) => ({ ...w, rawBody: Buffer.from(JSON.stringify(JSON.parse(body.toString()))) })],
    ['a truncated signature', (w: ReceivedWebhook) => ({ ...w, headers: { ...w.headers, 'x-wc-webhook-signature': signWooBody(body, SECRET).slice(0, 20) } })],
    ['a hex signature', (w: ReceivedWebhook) => ({ ...w, headers: { ...w.headers, 'x-wc-webhook-signature': Buffer.from(signWooBody(body, SECRET), 'base64').toString('hex') } })],
  ])('refuses %s', (_, change) => {
    expect(() => woocommerceAdapter.verify(change(delivery(body)), SECRET)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it('lets the unsigned creation ping through, and nothing else unsigned', () => {
    expect(() => woocommerceAdapter.verify(ping(), SECRET)).not.toThrow();
    const unsigned = (raw: string): ReceivedWebhook => ({ rawBody: Buffer.from(raw), headers: {} });
    for (const raw of ['webhook_id=142&x=1', 'webhook_id=', 'webhook_id=142\n', ' webhook_id=142', '{"webhook_id":142}', body.toString()]) {
      expect(() => woocommerceAdapter.verify(unsigned(raw), SECRET)).toThrow(/X-WC-Webhook-Signature is missing/);
    }
  });

  it('refuses a signed delivery when the store has no secret', () => {
    expect(() => woocommerceAdapter.verify(delivery(body, 'order.created', 'd', ''), '')).toThrow(DomainError);
  });
});

describe('woocommerceAdapter.identify', () => {
  const body = fixture('order-created.guest.json');

  it('keys a delivery on its delivery id and body, so a redelivery of the same bytes is the same event', () => {
    const first = woocommerceAdapter.identify(delivery(body));
    expect(first.topic).toBe('order.created');
    expect(first.deliveryId).toMatch(/^3b1b5e7e1f4a0a6d8b3c2a1f0e9d8c7b:[0-9a-f]{32}$/);
    expect(woocommerceAdapter.identify(delivery(body)).deliveryId).toBe(first.deliveryId);
  });

  it('tells apart two orders delivered in the same second (Woo gives them the same delivery id)', () => {
    const other = fixture('order-updated.completed.json');
    const a = woocommerceAdapter.identify(delivery(body, 'order.updated', 'same-second'));
    const b = woocommerceAdapter.identify(delivery(other, 'order.updated', 'same-second'));
    expect(a.deliveryId).not.toBe(b.deliveryId);
  });

  it('identifies the creation ping by its webhook id, with no topic', () => {
    expect(woocommerceAdapter.identify(ping())).toEqual({ deliveryId: 'ping:142', topic: null });
  });

  it('falls back to resource.event when the topic header is absent', () => {
    const w = delivery(body, 'order.updated');
    delete (w.headers as Record<string, string | undefined>)['x-wc-webhook-topic'];
    expect(woocommerceAdapter.identify(w).topic).toBe('order.updated');
  });

  it.each([
    ['no topic at all', { 'x-wc-webhook-topic': undefined, 'x-wc-webhook-resource': undefined }, /X-WC-Webhook-Topic: is required/],
    ['a topic that is not one', { 'x-wc-webhook-topic': 'DROP TABLE' }, /X-WC-Webhook-Topic: is not a WooCommerce topic/],
    ['a delivery id with spaces', { 'x-wc-webhook-delivery-id': 'a b' }, /X-WC-Webhook-Delivery-ID/],
  ])('refuses %s, naming the header', (_, headers, message) => {
    const w = delivery(body);
    expect(() => woocommerceAdapter.identify({ ...w, headers: { ...w.headers, ...headers } })).toThrow(message);
  });
});

describe('woocommerceAdapter.normalize', () => {
  const context = { adminBaseUrl: 'https://shop.example.com/' };
  const json = (name: string) => JSON.parse(fixture(name).toString()) as unknown;

  it('projects order.created into a full order, from the parsed body or the raw bytes alike', () => {
    const parsed = woocommerceAdapter.normalize('order.created', json('order-created.guest.json'), context);
    const raw = woocommerceAdapter.normalize('order.created', fixture('order-created.guest.json'), context);
    expect(parsed).toEqual(raw);
    expect(parsed).toMatchObject({ kind: 'order', order: { externalId: '727', status: 'processing', totalMinor: 2935 } });
  });

  it('projects order.updated with the new status', () => {
    expect(woocommerceAdapter.normalize('order.updated', json('order-updated.completed.json'), context)).toMatchObject({ kind: 'order', order: { status: 'completed' } });
  });

  it('turns order.deleted ({ id } only) into a reference to fetch', () => {
    expect(woocommerceAdapter.normalize('order.deleted', json('order-deleted.json'), context)).toEqual({ kind: 'order_ref', externalId: '727' });
  });

  it('projects customer.created with its update time', () => {
    expect(woocommerceAdapter.normalize('customer.created', json('customer-created.json'), context)).toEqual({
      kind: 'customer',
      updatedAt: '2017-03-21T19:09:30.000Z',
      customer: {
        email: 'john.doe@example.com',
        externalId: '25',
        firstName: 'John',
        lastName: 'Doe',
        phone: '(555) 555-5555',
        company: null,
        group: 'customer',
        registered: true,
        optedIn: null,
        note: null,
      },
    });
  });

  it('ignores the ping and topics we do not use', () => {
    expect(woocommerceAdapter.normalize(null, 'webhook_id=142', context)).toEqual({ kind: 'ignored', reason: 'WooCommerce webhook creation ping' });
    expect(woocommerceAdapter.normalize('product.updated', {}, context).kind).toBe('ignored');
  });

  it('fails with the field named when the payload can never be projected', () => {
    expect(() => woocommerceAdapter.normalize('order.created', { id: 1 }, context)).toThrow(/currency: is required/);
    expect(() => woocommerceAdapter.normalize('order.created', Buffer.from('{"id":'), context)).toThrow(expect.objectContaining({ code: 'malformed_json' }));
    expect(() => woocommerceAdapter.normalize('order.deleted', { id: 'x' }, context)).toThrow(/id: must be a non-negative integer id/);
  });
});
