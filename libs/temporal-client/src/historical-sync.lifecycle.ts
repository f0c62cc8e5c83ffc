import { type Client, WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError } from '@temporalio/client';
import {
  historicalSyncProgressQuery,
  STORE_ID_ATTRIBUTE,
  STORE_SYNC_TASK_QUEUE,
  type HistoricalSyncInput,
  type HistoricalSyncProgress,
} from '@boomerang/workflows';

/** One walk per store at a time: `historical-sync/<store>`. */
export function historicalSyncWorkflowId(storeId: string): string {
  return `historical-sync/${storeId}`;
}

export type StartHistoricalSync = Pick<HistoricalSyncInput, 'storeId' | 'syncRunId' | 'pageSize' | 'pagesPerRun'>;

/** The store's historical sync, in intents: start it, ask how far it got. */
export class HistoricalSyncLifecycle {
  constructor(private readonly client: Client) {}

  /**
   * Starts the store's walk; `started: false` when one already runs (that is success for a caller that only wants
   * one running; the api answers 409 with it). A finished walk may be started again.
   */
  async start(input: StartHistoricalSync): Promise<{ workflowId: string; started: boolean }> {
    const workflowId = historicalSyncWorkflowId(input.storeId);
    try {
      await this.client.workflow.start('historicalSyncWorkflow', {
        workflowId,
        taskQueue: STORE_SYNC_TASK_QUEUE,
        args: [input satisfies HistoricalSyncInput],
        typedSearchAttributes: [{ key: STORE_ID_ATTRIBUTE, value: input.storeId }],
      });
      return { workflowId, started: true };
    } catch (err) {
      if (err instanceof WorkflowExecutionAlreadyStartedError) return { workflowId, started: false };
      throw err;
    }
  }

  /** The running walk's own view (its query); null when the store never had one. */
  async describe(storeId: string): Promise<HistoricalSyncProgress | null> {
    try {
      return await this.client.workflow.getHandle(historicalSyncWorkflowId(storeId)).query(historicalSyncProgressQuery);
    } catch (err) {
      if (err instanceof WorkflowNotFoundError) return null;
      throw err;
    }
  }
}
