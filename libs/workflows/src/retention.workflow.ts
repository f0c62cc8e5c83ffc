import {
  condition,
  continueAsNew,
  proxyActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  purchaseSignal,
  retentionSnapshotQuery,
  type PurchaseSignal,
  type RetentionActivities,
  type RetentionState,
  type RetentionWorkflowInput,
  type SentMessage,
} from './retention.contracts.js';
import { RETENTION_STATE_ATTRIBUTE } from './search-attributes.js';

const { sendRetentionMessage } = proxyActivities<RetentionActivities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

/** Continue-as-new well before Temporal's 50k-event limit; each cycle costs about a dozen events. */
const MAX_HISTORY_EVENTS = 2_000;

/**
 * One run per (rule, customer): sleeps for the rule's window after the latest matching purchase,
 * restarts the countdown on every newer purchase, sends once per cycle, then waits for the next purchase.
 */
export async function retentionWorkflow(input: RetentionWorkflowInput): Promise<void> {
  const windowMs = input.windowSeconds * 1000;
  let cycle = input.carry?.cycle ?? 1;
  let lastPurchase: PurchaseSignal | undefined = input.carry?.lastPurchase;
  let lastMessage: SentMessage | undefined = input.carry?.lastMessage;
  let state: RetentionState = 'waiting';
  let nextSendAt: number | null = null;
  let purchasesSeen = 0;

  setHandler(purchaseSignal, (purchase) => {
    // Signals may arrive out of order (outbox retries); only a newer purchase moves the clock.
    if (!lastPurchase || Date.parse(purchase.purchasedAt) > Date.parse(lastPurchase.purchasedAt)) {
      lastPurchase = purchase;
      purchasesSeen++;
    }
  });
  setHandler(retentionSnapshotQuery, () => ({
    state,
    cycle,
    nextSendAt: nextSendAt === null ? null : new Date(nextSendAt).toISOString(),
    lastPurchase: lastPurchase ?? null,
    lastMessage: lastMessage ?? null,
  }));

  const enter = (next: RetentionState) => {
    if (state !== next) upsertSearchAttributes([{ key: RETENTION_STATE_ATTRIBUTE, value: next }]);
    state = next;
  };

  // The purchase that armed the last message is spent: only a newer one starts the next cycle.
  let spentOrderId = input.carry?.spentOrderId;
  const armable = () => !!lastPurchase && lastPurchase.orderId !== spentOrderId;

  for (;;) {
    if (!armable()) {
      enter('waiting');
      nextSendAt = null;
      const seen = purchasesSeen;
      await condition(() => purchasesSeen !== seen);
      continue;
    }
    const armedBy = lastPurchase!;
    nextSendAt = Date.parse(armedBy.purchasedAt) + windowMs;
    enter('armed');
    const seen = purchasesSeen;
    const remaining = nextSendAt - Date.now();
    if (remaining > 0 && (await condition(() => purchasesSeen !== seen, remaining))) continue;
    if (purchasesSeen !== seen) continue;

    enter('sending');
    lastMessage = await sendRetentionMessage({
      storeId: input.storeId,
      ruleId: input.ruleId,
      customerId: input.customerId,
      cycle,
      dueAt: new Date(nextSendAt).toISOString(),
      armedBy,
    });
    spentOrderId = armedBy.orderId;
    cycle++;

    if (workflowInfo().historyLength > MAX_HISTORY_EVENTS || workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof retentionWorkflow>({
        ...input,
        carry: { cycle, lastPurchase, lastMessage, spentOrderId },
      });
    }
  }
}
