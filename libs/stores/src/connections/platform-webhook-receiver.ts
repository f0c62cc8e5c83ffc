import { NotFoundError, PLATFORMS, type Platform } from '@boomerang/domain';
import { isUuid } from '@boomerang/validation';
import type { ReceivedWebhook } from '../platforms/platform.port.js';
import type { LastEventRecorder } from './last-event-recorder.js';
import type { WebhookAcceptance, WebhookInbox } from './webhook-inbox.port.js';

export const RECEIVING_PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce'] as const satisfies readonly Platform[];
export type ReceivingPlatform = (typeof RECEIVING_PLATFORMS)[number];

export interface PlatformWebhookReceiverDeps {
  /** The store's secret for that platform, or null when it is not connected to it (cached by the caller). */
  secret: (storeId: string, platform: Platform) => Promise<string | null>;
  inbox: WebhookInbox;
  lastEvents: LastEventRecorder;
  clock?: () => Date;
}

/**
 * `POST /api/v1/webhooks/{platform}/{storeId}`: the store's secret (from memory, almost always), then the inbox
 * verifies and stores. Unknown stores and stores connected to another platform are one 404.
 */
export class PlatformWebhookReceiver {
  constructor(private readonly deps: PlatformWebhookReceiverDeps) {}

  async receive(platform: ReceivingPlatform, storeId: string, webhook: ReceivedWebhook): Promise<WebhookAcceptance> {
    if (!PLATFORMS.includes(platform) || !isUuid(storeId)) throw new NotFoundError(`${platform} connection of store`, storeId.slice(0, 64));
    const secret = await this.deps.secret(storeId, platform);
    if (secret === null) throw new NotFoundError(`${platform} connection of store`, storeId);
    const accepted = await this.deps.inbox.accept({ storeId, platform, webhook, secret });
    this.deps.lastEvents.note(storeId, (this.deps.clock ?? (() => new Date()))());
    return accepted;
  }
}
