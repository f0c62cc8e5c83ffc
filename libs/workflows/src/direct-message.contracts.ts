/** A message the merchant wrote to one customer (issue 13, point 3), as the api hands it to the worker. */
export interface DirectMessageInput {
  /** The row's id, chosen by the api: every attempt of the workflow writes and reads this one row. */
  messageId: string;
  storeId: string;
  customerId: string;
  /** The client's id for the request: the same form sent twice is one workflow and one email. */
  requestId: string;
  orderId: string | null;
  sentBy: string | null;
  senderName: string;
  senderEmail: string;
  subject: string;
  body: string;
}

export interface DirectMessageOutcome {
  messageId: string;
  status: 'sent' | 'skipped' | 'failed';
  reason: string | null;
  at: string;
}

/** Not now: the provider has not confirmed an earlier hand-off yet; ask again at `until` (a durable timer). */
export interface DirectMessageDeferred {
  deferred: 'delivery_unconfirmed';
  until: string;
}

export interface DirectMessageActivities {
  sendDirectMessage(input: DirectMessageInput): Promise<DirectMessageOutcome | DirectMessageDeferred>;
}

/** One workflow per (store, request): a second start with the same request id is the same message. */
export function directMessageWorkflowId(storeId: string, requestId: string): string {
  return `direct-message/${storeId}/${requestId}`;
}
