import { customerStats } from './customer-stats.js';

const at = (iso: string) => new Date(iso);

describe('customerStats', () => {
  it('has no average, frequency or prediction without orders', () => {
    expect(customerStats({ orderCount: 0, totalSpentMinor: 0, firstOrderAt: null, lastOrderAt: null })).toEqual({
      orders: 0,
      totalSpentMinor: 0,
      averageOrderMinor: null,
      purchaseFrequencyDays: null,
      lastOrderAt: null,
      predictedNextOrderAt: null,
    });
  });

  it('has an average but no frequency with one order', () => {
    const one = customerStats({ orderCount: 1, totalSpentMinor: 4500, firstOrderAt: at('2026-01-01T00:00:00Z'), lastOrderAt: at('2026-01-01T00:00:00Z') });
    expect(one.averageOrderMinor).toBe(4500);
    expect(one.purchaseFrequencyDays).toBeNull();
    expect(one.predictedNextOrderAt).toBeNull();
  });

  it('takes the mean of the gaps between consecutive orders and predicts the next from the last', () => {
    // Orders on Jan 1, Jan 11 and Jan 31: gaps of 10 and 20 days, a mean of 15.
    const s = customerStats({ orderCount: 3, totalSpentMinor: 1000, firstOrderAt: at('2026-01-01T00:00:00Z'), lastOrderAt: at('2026-01-31T00:00:00Z') });
    expect(s.purchaseFrequencyDays).toBe(15);
    expect(s.averageOrderMinor).toBe(333);
    expect(s.predictedNextOrderAt).toEqual(at('2026-02-15T00:00:00Z'));
  });

  it('keeps fractions of a day (to two places)', () => {
    const s = customerStats({ orderCount: 2, totalSpentMinor: 1, firstOrderAt: at('2026-01-01T00:00:00Z'), lastOrderAt: at('2026-01-01T12:00:00Z') });
    expect(s.purchaseFrequencyDays).toBe(0.5);
    expect(s.predictedNextOrderAt).toEqual(at('2026-01-02T00:00:00Z'));
  });
});
