import type { SyncRun, SyncRunState } from '@boomerang/persistence';

export interface SyncProgressView {
  id: string;
  state: SyncRunState;
  platform: string | null;
  fetched: number;
  total: number | null;
  /** 0–100, whole; 100 only once the run completed. */
  percent: number;
  ordersPerSecond: number | null;
  etaSeconds: number | null;
  startedAt: Date;
  finishedAt: Date | null;
  error: string | null;
}

/** What the progress bar shows, from a run's row: the rate over the run so far, the time left at that rate. */
export function syncProgressView(run: SyncRun, now: Date = new Date()): SyncProgressView {
  const state = run.state as SyncRunState;
  const end = run.finishedAt ?? now;
  const seconds = (end.getTime() - run.startedAt.getTime()) / 1000;
  const rate = seconds > 0 && run.fetched > 0 ? run.fetched / seconds : null;
  const total = run.total ?? null;
  const percent = state === 'completed' ? 100 : total ? Math.min(99, Math.floor((run.fetched / total) * 100)) : 0;
  const etaSeconds = state === 'running' && rate && total !== null ? Math.ceil(Math.max(0, total - run.fetched) / rate) : null;
  return {
    id: run.id,
    state,
    platform: run.platform ?? null,
    fetched: run.fetched,
    total,
    percent,
    ordersPerSecond: rate === null ? null : Math.round(rate * 10) / 10,
    etaSeconds: state === 'running' ? etaSeconds : null,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt ?? null,
    error: run.error ?? null,
  };
}
