import { fromPayloadsAtIndex, type Payload, type PayloadConverter } from '@temporalio/common';
import type { PurchaseSignal, RetentionSnapshot, RetentionWorkflowInput, RevokeSignal, RuleChangedSignal } from '@boomerang/workflows';

/** The parts of a fetched history this reads: a held workflow has only its start and the signals that came with it. */
export interface HistoryReader {
  events?: Array<{
    workflowExecutionStartedEventAttributes?: { input?: { payloads?: Payload[] | null } | null } | null;
    workflowExecutionSignaledEventAttributes?: { signalName?: string | null; input?: { payloads?: Payload[] | null } | null } | null;
  }> | null;
}

/**
 * The snapshot of a workflow whose start the server still holds (start delay): no task has run, so it is its input
 * with the signals that came with the start applied the way the workflow will apply them. Null when the history
 * shows anything else (the workflow has run: ask it).
 */
export function snapshotBeforeFirstTask(history: HistoryReader, converter: PayloadConverter): RetentionSnapshot | null {
  const events = history.events ?? [];
  const started = events[0]?.workflowExecutionStartedEventAttributes;
  if (!started) return null;
  const input = fromPayloadsAtIndex<RetentionWorkflowInput>(converter, 0, started.input?.payloads);
  let purchases: PurchaseSignal[] = [...(input.carry?.purchases ?? input.purchases ?? [])];
  let windowSeconds = input.windowSeconds;
  let paused = input.carry?.paused ?? false;
  for (const event of events.slice(1)) {
    const signal = event.workflowExecutionSignaledEventAttributes;
    if (!signal) return null;
    const payloads = signal.input?.payloads;
    if (signal.signalName === 'purchase') {
      const purchase = fromPayloadsAtIndex<PurchaseSignal>(converter, 0, payloads);
      if (!purchases.some((p) => p.orderId === purchase.orderId)) purchases.push(purchase);
    } else if (signal.signalName === 'revokePurchase') {
      const { orderId } = fromPayloadsAtIndex<RevokeSignal>(converter, 0, payloads);
      purchases = purchases.filter((p) => p.orderId !== orderId);
    } else if (signal.signalName === 'ruleChanged') {
      const change = fromPayloadsAtIndex<RuleChangedSignal>(converter, 0, payloads);
      if (change.windowSeconds !== undefined && change.windowSeconds > 0) windowSeconds = change.windowSeconds;
      if (change.status === 'paused') paused = true;
      if (change.status === 'active') paused = false;
      if (change.purchases) purchases = [...change.purchases];
    }
  }
  purchases.sort((a, b) => Date.parse(a.purchasedAt) - Date.parse(b.purchasedAt));
  const latest = purchases.at(-1) ?? null;
  const armed = latest && latest.orderId !== input.carry?.spentOrderId;
  return {
    state: armed ? (paused ? 'paused' : 'armed') : 'waiting',
    cycle: input.carry?.cycle ?? 1,
    windowSeconds,
    nextSendAt: armed ? new Date(Date.parse(latest.purchasedAt) + windowSeconds * 1000).toISOString() : null,
    lastPurchase: latest,
    lastMessage: input.carry?.lastMessage ?? null,
  };
}
