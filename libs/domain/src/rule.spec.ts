import { isPurchase } from './order.js';
import { ruleMatchesSkus } from './rule.js';
import { normalizeEmail } from './customer.js';

describe('ruleMatchesSkus', () => {
  it('matches when any listed SKU is in the order, ignoring case and spaces', () => {
    expect(ruleMatchesSkus({ skus: ['COFFEE-1', 'tea-2'] }, ['mug', ' Tea-2 '])).toBe(true);
  });

  it('does not match an order without any listed SKU', () => {
    expect(ruleMatchesSkus({ skus: ['COFFEE-1'] }, ['MUG'])).toBe(false);
  });

  it('treats a rule without SKUs as a blanket rule, armed also by a purchase of items without SKU', () => {
    expect(ruleMatchesSkus({ skus: [] }, ['ANYTHING'])).toBe(true);
    expect(ruleMatchesSkus({ skus: [] }, [])).toBe(true);
  });
});

describe('isPurchase', () => {
  it('counts only completed and shipped orders', () => {
    expect(['pending', 'processing', 'completed', 'shipped', 'cancelled', 'refunded'].filter((s) => isPurchase(s as never))).toEqual([
      'completed',
      'shipped',
    ]);
  });
});

describe('normalizeEmail', () => {
  it('makes guest and registered spellings of one address the same customer', () => {
    expect(normalizeEmail('  Jane.Doe@Example.COM ')).toBe(normalizeEmail('jane.doe@example.com'));
  });
});
