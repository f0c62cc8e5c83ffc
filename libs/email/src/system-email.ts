import type { EntityManager } from '@boomerang/persistence';
import type { DeliveryReceipt } from './email-transport.js';

/** An email of ours to a merchant (verification, password reset): no store, no rule, no tracking, transactional. */
export interface SystemEmail {
  from: string;
  to: string;
  subject: string;
  html: string;
  text: string;
  /** Postmark tag, e.g. `account-verify`. */
  tag: string;
}

/** Both transports send system emails: the outbox stores them (with no store), Postmark sends on the transactional stream. */
export interface SystemMailer {
  sendSystem(email: SystemEmail, em: EntityManager): Promise<DeliveryReceipt>;
}
