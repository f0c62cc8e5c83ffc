import type { EntityManager } from '@boomerang/persistence';

export type MessageKind = 'marketing' | 'transactional';

export interface OutgoingEmail {
  messageId: string;
  storeId: string;
  ruleId: string;
  /** Marketing goes on the broadcast stream with List-Unsubscribe; transactional on the transactional stream. */
  kind: MessageKind;
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Extra MIME headers, e.g. `List-Unsubscribe` and `List-Unsubscribe-Post`. */
  headers: Record<string, string>;
}

export interface DeliveryReceipt {
  transport: 'outbox' | 'postmark';
  providerMessageId: string;
}

/**
 * `em` is the transaction that records the message as sent: a transport that stores the message
 * (the outbox) writes in it, so "sent" and "stored" commit together.
 *
 * `send` throws PermanentDeliveryError, RetryableDeliveryError or UnconfirmedDeliveryError (see delivery-errors.ts).
 */
export interface EmailTransport {
  readonly name: DeliveryReceipt['transport'];
  /** True when delivery happens inside the caller's transaction, so a retry can never duplicate it. */
  readonly transactional: boolean;
  send(email: OutgoingEmail, em: EntityManager): Promise<DeliveryReceipt>;
  /**
   * Asks the provider whether it accepted our message (found by its `messageId` metadata), so a retry after an
   * unconfirmed send can record it instead of sending again. `null` means "not found (yet)": providers index
   * sent messages with a delay, so only trust it some minutes after the attempt.
   */
  findDelivery?(messageId: string): Promise<DeliveryReceipt | null>;
}
