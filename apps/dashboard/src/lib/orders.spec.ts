import { addressLines, dayAfter, dayOf, itemCount, orderStatusLabel, orderStatusOf, trackingDestination, trackingNote } from './orders.js';

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

  it('says where a tracking number goes and where one came from', () => {
    expect(trackingDestination('shopify')).toBe('Shopify');
    expect(trackingDestination('bigcommerce')).toBe('BigCommerce');
    expect(trackingDestination('woocommerce')).toBeNull();
    expect(trackingDestination('generic')).toBeNull();
    expect(trackingNote({ addedBy: 'merchant', pushedTo: 'bigcommerce' })).toBe('added here, pushed to BigCommerce');
    expect(trackingNote({ addedBy: 'merchant', pushedTo: null })).toBe('added here (kept in Boomerang only)');
    expect(trackingNote({ addedBy: 'platform', pushedTo: null })).toBe('from the store');
  });
});
