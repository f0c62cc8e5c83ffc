import { BANDWIDTH_WARNING, formatEta, syncSummary } from './sync-progress.js';

describe('sync progress', () => {
  it("keeps the seed's warning word for word", () => {
    expect(BANDWIDTH_WARNING).toBe(
      'Please note, by initiating the sync process, you may be subject to extra bandwidth fees from your e-commerce or hosting provider.',
    );
  });

  it('describes a running sync with its count, rate and time left', () => {
    expect(syncSummary({ state: 'running', fetched: 1200, total: 5000, ordersPerSecond: 249.6, etaSeconds: 15 })).toBe(
      '1,200 of 5,000 orders · 250 orders/s · less than a minute left',
    );
    expect(syncSummary({ state: 'running', fetched: 0, total: null, ordersPerSecond: null, etaSeconds: null })).toBe('0 orders');
  });

  it('describes a finished or failed sync without a rate', () => {
    expect(syncSummary({ state: 'completed', fetched: 5000, total: 5000, ordersPerSecond: 300, etaSeconds: null })).toBe('5,000 orders synced');
    expect(syncSummary({ state: 'failed', fetched: 40, total: 90, ordersPerSecond: 3, etaSeconds: 17 })).toBe('40 of 90 orders before it stopped');
  });

  it('rounds the time left to what a merchant can use', () => {
    expect(formatEta(59)).toBe('less than a minute');
    expect(formatEta(60)).toBe('about 1 minute');
    expect(formatEta(125)).toBe('about 2 minutes');
    expect(formatEta(3 * 3600)).toBe('about 3 hours');
  });
});
