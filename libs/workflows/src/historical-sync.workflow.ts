import {
  ActivityFailure,
  ApplicationFailure,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  historicalSyncProgressQuery,
  type HistoricalSyncActivities,
  type HistoricalSyncCarry,
  type HistoricalSyncInput,
  type HistoricalSyncResult,
  type HistoricalSyncState,
  type SyncPage,
} from './historical-sync.contracts.js';

// A PlatformError(retryable) becomes a retryable failure: the platform's own limits (429, 5xx, timeouts) are waited
// out with backoff; a refusal (bad credentials, 404) is non-retryable and ends the walk as failed with its message.
const { openSyncRun, syncOrdersPage, finishSyncRun, backfillRetention } = proxyActivities<HistoricalSyncActivities>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '2 minutes', maximumAttempts: 15 },
});

// Intake projects asynchronously; the back-fill reads projected orders, so it waits (server-side retries, no history).
const { awaitSyncProjected } = proxyActivities<HistoricalSyncActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 1.5, maximumInterval: '15 seconds' },
});

function reason(err: unknown): string {
  const cause = err instanceof ActivityFailure ? err.cause : err;
  return (cause as Error | undefined)?.message ?? String(err);
}

/**
 * One store's walk through its platform's order history, page by page. The cursor and counts live in workflow
 * state, so a crashed worker resumes at the last finished page; continue-as-new keeps the history short.
 */
export async function historicalSyncWorkflow(input: HistoricalSyncInput): Promise<HistoricalSyncResult> {
  const pageSize = input.pageSize ?? 100;
  const pagesPerRun = input.pagesPerRun ?? 100;
  let carry: HistoricalSyncCarry | null = input.carry ?? null;
  let state: HistoricalSyncState = 'running';
  let error: string | null = null;

  setHandler(historicalSyncProgressQuery, () => {
    const fetched = carry?.fetched ?? 0;
    const total = carry?.total ?? null;
    const elapsed = carry ? (Date.now() - Date.parse(carry.startedAt)) / 1000 : 0;
    const rate = elapsed > 0 ? fetched / elapsed : null;
    return {
      syncRunId: input.syncRunId,
      state,
      fetched,
      total,
      startedAt: carry?.startedAt ?? null,
      ordersPerSecond: rate,
      etaSeconds: rate && total !== null && state === 'running' ? Math.max(0, total - fetched) / rate : null,
      error,
    };
  });

  try {
    if (!carry) {
      const startedAt = new Date().toISOString();
      const { platform } = await openSyncRun({ storeId: input.storeId, syncRunId: input.syncRunId, startedAt });
      carry = { platform, cursor: null, fetched: 0, total: null, startedAt, runs: 0 };
    }
    for (let pages = 0; ; pages++) {
      const page: SyncPage = await syncOrdersPage({
        storeId: input.storeId,
        syncRunId: input.syncRunId,
        platform: carry.platform,
        cursor: carry.cursor,
        pageSize,
        fetched: carry.fetched,
        createdBefore: carry.startedAt,
      });
      carry = { ...carry, cursor: page.next, fetched: page.fetched, total: page.total ?? carry.total };
      if (page.next === null) break;
      if (pages + 1 >= pagesPerRun || workflowInfo().continueAsNewSuggested) {
        await continueAsNew<typeof historicalSyncWorkflow>({ ...input, carry: { ...carry, runs: carry.runs + 1 } });
      }
    }
    state = 'backfilling';
    await awaitSyncProjected({ storeId: input.storeId });
    const rulesBackfilled = await backfillRetention({ storeId: input.storeId });
    await finishSyncRun({ storeId: input.storeId, syncRunId: input.syncRunId, fetched: carry.fetched, error: null });
    state = 'completed';
    log.info('historical sync finished', { storeId: input.storeId, fetched: carry.fetched, rulesBackfilled });
    return { fetched: carry.fetched, rulesBackfilled };
  } catch (err) {
    if (isCancellation(err) || !(err instanceof ActivityFailure || err instanceof ApplicationFailure)) throw err;
    state = 'failed';
    error = reason(err);
    await finishSyncRun({ storeId: input.storeId, syncRunId: input.syncRunId, fetched: carry?.fetched ?? 0, error });
    throw ApplicationFailure.nonRetryable(error, 'historical_sync_failed');
  }
}
