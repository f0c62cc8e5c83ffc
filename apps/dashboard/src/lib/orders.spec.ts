import { addressLines, dayAfter, dayOf, itemCount, orderStatusLabel, orderStatusOf } from './orders.js';

describe('orders wording', () => {
  it('reads a status filter and labels statuses', () => {
    expect(orderStatusOf('shipped')).toBe('shipped');
    expect(orderStatusOf('lost')).toBeUndefined();
    expect(orderStatusOf(null)).toBeUndefined();
    expect(orderStatusLabel('refunded')).toBe('Refunded');
    expect(orderStatusLabel('on-hold')).toBe('on-hold');
  });

  it('keeps only real days, and ends an inclusive day at the next one', () => {
    expect(dayOf('2026-01-31')).toBe('2026-01-31');
    expect(dayOf('2026-13-01')).toBe('');
    expect(dayOf('yesterday')).toBe('');
    expect(dayAfter('2026-01-31')).toBe('2026-02-01');
    expect(dayAfter('2028-02-28')).toBe('2028-02-29');
  });

  it('writes an address as label lines, skipping empty parts', () => {
    const lines = addressLines({ name: 'Jane Doe', company: null, line1: '10 Downing Street', line2: ' ', city: 'London', region: null, postalCode: 'SW1A 2AA', country: 'GB', phone: null });
    expect(lines).toEqual(['Jane Doe', '10 Downing Street', 'London SW1A 2AA', 'GB']);
    expect(addressLines(null)).toEqual([]);
    expect(itemCount(1)).toBe('1 item');
    expect(itemCount(3)).toBe('3 items');
  });
});
