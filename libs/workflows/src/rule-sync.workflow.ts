import { continueAsNew, log, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { RuleSyncActivities, RuleSyncInput } from './rule-sync.contracts.js';

const { syncRulePage } = proxyActivities<RuleSyncActivities>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
});

/** Walks a rule's customers page by page, durably: a crash resumes at the last finished page. */
export async function ruleSyncWorkflow(input: RuleSyncInput): Promise<number> {
  let cursor = input.cursor ?? null;
  let processed = input.processed ?? 0;
  for (let pages = 0; ; pages++) {
    const page = await syncRulePage({ ...input, cursor });
    processed += page.processed;
    cursor = page.nextCursor;
    if (cursor === null) break;
    if (pages >= 200 || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof ruleSyncWorkflow>({ ...input, cursor, processed });
    }
  }
  log.info('rule sync finished', { ruleId: input.ruleId, action: input.action, processed });
  return processed;
}
