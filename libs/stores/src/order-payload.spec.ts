import { ValidationError } from '@boomerang/domain';
import { orderPayloadSchema } from './order-payload.js';
import { parseOrThrow } from './zod-issues.js';

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
