import { readFileSync } from 'node:fs';
import type { ReceivedWebhook } from '../platform.port.js';
import { BIGCOMMERCE_SECRET_HEADER, bigcommerceAdapter } from './bigcommerce.adapter.js';

const SECRET = 'bc-test-secret';
const fixture = (name: string) => readFileSync(new URL(`./__fixtures__/${name}`, import.meta.url));
const callback = (body: Buffer | string, secret: string | null = SECRET): ReceivedWebhook => ({
  rawBody: Buffer.isBuffer(body) ? body : Buffer.from(body),
  headers: { 'content-type': 'application/json', ...(secret === null ? {} : { [BIGCOMMERCE_SECRET_HEADER]: secret }) },
});

describe('bigcommerceAdapter.verify', () => {
  it('accepts the secret header our hooks were created with', () => {
    expect(() => bigcommerceAdapter.verify(callback(fixture('hook-order-created.json')), SECRET)).not.toThrow();
  });

  it.each([
    ['no header', null, /is missing/],
    ['another secret', 'bc-test-secreT', /does not match/],
    ['a prefix of the secret', 'bc-test', /does not match/],
    ['the secret with more after it', `${SECRET}x`, /does not match/],
  ])('refuses %s', (_, header, message) => {
    expect(() => bigcommerceAdapter.verify(callback(fixture('hook-order-created.json'), header), SECRET)).toThrow(message);
  });

  it('refuses everything when the store has no secret', () => {
    expect(() => bigcommerceAdapter.verify(callback('{}', ''), '')).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });
});

describe('bigcommerceAdapter.identify', () => {
  it('keys a callback on scope, created_at and the documented hash; a retry of it is the same event', () => {
    const id = bigcommerceAdapter.identify(callback(fixture('hook-order-created.json')));
    expect(id).toEqual({ deliveryId: 'store/order/created:1561479335:dd70c0976e06b67aaf671e73f49dcb79230ebf9d', topic: 'store/order/created' });
    expect(bigcommerceAdapter.identify(callback(fixture('hook-order-created.json')))).toEqual(id);
  });

  it('tells apart two updates of one order (same data, so same hash) sent at different times', () => {
    const body = JSON.parse(fixture('hook-order-created.json').toString()) as Record<string, unknown>;
    const update = (at: number) => callback(JSON.stringify({ ...body, scope: 'store/order/updated', created_at: at }));
    expect(bigcommerceAdapter.identify(update(1561479400)).deliveryId).not.toBe(bigcommerceAdapter.identify(update(1561479460)).deliveryId);
  });

  it.each([
    ['not JSON', '{"scope":', /not JSON/],
    ['an array', '[]', /body: must be an object/],
    ['no scope', '{"hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":1,"data":{}}', /scope: is not a BigCommerce webhook scope/],
    ['a scope outside store/', '{"scope":"app/x","hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":1,"data":{}}', /scope/],
    ['a short hash', '{"scope":"store/order/created","hash":"abc","created_at":1,"data":{}}', /hash: must be a 40-hex SHA-1/],
    ['created_at as a string', '{"scope":"store/order/created","hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":"1","data":{}}', /created_at/],
    ['no data', '{"scope":"store/order/created","hash":"dd70c0976e06b67aaf671e73f49dcb79230ebf9d","created_at":1}', /data: must be an object/],
  ])('refuses %s, naming the field', (_, body, message) => {
    expect(() => bigcommerceAdapter.identify(callback(body))).toThrow(message);
  });
});

describe('bigcommerceAdapter.normalize', () => {
  const context = { adminBaseUrl: null };
  const json = (name: string) => JSON.parse(fixture(name).toString()) as unknown;

  it.each([
    ['hook-order-created.json', 'store/order/created'],
    ['hook-order-status-updated.json', 'store/order/statusUpdated'],
    ['hook-order-refund-created.json', 'store/order/refund/created'],
  ])('turns %s into a reference to order 250, fetched at projection', (name, scope) => {
    expect(bigcommerceAdapter.normalize(scope, json(name), context)).toEqual({ kind: 'order_ref', externalId: '250' });
    expect(bigcommerceAdapter.normalize(scope, fixture(name), context)).toEqual({ kind: 'order_ref', externalId: '250' });
  });

  it('ignores customer scopes (their payload is only an id; customers come with their orders)', () => {
    expect(bigcommerceAdapter.normalize('store/customer/created', json('hook-customer-created.json'), context)).toEqual({
      kind: 'ignored',
      reason: 'BigCommerce scope store/customer/created is not used',
    });
  });

  it('refuses a body whose scope is not the one it was stored under, or whose id is not one', () => {
    expect(() => bigcommerceAdapter.normalize('store/order/updated', json('hook-order-created.json'), context)).toThrow(/scope: is store\/order\/created/);
    const body = { ...(json('hook-order-created.json') as object), data: { type: 'order', id: -1 } };
    expect(() => bigcommerceAdapter.normalize('store/order/created', body, context)).toThrow(/data\.id/);
  });
});
