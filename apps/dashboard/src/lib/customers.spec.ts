import { customerName, customerSortOf, directionOf, formatFrequency, subscriptionSourceLabel, timelineText } from './customers.js';

const entry = { ruleName: 'Coffee refill', subject: 'Running low?', orderNumber: '#1001', reason: null, url: null, source: null, actor: null };

describe('customers wording', () => {
  it('names a customer by name, else by email', () => {
    expect(customerName({ firstName: 'Jane', lastName: 'Doe', email: 'jane@x.example' })).toBe('Jane Doe');
    expect(customerName({ firstName: null, lastName: ' ', email: 'jane@x.example' })).toBe('jane@x.example');
  });

  it('reads sort and direction from the URL, falling back to the newest last order', () => {
    expect(customerSortOf('total_spent')).toBe('total_spent');
    expect(customerSortOf('drop table')).toBe('last_order');
    expect(directionOf('asc')).toBe('asc');
    expect(directionOf(null)).toBe('desc');
  });

  it('words the purchase frequency', () => {
    expect(formatFrequency(null)).toBe('—');
    expect(formatFrequency(1)).toBe('every 1 day');
    expect(formatFrequency(0.46)).toBe('every 0.5 days');
    expect(formatFrequency(15.4)).toBe('every 15 days');
  });

  it('words timeline entries, skips with their reason and subscription changes with who made them', () => {
    expect(timelineText({ ...entry, kind: 'segment_entered', segmentName: 'VIP Customers', reason: 'transaction' })).toEqual({
      title: 'Entered segment “VIP Customers”',
      detail: 'after an order or a change to the customer',
    });
    expect(timelineText({ ...entry, kind: 'segment_left', segmentName: 'Ordered Within 60 Days', reason: 'time' })).toEqual({
      title: 'Left segment “Ordered Within 60 Days”',
      detail: 'as time passed',
    });
    expect(timelineText({ ...entry, kind: 'retention_armed' })).toEqual({ title: 'Retention cycle armed for “Coffee refill”', detail: 'by order #1001' });
    expect(timelineText({ ...entry, kind: 'message_skipped', reason: 'unsubscribed' }).detail).toBe('because the customer had unsubscribed');
    expect(timelineText({ ...entry, kind: 'message_skipped', reason: 'something_new' }).detail).toBe('because something_new');
    expect(timelineText({ ...entry, kind: 'unsubscribed', source: 'merchant', actor: 'owner@shop.example', reason: 'asked by phone' })).toEqual({
      title: 'Unsubscribed by the store (owner@shop.example)',
      detail: 'asked by phone',
    });
    expect(subscriptionSourceLabel('postmark')).toBe('by Postmark');
  });
});
