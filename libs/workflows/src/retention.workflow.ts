import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  condition,
  continueAsNew,
  isCancellation,
  log,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  purchaseSignal,
  RETENTION_WORKFLOW_VERSION,
  retentionSnapshotQuery,
  revokePurchaseSignal,
  ruleChangedSignal,
  type PurchaseSignal,
  type RetentionActivities,
  type RetentionState,
  type RetentionWorkflowInput,
  type SentMessage,
} from './retention.contracts.js';
import { RETENTION_STATE_ATTRIBUTE } from './search-attributes.js';

const SEND_OPTIONS = {
  // Bounds how long a send lost with its worker stays unnoticed; a send takes well under a second.
  startToCloseTimeout: '20 seconds',
  retry: { initialInterval: '2 seconds', backoffCoefficient: 2, maximumInterval: '1 minute' },
} as const;
/** Version 1 runs: the send is a scheduled activity (four more persisted transitions per send). */
const scheduledSend = proxyActivities<RetentionActivities>(SEND_OPTIONS);
/**
 * Version 2 runs: the send runs inside the workflow task that the timer woke, so a send costs the server one
 * workflow task instead of a task, an activity and a second task. Exactly-once does not rest on Temporal here:
 * the activity claims (rule, customer, cycle) in PostgreSQL, so a re-run after a lost worker finds its claim.
 */
const localSend = proxyLocalActivities<RetentionActivities>(SEND_OPTIONS);
/**
 * Version 3 runs: one attempt per local activity. A send that has to be tried again (a provider outage, a worker
 * lost mid-send, a cache eviction that cancelled it) waits on a durable timer in the workflow instead of the local
 * activity's retry loop, which holds a workflow task slot and the cached workflow the whole time: when more sends
 * wait than the cache holds, the worker evicts them, which cancels their local activity.
 */
const localSendOnce = proxyLocalActivities<RetentionActivities>({ ...SEND_OPTIONS, retry: { maximumAttempts: 1 } });
/** Backoff between attempts of one send in version 3 runs: 2 s, doubling, at most 5 minutes. */
const retryDelayMs = (failures: number) => Math.min(2_000 * 2 ** (failures - 1), 5 * 60_000);

/** Continue-as-new well before Temporal's 50k-event limit; a cycle costs about a dozen events. */
const MAX_HISTORY_EVENTS = 2_000;
/** Enough purchase history to fall back on after refunds; older purchases can never become the latest again. */
const KEPT_PURCHASES = 20;

/**
 * One run per (rule, customer): sleeps for the rule's window after the latest matching purchase, restarts
 * on every newer purchase, falls back to the previous one when the latest is cancelled or refunded,
 * sends once per cycle, then waits for the next purchase.
 */
