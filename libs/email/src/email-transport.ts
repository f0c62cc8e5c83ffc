import type { EntityManager } from '@boomerang/persistence';

export type MessageKind = 'marketing' | 'transactional';

export interface OutgoingEmail {
  messageId: string;
  storeId: string;
  /** The retention rule that sent it; null for a message the merchant wrote to one customer. */
  ruleId: string | null;
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

/** An SQL statement with `?` placeholders, for a caller to run on its own or inside a larger statement. */
export interface StoreStatement {
  sql: string;
  params: unknown[];
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
   * Transports that deliver by writing to PostgreSQL may expose that write as one statement (the email stored under
   * `id`, its receipt's provider id), so a caller can claim, store and mark the message sent in a single statement.
   * `onlyIf` names a common table expression of the caller's: the email is stored only when it yields a row.
   */
  storeStatement?(email: OutgoingEmail, id: string, onlyIf?: string): StoreStatement;
  /**
   * Asks the provider whether it accepted our message (found by its `messageId` metadata), so a retry after an
   * unconfirmed send can record it instead of sending again. `null` means "not found (yet)": providers index
   * sent messages with a delay, so only trust it some minutes after the attempt.
   */
  findDelivery?(messageId: string): Promise<DeliveryReceipt | null>;
}
