import { shopifyOrderStatus } from './shopify-order.mapper.js';

describe('shopifyOrderStatus', () => {
  it.each([
    [{ financial_status: 'pending' }, 'pending'],
    [{ financial_status: 'authorized' }, 'pending'],
    [{ financial_status: 'expired' }, 'pending'],
    [{}, 'pending'],
    [{ financial_status: 'paid' }, 'processing'],
    [{ financial_status: 'partially_paid' }, 'processing'],
    [{ financial_status: 'partially_refunded' }, 'processing'],
    [{ financial_status: 'authorized', fulfillment_status: 'partial' }, 'processing'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled' }, 'shipped'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled', closed_at: '2024-01-02T00:00:00Z' }, 'completed'],
    [{ financial_status: 'refunded', fulfillment_status: 'fulfilled' }, 'refunded'],
    [{ financial_status: 'voided' }, 'cancelled'],
    [{ financial_status: 'refunded', cancelled_at: '2024-01-02T00:00:00Z' }, 'cancelled'],
    [{ financial_status: 'paid', fulfillment_status: 'fulfilled', cancelled_at: '2024-01-02T00:00:00Z' }, 'cancelled'],
  ])('%j → %s', (order, status) => {
    expect(shopifyOrderStatus(order)).toBe(status);
  });
});