export async function retentionWorkflow(input: RetentionWorkflowInput): Promise<void> {
  let windowMs = input.windowSeconds * 1000;
  let cycle = input.carry?.cycle ?? 1;
  let purchases: PurchaseSignal[] = [...(input.carry?.purchases ?? input.purchases ?? [])];
  let lastMessage: SentMessage | undefined = input.carry?.lastMessage;
  let spentOrderId = input.carry?.spentOrderId;
  let paused = input.carry?.paused ?? false;
  let deleted = false;
  // The client starts a workflow with the state search attribute it will enter (armed, for a purchase) and says so
  // in `startState`: adopting it saves every new workflow an upsert, a large share of a back-fill's server cost.
  // Versioned by input rather than patched(): runs started without the field replay as before, and patched()
  // would itself upsert TemporalChangeVersion, the very write this removes.
  let state: RetentionState = input.startState ?? 'waiting';
  const version = input.version ?? 1;
  const { sendRetentionMessage } = version >= 3 ? localSendOnce : version >= 2 ? localSend : scheduledSend;
  const maxHistoryEvents = input.maxHistoryEvents ?? MAX_HISTORY_EVENTS;
  /** Version 3: consecutive attempts of the current send that failed and will be tried again. */
  let sendFailures = 0;
  let nextSendAt: number | null = null;
  let changes = 0;

  const sortAndTrim = () => {
    purchases.sort((a, b) => Date.parse(a.purchasedAt) - Date.parse(b.purchasedAt));
    if (purchases.length > KEPT_PURCHASES) purchases = purchases.slice(-KEPT_PURCHASES);
  };
  const latest = () => purchases[purchases.length - 1];

  setHandler(purchaseSignal, (purchase) => {
    // At-least-once delivery: a purchase we already hold changes nothing.
    if (purchases.some((p) => p.orderId === purchase.orderId)) return;
    purchases.push(purchase);
    sortAndTrim();
    changes++;
  });
  setHandler(revokePurchaseSignal, ({ orderId }) => {
    const before = purchases.length;
    purchases = purchases.filter((p) => p.orderId !== orderId);
    if (purchases.length !== before) changes++;
  });
  setHandler(ruleChangedSignal, (change) => {
    if (change.windowSeconds !== undefined && change.windowSeconds > 0) windowMs = change.windowSeconds * 1000;
    if (change.status === 'paused') paused = true;
    if (change.status === 'active') paused = false;
    if (change.status === 'deleted') deleted = true;
    if (change.purchases) {
      purchases = [...change.purchases];
      sortAndTrim();
    }
    changes++;
  });
  setHandler(retentionSnapshotQuery, () => ({
    state,
    cycle,
    windowSeconds: windowMs / 1000,
    nextSendAt: nextSendAt === null ? null : new Date(nextSendAt).toISOString(),
    lastPurchase: latest() ?? null,
    lastMessage: lastMessage ?? null,
  }));

  /** The state the search attribute shows; `state` may run ahead of it inside one workflow task. */
  let visible = state;
  const enter = (next: RetentionState) => {
    if (visible !== next) upsertSearchAttributes([{ key: RETENTION_STATE_ATTRIBUTE, value: next }]);
    visible = state = next;
  };
  /** Waits until a signal changes something, or until `ms` passes; true when something changed. */
  const changedWithin = async (ms?: number) => {
    const seen = changes;
    return ms === undefined ? condition(() => changes !== seen) : condition(() => changes !== seen, ms);
  };

  const continueAsNewNow = () =>
    continueAsNew<typeof retentionWorkflow>({
      ...input,
      version: RETENTION_WORKFLOW_VERSION,
      purchases: undefined,
      windowSeconds: windowMs / 1000,
      // The next run inherits this run's search attributes: adopt what they show.
      startState: visible,
      carry: { cycle, purchases, lastMessage, spentOrderId, paused },
    });
  const historyFull = () => workflowInfo().historyLength > maxHistoryEvents || workflowInfo().continueAsNewSuggested;

  for (let first = true; ; first = false) {
    if (deleted) {
      log.info('rule deleted: retention workflow ends');
      return;
    }
    // Version 3: wherever the history grows (signals while waiting or armed, sends, retries), every wake-up comes
    // through here. Signal handlers are synchronous, so nothing is left half-handled.
    if (version >= 3 && historyFull()) await continueAsNewNow();
    const armedBy = latest();
    if (!armedBy && first && input.startedBy === 'control' && !input.carry) {
      log.info('started by a control signal with no purchase to count from: nothing to do');
      return;
    }
    if (!armedBy || armedBy.orderId === spentOrderId) {
      enter('waiting');
      nextSendAt = null;
      await changedWithin();
      continue;
    }
    nextSendAt = Date.parse(armedBy.purchasedAt) + windowMs;
    if (paused) {
      // The schedule is kept; on resume a send that fell due while paused goes out at once.
      enter('paused');
      await changedWithin();
      continue;
    }
    enter('armed');
    const remaining = nextSendAt - Date.now();
    if (remaining > 0 && (await changedWithin(remaining))) continue;

    // A local send completes within this workflow task: a visibility write for 'sending' would be overwritten at once.
    if (version >= 2) state = 'sending';
    else enter('sending');
    const seen = changes;
    let result;
    try {
      result = await sendRetentionMessage({
        storeId: input.storeId,
        ruleId: input.ruleId,
        customerId: input.customerId,
        cycle,
        dueAt: new Date(nextSendAt).toISOString(),
        armedBy,
      });
    } catch (err) {
      // A non-retryable failure (unknown customer or store) ends this cycle; it never fails the workflow.
      // A scheduled activity's failure arrives wrapped in ActivityFailure, a local activity's as it was thrown.
      const cause = err instanceof ActivityFailure ? err.cause : err;
      const permanent = cause instanceof ApplicationFailure && cause.nonRetryable;
      if (version >= 3 && !permanent && !(isCancellation(err) && CancellationScope.current().consideredCancelled)) {
        // Anything else can succeed later, a cancelled attempt included (an eviction cancels a running local
        // activity): wait on a durable timer, then send again. The activity finds this purchase's claim in
        // PostgreSQL, so a retry never sends twice.
        sendFailures++;
        log.warn('send failed; retrying after a backoff', { attempt: sendFailures, error: String(cause) });
        enter('armed');
        await changedWithin(retryDelayMs(sendFailures));
        continue;
      }
      if (!permanent) throw err;
      log.warn('send failed permanently; cycle skipped', { reason: cause.type, message: cause.message });
      result = { messageId: '', cycle, status: 'skipped' as const, reason: cause.type ?? 'failed', at: new Date().toISOString() };
    }
    if ('deferred' in result) {
      // Quiet hours, a pause seen by the activity, or a hand-off Postmark has not confirmed yet: try again later or
      // on any change, on a timer that holds no task slot.
      enter('armed');
      nextSendAt = Date.parse(result.until);
      await changedWithin(Math.max(1_000, nextSendAt - Date.now()));
      continue;
    }
    sendFailures = 0;
    lastMessage = result;
    spentOrderId = armedBy.orderId;
    // Version 3 adopts the cycle PostgreSQL recorded (it may be ahead of this run's count, never behind).
    cycle = version >= 3 ? Math.max(cycle, result.cycle) + 1 : cycle + 1;
    if (changes !== seen) log.info('rule or purchases changed during the send; re-evaluating');

    if (version < 3 && historyFull()) await continueAsNewNow();
  }
}
