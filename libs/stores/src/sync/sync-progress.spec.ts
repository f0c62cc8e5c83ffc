import type { SyncRun } from '@boomerang/persistence';
import { syncProgressView } from './sync-progress.js';

const started = new Date('2026-11-26T06:00:00Z');
const run = (over: Partial<SyncRun>): SyncRun =>
  ({ id: 'r1', storeId: 's1', platform: 'shopify', state: 'running', fetched: 0, total: null, error: null, startedAt: started, updatedAt: started, finishedAt: null, ...over }) as SyncRun;
const at = (seconds: number) => new Date(started.getTime() + seconds * 1000);

describe('syncProgressView', () => {
  it('gives the rate so far and the time left at that rate while running', () => {
    expect(syncProgressView(run({ fetched: 1000, total: 5000 }), at(4))).toMatchObject({
      state: 'running',
      percent: 20,
      ordersPerSecond: 250,
      etaSeconds: 16,
      finishedAt: null,
    });
  });

  it('never shows 100 % before the run completed, and always 100 % once it did', () => {
    expect(syncProgressView(run({ fetched: 5000, total: 5000 }), at(10)).percent).toBe(99);
    expect(syncProgressView(run({ state: 'completed', fetched: 5000, total: 5000, finishedAt: at(20) }), at(3600))).toMatchObject({
      percent: 100,
      ordersPerSecond: 250,
      etaSeconds: null,
    });
  });

  it('knows no rate, percentage or time left before the platform said anything', () => {
    expect(syncProgressView(run({}), at(0))).toMatchObject({ percent: 0, ordersPerSecond: null, etaSeconds: null, total: null });
    expect(syncProgressView(run({ fetched: 300 }), at(3))).toMatchObject({ percent: 0, ordersPerSecond: 100, etaSeconds: null });
  });

  it("keeps a failed run's count and reason, without a time left", () => {
    const failed = syncProgressView(run({ state: 'failed', fetched: 40, total: 90, error: 'shopify answered 401: bad token', finishedAt: at(8) }), at(100));
    expect(failed).toMatchObject({ state: 'failed', percent: 44, ordersPerSecond: 5, etaSeconds: null, error: 'shopify answered 401: bad token' });
  });
});
