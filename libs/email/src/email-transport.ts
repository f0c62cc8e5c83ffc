import type { EntityManager } from '@boomerang/persistence';

export interface OutgoingEmail {
  messageId: string;
  storeId: string;
  ruleId: string;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  headers: Record<string, string>;
}

export interface DeliveryReceipt {
  transport: 'outbox' | 'postmark';
  providerMessageId: string;
}

/**
 * `em` is the transaction that records the message as sent: a transport that stores the message
 * (the outbox) writes in it, so "sent" and "stored" commit together.
 */
export interface EmailTransport {
  readonly name: DeliveryReceipt['transport'];
  /** True when delivery happens inside the caller's transaction, so a retry can never duplicate it. */
  readonly transactional: boolean;
  send(email: OutgoingEmail, em: EntityManager): Promise<DeliveryReceipt>;
}
