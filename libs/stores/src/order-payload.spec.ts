import { ValidationError } from '@boomerang/domain';
import { orderPayloadSchema } from './order-payload.js';
import { parseOrThrow } from '@boomerang/validation';
import { normalizeGenericOrder } from './platforms/custom/index.js';

const valid = {
  id: 1001,
  status: 'shipped',
  currency: 'usd',
  customer: { email: 'a@b.example' },
  lineItems: [{ sku: ' SKU-1 ', quantity: 1, price: 9.99 }],
  totals: { total: 9.99 },
  createdAt: '2026-11-01T10:00:00+01:00',
};

describe('order payload', () => {
  it('normalises ids, currency and SKUs', () => {
    const order = parseOrThrow(orderPayloadSchema, valid);
    expect(order).toMatchObject({ id: '1001', currency: 'USD', lineItems: [{ sku: 'SKU-1' }] });
  });

  it('names nested fields in errors', () => {
    try {
      parseOrThrow(orderPayloadSchema, { ...valid, totals: {}, createdAt: 'yesterday' });
      throw new Error('expected a validation error');
    } catch (err) {
      expect(err).toBeInstanceOf(ValidationError);
      expect((err as ValidationError).issues.map((i) => i.field).sort()).toEqual(['createdAt', 'totals.total']);
    }
  });
});

describe('order payload bounds (issue 10, defects 6 and 9)', () => {
  const fieldsOf = (body: unknown) => {
    const result = orderPayloadSchema.safeParse(body);
    return result.success ? [] : result.error.issues.map((i) => i.path.join('.'));
  };

  it.each([
    [{ id: 'x'.repeat(256) }, 'id'],
    [{ id: 'a\u0000' }, 'id'],
    [{ customer: { email: `${'a'.repeat(250)}@b.example` } }, 'customer.email'],
    [{ customer: { email: 'a@b.example', firstName: '\ud800' } }, 'customer.firstName'],
    [{ totals: { total: 1e17 } }, 'totals.total'],
    [{ lineItems: [{ sku: 'S', quantity: 1, price: 1e308 }] }, 'lineItems.0.price'],
    [{ createdAt: '0000-01-01T00:00:00Z' }, 'createdAt'],
    [{ createdAt: '4000-01-01T00:00:00Z' }, 'createdAt'],
    [{ updatedAt: '9999-12-31T23:59:59Z' }, 'updatedAt'],
    [{ currency: 'ZZZ' }, 'currency'],
    [{ currency: 'BTC' }, 'currency'],
  ])('refuses %p', (overrides, field) => {
    expect(fieldsOf({ ...valid, ...overrides })).toContain(field);
  });

  it('keeps amounts as exact decimals', () => {
    const order = parseOrThrow(orderPayloadSchema, { ...valid, totals: { total: 1.005 }, lineItems: [{ sku: 'S', quantity: 1, price: '18.50' }] });
    expect(order.totals.total).toBe('1.005');
    expect(order.lineItems[0]!.price).toBe('18.50');
  });
});

describe('order payload detail (issue 13): number, addresses, item pictures and tracking', () => {
  const detailed = {
    ...valid,
    number: '#1001',
    adminUrl: 'https://cart.example/admin/orders/1001',
    shippingAddress: { name: 'Ada', line1: '1 Main St', city: 'Springfield', postalCode: '62701', country: 'US', region: '' },
    lineItems: [{ sku: 'SKU-1', quantity: 1, price: 9.99, imageUrl: 'https://cdn.example/1.png', productUrl: 'https://cart.example/p/1', manufacturer: 'Roastery' }],
    trackingNumbers: [{ number: '1Z999', carrier: 'UPS' }],
  };

  it('carries them into the normalized order, empty parts as null', () => {
    const order = normalizeGenericOrder(parseOrThrow(orderPayloadSchema, detailed));
    expect(order).toMatchObject({
      number: '#1001',
      adminUrl: 'https://cart.example/admin/orders/1001',
      billingAddress: null,
      shippingAddress: { name: 'Ada', company: null, line1: '1 Main St', city: 'Springfield', region: null, postalCode: '62701', country: 'US' },
      trackingNumbers: [{ number: '1Z999', carrier: 'UPS', url: null }],
    });
    expect(order.lineItems[0]).toMatchObject({ imageUrl: 'https://cdn.example/1.png', productUrl: 'https://cart.example/p/1', manufacturer: 'Roastery', category: null });
  });

  it('names a picture that is not an http(s) URL and an address part too long', () => {
    const result = orderPayloadSchema.safeParse({ ...detailed, lineItems: [{ ...detailed.lineItems[0], imageUrl: 'javascript:alert(1)' }], billingAddress: { city: 'x'.repeat(201) } });
    expect(result.error?.issues.map((i) => i.path.join('.')).sort()).toEqual(['billingAddress.city', 'lineItems.0.imageUrl']);
  });
});
