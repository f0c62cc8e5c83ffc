import { defineQuery, defineSignal } from '@temporalio/workflow';

export const RETENTION_TASK_QUEUE = 'retention';
/** Rule-wide operations and test sends: their own queue, so a backlog of customer workflows cannot starve them. */
export const RULES_TASK_QUEUE = 'retention-rules';

/**
 * waiting: no unspent purchase to count from; armed: counting down to a send; paused: the rule is paused
 * (the schedule is kept); sending: the send activity runs.
 */
export type RetentionState = 'armed' | 'sending' | 'waiting' | 'paused';

export interface RetentionWorkflowInput {
  storeId: string;
  ruleId: string;
  customerId: string;
  email: string;
  windowSeconds: number;
  /** The BoomerangRetentionState the run was started with; absent in runs started before it existed. */
  startState?: RetentionState;
  /** Carried across continue-as-new; absent on a first start. */
  carry?: RetentionCarry;
  /** Purchases a first run starts with: a back-fill starts each workflow with its purchase in one call, no signal. */
  purchases?: PurchaseSignal[];
  /**
   * Behaviour version, set by the client on every start (absent in runs started before it existed, which replay
   * as before). 2: the send runs as a local activity inside the workflow task. 3: a send that must be tried again
   * waits on a durable timer (not the local activity's retry loop), the cycle is the one the send activity recorded,
   * and continue-as-new is checked on every wake-up, not only after a send.
   */
  version?: number;
  /** Continue-as-new past this many history events (default 2,000); tests inject a low one. Carried across runs. */
  maxHistoryEvents?: number;
  /**
   * What the starting call carried. A run created by a control signal (a refund or a rule change that raced the
   * workflow's end) has nothing to count from and ends at once instead of waiting forever.
   */
  startedBy?: 'purchase' | 'control';
}

/** The behaviour version new runs are started with (see `RetentionWorkflowInput.version`). */
export const RETENTION_WORKFLOW_VERSION = 3;

export interface RetentionCarry {
  cycle: number;
  purchases: PurchaseSignal[];
  lastMessage?: SentMessage;
  /** Order id of the purchase that armed the last message. */
  spentOrderId?: string;
  paused?: boolean;
}

export interface PurchaseSignal {
  orderId: string;
  /** ISO-8601 time the order was placed. */
  purchasedAt: string;
}

export interface RevokeSignal {
  orderId: string;
}

/** Sent to every workflow of a rule when the merchant changes it. */
export interface RuleChangedSignal {
  windowSeconds?: number;
  status?: 'active' | 'paused' | 'deleted';
  /** After a product-filter change: the customer's matching purchases under the new filter (replaces the history). */
  purchases?: PurchaseSignal[];
}

export interface SentMessage {
  messageId: string;
  cycle: number;
  status: 'sent' | 'skipped' | 'failed';
  reason?: string | null;
  at: string;
}

export interface RetentionSnapshot {
  state: RetentionState;
  cycle: number;
  windowSeconds: number;
  nextSendAt: string | null;
  lastPurchase: PurchaseSignal | null;
  lastMessage: SentMessage | null;
}

export const purchaseSignal = defineSignal<[PurchaseSignal]>('purchase');
export const revokePurchaseSignal = defineSignal<[RevokeSignal]>('revokePurchase');
export const ruleChangedSignal = defineSignal<[RuleChangedSignal]>('ruleChanged');
export const retentionSnapshotQuery = defineQuery<RetentionSnapshot>('snapshot');

export interface SendRetentionMessageInput {
  storeId: string;
  ruleId: string;
  customerId: string;
  cycle: number;
  dueAt: string;
  armedBy: PurchaseSignal;
}

/**
 * Either the cycle's outcome (its `cycle` is the one recorded in PostgreSQL), or "not now" (quiet hours, a paused
 * rule, a hand-off the provider has not confirmed yet): try again at `until`.
 */
export type SendRetentionMessageResult = SentMessage | { deferred: string; until: string };

/** Activities the retention workflow calls; implemented by `createRetentionActivities` in @boomerang/retention. */
export interface RetentionActivities {
  sendRetentionMessage(input: SendRetentionMessageInput): Promise<SendRetentionMessageResult>;
}

/** A merchant's preview: the rule rendered with one customer's data, sent to any address, recorded nowhere else. */
export interface TestSendInput {
  storeId: string;
  ruleId: string;
  to: string;
  /** Whose data fills the template; without one, the store's most recent customer. */
  customerId?: string;
}

export interface TestSendResult {
  to: string;
  subject: string;
  transport: string;
  providerMessageId: string;
  customerEmail: string;
}

export interface TestSendActivities {
  sendTestMessage(input: TestSendInput): Promise<TestSendResult>;
}
