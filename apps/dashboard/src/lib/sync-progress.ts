// Settings → Sync historical data: the seed's warning and the progress line.

/** Seed 002, word for word: shown before a sync starts. */
export const BANDWIDTH_WARNING =
  'Please note, by initiating the sync process, you may be subject to extra bandwidth fees from your e-commerce or hosting provider.';

export interface SyncRunView {
  state: 'running' | 'completed' | 'failed';
  fetched: number;
  total: number | null;
  ordersPerSecond: number | null;
  etaSeconds: number | null;
}

/** "about 2 minutes", "less than a minute", "about 3 hours". */
export function formatEta(seconds: number): string {
  if (seconds < 60) return 'less than a minute';
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `about ${minutes} minute${minutes === 1 ? '' : 's'}`;
  const hours = Math.round(seconds / 3600);
  return `about ${hours} hour${hours === 1 ? '' : 's'}`;
}

const count = (n: number) => n.toLocaleString('en-US');

/** "1,200 of 5,000 orders · 250 orders/s · about 15 seconds left". */
export function syncSummary(run: SyncRunView): string {
  const fetched = run.total !== null ? `${count(run.fetched)} of ${count(run.total)} orders` : `${count(run.fetched)} orders`;
  if (run.state !== 'running') return run.state === 'completed' ? `${count(run.fetched)} orders synced` : `${fetched} before it stopped`;
  const parts = [fetched];
  if (run.ordersPerSecond !== null) parts.push(`${count(Math.round(run.ordersPerSecond))} orders/s`);
  if (run.etaSeconds !== null) parts.push(`${formatEta(run.etaSeconds)} left`);
  return parts.join(' · ');
}
