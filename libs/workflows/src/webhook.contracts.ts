import { defineSignal } from '@temporalio/workflow';

/** Outgoing webhooks and apps poll their own queue: a slow receiver never delays retention sends or syncs. */
export const INTEGRATIONS_TASK_QUEUE = 'integrations';

/** One delivery workflow per endpoint, so its events go out in order: `webhook-endpoint/<endpoint>`. */
export function webhookEndpointWorkflowId(endpointId: string): string {
  return `webhook-endpoint/${endpointId}`;
}

export interface WebhookEndpointInput {
  storeId: string;
  endpointId: string;
  /** How long it sleeps with nothing owed before looking again without a wake-up (a lost notification's bound). */
  idlePollMs: number;
  /** The longest wait between two attempts at a failing receiver (backoff doubles from 1 s up to it). */
  maxRetryIntervalMs: number;
  /** Rounds per run before continue-as-new (tests inject a low one). */
  roundsPerRun?: number;
}

export interface DeliverPendingResult {
  /** `idle`: nothing left owed; `disabled`: the endpoint is off (by the merchant, or after failing for a day); `removed`: it was deleted. */
  state: 'idle' | 'disabled' | 'removed';
  delivered: number;
}

export interface WebhookActivities {
  /** Delivers what the endpoint is owed, oldest first, until nothing is left; throws (and is retried) while the receiver fails. */
  deliverPending(input: { storeId: string; endpointId: string }): Promise<DeliverPendingResult>;
}

/** Something new is owed to the endpoint (sent by the worker when a delivery row commits). */
export const wakeWebhookEndpointSignal = defineSignal('wakeWebhookEndpoint');
