import { defineQuery, defineSignal } from '@temporalio/workflow';

export const RETENTION_TASK_QUEUE = 'retention';

/** armed: counting down to a send; sending: the send activity runs; waiting: no purchase to count from. */
export type RetentionState = 'armed' | 'sending' | 'waiting';

export interface RetentionWorkflowInput {
  storeId: string;
  ruleId: string;
  customerId: string;
  email: string;
  windowSeconds: number;
  /** Carried across continue-as-new; absent on a first start. */
  carry?: RetentionCarry;
}

export interface RetentionCarry {
  cycle: number;
  lastPurchase?: PurchaseSignal;
  lastMessage?: SentMessage;
  /** Order id of the purchase that armed the last message. */
  spentOrderId?: string;
}

export interface PurchaseSignal {
  orderId: string;
  /** ISO-8601 time the order was placed. */
  purchasedAt: string;
}

export interface SentMessage {
  messageId: string;
  cycle: number;
  status: 'sent' | 'skipped';
  at: string;
}

export interface RetentionSnapshot {
  state: RetentionState;
  cycle: number;
  nextSendAt: string | null;
  lastPurchase: PurchaseSignal | null;
  lastMessage: SentMessage | null;
}

export const purchaseSignal = defineSignal<[PurchaseSignal]>('purchase');
export const retentionSnapshotQuery = defineQuery<RetentionSnapshot>('snapshot');

export interface SendRetentionMessageInput {
  storeId: string;
  ruleId: string;
  customerId: string;
  cycle: number;
  dueAt: string;
  armedBy: PurchaseSignal;
}

export type SendRetentionMessageResult = SentMessage;

/** Activities the retention workflow calls; implemented by `createRetentionActivities` in @boomerang/retention. */
export interface RetentionActivities {
  sendRetentionMessage(input: SendRetentionMessageInput): Promise<SendRetentionMessageResult>;
}
