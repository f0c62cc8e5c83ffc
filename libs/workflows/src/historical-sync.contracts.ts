import { defineQuery } from '@temporalio/workflow';
import type { Platform } from '@boomerang/domain';

/** Historical syncs poll their own queue: a long walk through a platform's API never delays retention sends. */
export const STORE_SYNC_TASK_QUEUE = 'store-sync';

export type SyncPlatform = Exclude<Platform, 'custom'>;

export interface HistoricalSyncInput {
  storeId: string;
  /** The `sync_run` row this walk reports into (the api creates it with the same id). */
  syncRunId: string;
  /** Orders asked of the platform per page (default 100). */
  pageSize?: number;
  /** Pages per run before continue-as-new (default 100); tests inject a low one. */
  pagesPerRun?: number;
  /** Where the walk stands, carried across continue-as-new; absent on a first start. */
  carry?: HistoricalSyncCarry;
}

export interface HistoricalSyncCarry {
  platform: SyncPlatform;
  /** The platform's cursor of the next page; null before the first page. */
  cursor: string | null;
  fetched: number;
  total: number | null;
  /** ISO instant the walk began: orders created after it reach us by webhook, not by the walk. */
  startedAt: string;
  /** Continue-as-new generations so far (for the progress query and logs). */
  runs: number;
}

export type HistoricalSyncState = 'running' | 'backfilling' | 'completed' | 'failed';

export interface HistoricalSyncProgress {
  syncRunId: string;
  state: HistoricalSyncState;
  fetched: number;
  total: number | null;
  startedAt: string | null;
  ordersPerSecond: number | null;
  etaSeconds: number | null;
  error: string | null;
}

export const historicalSyncProgressQuery = defineQuery<HistoricalSyncProgress>('historicalSyncProgress');

export interface SyncPageInput {
  storeId: string;
  syncRunId: string;
  platform: SyncPlatform;
  cursor: string | null;
  pageSize: number;
  /** Orders fetched before this page: the page's count is added to it, so a retried page never counts twice. */
  fetched: number;
  createdBefore: string;
}

export interface SyncPage {
  next: string | null;
  /** Orders on this page. */
  count: number;
  fetched: number;
  total: number | null;
}

export interface HistoricalSyncActivities {
  /** Records the run (idempotent) and names the store's platform; fails non-retryably when the store has no connection. */
  openSyncRun(input: { storeId: string; syncRunId: string; startedAt: string }): Promise<{ platform: SyncPlatform }>;
  /** Fetches one page from the platform and hands it to intake; records progress. */
  syncOrdersPage(input: SyncPageInput): Promise<SyncPage>;
  /** Resolves once intake has projected everything the walk handed it (throws, and is retried, while it has not). */
  awaitSyncProjected(input: { storeId: string }): Promise<void>;
  /** Starts the back-fill of every active retention rule of the store; returns how many. */
  backfillRetention(input: { storeId: string }): Promise<number>;
  finishSyncRun(input: { storeId: string; syncRunId: string; fetched: number; error: string | null }): Promise<void>;
}

/** What the workflow returns. */
export interface HistoricalSyncResult {
  fetched: number;
  rulesBackfilled: number;
}
