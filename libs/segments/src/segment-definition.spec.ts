import { ValidationError } from '@boomerang/domain';
import { parseOrThrow } from '@boomerang/validation';
import { createSegmentSchema, segmentDefinitionSchema } from './segment-definition.js';

const issues = (body: unknown) => {
  try {
    parseOrThrow(createSegmentSchema, body);
  } catch (err) {
    if (err instanceof ValidationError) return err.issues;
    throw err;
  }
  return [];
};
const cond = (criterion: string, qualifier: string, value: unknown) => ({ criterion, qualifier, value });

describe('segment definition schema', () => {
  it('accepts every kind of condition and normalises money to a decimal string', () => {
    const parsed = parseOrThrow(segmentDefinitionSchema, {
      match: 'any',
      conditions: [
        cond('total_spent', 'gt', 100.5),
        cond('product_sku', 'contains', '  COFFEE '),
        cond('last_order_date', 'within_last', { amount: 60, unit: 'days' }),
        cond('first_order_date', 'before', '2026-01-01'),
        cond('order_status', 'eq', 'cancelled'),
        { match: 'all', conditions: [cond('orders_count', 'gt', 2), cond('average_purchase_frequency', 'lt', 30.5)] },
      ],
    });
    expect(parsed.conditions[0]).toEqual({ criterion: 'total_spent', qualifier: 'gt', value: '100.5' });
    expect(parsed.conditions[1]).toEqual({ criterion: 'product_sku', qualifier: 'contains', value: 'COFFEE' });
  });

  it('names the path of the bad part of a nested condition', () => {
    const bad = issues({
      name: 'VIP',
      definition: { match: 'all', conditions: [cond('orders_count', 'gt', 1), { match: 'any', conditions: [cond('total_spent', 'gt', 'lots')] }] },
    });
    expect(bad).toEqual([{ field: 'definition.conditions.1.conditions.0.value', message: 'must be a non-negative decimal amount' }]);
  });

  it('refuses unknown criteria, qualifiers that do not fit, wrong value types and unknown fields', () => {
    const bad = issues({
      name: 'x',
      definition: {
        match: 'all',
        conditions: [
          cond('shoe_size', 'eq', 42),
          cond('email', 'gt', 'a'),
          cond('orders_count', 'eq', 'two'),
          cond('last_order_date', 'within_last', 30),
          cond('order_status', 'eq', 'lost'),
          { ...cond('email', 'eq', 'a@b.c'), extra: true },
        ],
      },
    });
    expect(bad.map((i) => i.field)).toEqual([
      'definition.conditions.0.criterion',
      'definition.conditions.1.qualifier',
      'definition.conditions.2.value',
      'definition.conditions.3.value',
      'definition.conditions.4.value',
      'definition.conditions.5',
    ]);
  });

  it('bounds depth, conditions and text, and refuses contradictions in an all-group', () => {
    const deep = { match: 'all', conditions: [{ match: 'all', conditions: [{ match: 'all', conditions: [{ match: 'all', conditions: [cond('orders_count', 'gt', 1)] }] }] }] };
    expect(issues({ name: 'x', definition: deep })).toEqual([{ field: 'definition.conditions.0.conditions.0.conditions.0', message: 'groups may nest at most 3 deep' }]);
    const many = { match: 'any', conditions: [{ match: 'any', conditions: Array.from({ length: 30 }, () => cond('orders_count', 'gt', 1)) }, cond('orders_count', 'gt', 1)] };
    expect(issues({ name: 'x', definition: many })).toEqual([{ field: 'definition', message: 'a segment may hold at most 30 conditions (it has 31)' }]);
    expect(issues({ name: 'x', definition: { match: 'all', conditions: [cond('email', 'contains', 'x'.repeat(201))] } })[0]?.field).toBe('definition.conditions.0.value');
    expect(issues({ name: 'x', definition: { match: 'all', conditions: [cond('orders_count', 'gt', 5), cond('orders_count', 'lt', 3)] } })).toEqual([
      { field: 'definition.conditions.1', message: 'contradicts an earlier orders_count condition of this all-group: no customer can match' },
    ]);
    // The same bounds under any are fine.
    expect(issues({ name: 'x', definition: { match: 'any', conditions: [cond('orders_count', 'gt', 5), cond('orders_count', 'lt', 3)] } })).toEqual([]);
    expect(issues({ name: 'x', definition: { match: 'all', conditions: [] } })).toEqual([{ field: 'definition.conditions', message: 'must hold at least one condition' }]);
    expect(issues({ name: '', definition: cond('email', 'eq', 'x') }).map((i) => i.field).sort()).toEqual(['definition', 'name']);
  });
});
