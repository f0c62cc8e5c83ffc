import { countConditions, errorsAt, fromDefinition, newCondition, newGroup, toDefinition, type Criterion } from './segment-tree.js';

const criteria: Criterion[] = [
  { key: 'total_spent', label: 'Total spent (all orders)', kind: 'money', qualifiers: ['gt', 'lt', 'eq'] },
  { key: 'orders_count', label: 'Number of orders', kind: 'count', qualifiers: ['gt', 'lt', 'eq'] },
  { key: 'last_order_date', label: 'Last order date', kind: 'date', qualifiers: ['before', 'after', 'within_last', 'not_within_last'] },
  { key: 'product_sku', label: 'Product code or SKU', kind: 'text', qualifiers: ['eq', 'contains', 'not_contains'] },
];

describe('segment tree', () => {
  it('turns the builder tree into the api definition, with numbers and durations typed', () => {
    const root = newGroup(criteria);
    root.children = [
      { ...newCondition(criteria, 'total_spent'), qualifier: 'gt', value: '100.50' },
      { ...newCondition(criteria, 'orders_count'), qualifier: 'gt', value: 2 },
      { ...newGroup(criteria, 'any'), children: [{ ...newCondition(criteria, 'last_order_date'), qualifier: 'within_last', value: '30', unit: 'days' }] },
    ];
    expect(toDefinition(root, criteria)).toEqual({
      match: 'all',
      conditions: [
        { criterion: 'total_spent', qualifier: 'gt', value: '100.50' },
        { criterion: 'orders_count', qualifier: 'gt', value: 2 },
        { match: 'any', conditions: [{ criterion: 'last_order_date', qualifier: 'within_last', value: { amount: 30, unit: 'days' } }] },
      ],
    });
    expect(countConditions(root)).toBe(3);
  });

  it('reads a stored definition back into the same definition', () => {
    const stored = {
      match: 'any',
      conditions: [
        { criterion: 'product_sku', qualifier: 'contains', value: 'COFFEE' },
        { criterion: 'last_order_date', qualifier: 'before', value: '2026-01-01T00:00:00.000Z' },
      ],
    };
    const tree = fromDefinition(stored, criteria);
    expect(toDefinition(tree, criteria)).toEqual({
      match: 'any',
      conditions: [
        { criterion: 'product_sku', qualifier: 'contains', value: 'COFFEE' },
        { criterion: 'last_order_date', qualifier: 'before', value: '2026-01-01' },
      ],
    });
  });

  it('finds the api errors of one node, not those of its children', () => {
    const errors = { 'definition.conditions.1.value': 'must be a number', 'definition.conditions.1.conditions.0.value': 'deeper' };
    expect(errorsAt(errors, 'definition.conditions.1')).toEqual(['value: must be a number']);
    expect(errorsAt(errors, 'definition.conditions.1.conditions.0')).toEqual(['value: deeper']);
  });
});
