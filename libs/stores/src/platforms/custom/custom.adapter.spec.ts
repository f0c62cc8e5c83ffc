import { createHash } from 'node:crypto';
import { signWebhook } from '../../webhook-signature.js';
import { customAdapter } from './index.js';

const SECRET = 'shh';
const body = {
  id: '1001',
  status: 'completed',
  currency: 'BHD',
  customer: { email: ' Jane.Doe@Example.com ', firstName: 'Jane', optedIn: false },
  lineItems: [{ sku: 'COFFEE-1KG', name: 'House blend', quantity: 2, price: '1.2345' }],
  totals: { subtotal: '2.469', discount: 0.5, total: '12.3455' },
  createdAt: '2026-11-20T10:00:00Z',
};
const raw = Buffer.from(JSON.stringify(body));
const webhook = (headers: Record<string, string> = {}, rawBody = raw) => ({ headers: { 'x-boomerang-signature': signWebhook(SECRET, rawBody), ...headers }, rawBody });

describe('custom cart adapter', () => {
  it('verifies X-Boomerang-Signature over the raw bytes', () => {
    expect(() => customAdapter.verify(webhook(), SECRET)).not.toThrow();
    expect(() => customAdapter.verify(webhook(), 'other')).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
    expect(() => customAdapter.verify({ headers: {}, rawBody: raw }, SECRET)).toThrow(expect.objectContaining({ code: 'invalid_signature' }));
  });

  it("identifies a delivery by the cart's X-Boomerang-Delivery, else by the body's sha256", () => {
    expect(customAdapter.identify(webhook({ 'x-boomerang-delivery': 'cart-7' }))).toEqual({ deliveryId: 'cart-7', topic: 'order' });
    expect(customAdapter.identify(webhook())).toEqual({ deliveryId: `sha256:${createHash('sha256').update(raw).digest('hex')}`, topic: 'order' });
    expect(() => customAdapter.identify(webhook({ 'x-boomerang-delivery': 'a b' }))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
    expect(() => customAdapter.identify(webhook({ 'x-boomerang-delivery': 'x'.repeat(256) }))).toThrow(expect.objectContaining({ code: 'validation_failed' }));
  });

  it('normalizes the generic order: exact minor units of its currency, the email as identity, update time defaulting to creation', () => {
    const event = customAdapter.normalize('order', raw.toString('utf8'), { adminBaseUrl: null });
    expect(event.kind).toBe('order');
    if (event.kind !== 'order') return;
    expect(event.order).toMatchObject({
      externalId: '1001',
      status: 'completed',
      currency: 'BHD',
      subtotalMinor: 2469,
      discountMinor: 500,
      shippingMinor: 0,
      taxMinor: 0,
      totalMinor: 12346,
      updatedAt: '2026-11-20T10:00:00Z',
      customer: { email: 'jane.doe@example.com', firstName: 'Jane', lastName: null, registered: false, optedIn: false },
      lineItems: [{ sku: 'COFFEE-1KG', name: 'House blend', quantity: 2, priceMinor: 1235, tags: [] }],
    });
    // opt-in not stated: keep what is held.
    const silent = customAdapter.normalize('order', { ...body, customer: { email: 'a@b.example' } }, { adminBaseUrl: null });
    expect(silent.kind === 'order' && silent.order.customer.optedIn).toBeNull();
  });

  it('names the problem of a body it can never project', () => {
    expect(() => customAdapter.normalize('order', '{"id": ', { adminBaseUrl: null })).toThrow(expect.objectContaining({ code: 'malformed_json' }));
    expect(() => customAdapter.normalize('order', { ...body, status: 'lost', lineItems: [{ sku: 'X', quantity: 0, price: 1 }] }, { adminBaseUrl: null })).toThrow(
      expect.objectContaining({ code: 'validation_failed', issues: expect.arrayContaining([expect.objectContaining({ field: 'status' }), expect.objectContaining({ field: 'lineItems.0.quantity' })]) }),
    );
  });
});
