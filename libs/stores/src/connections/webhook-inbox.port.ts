import type { Platform } from '@boomerang/domain';
import type { ReceivedWebhook } from '../platforms/platform.port.js';

export interface WebhookInboxInput {
  storeId: string;
  platform: Platform;
  webhook: ReceivedWebhook;
  /** The secret the platform signs with (opened from the store's connection). */
  secret: string;
}

export interface WebhookAcceptance {
  eventId: string;
  /** true when this delivery id was already stored for the store and platform: nothing changed. */
  duplicate: boolean;
}

/**
 * Where a platform receiver hands a webhook: verify its signature (DomainError 'invalid_signature' otherwise), learn
 * its delivery id, store it durably once. The intake library implements it (issue 12, point 3).
 */
export interface WebhookInbox {
  accept(input: WebhookInboxInput): Promise<WebhookAcceptance>;
}
