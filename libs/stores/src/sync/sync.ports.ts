import type { NormalizedEvent } from '@boomerang/domain';
import type { SyncPlatform } from '@boomerang/workflows';
import type { PlatformClient } from '../platforms/platform.port.js';

/** A store's platform API, as its connection opens it; null when the store has no (API) connection. */
export interface SyncSource {
  platform: SyncPlatform;
  client: PlatformClient;
}
export type SyncSourcePort = (storeId: string) => Promise<SyncSource | null>;

/** One event handed to intake: the delivery id dedupes it against webhooks and retried pages. */
export interface NormalizedDelivery {
  deliveryId: string;
  topic: string;
  event: NormalizedEvent;
}

/**
 * Intake as the sync sees it (libs/intake's IntakeService on the intake branch): stores a page of events durably in
 * one statement, and says how many of the store's accepted events are not projected yet.
 */
export interface SyncIntakePort {
  acceptNormalized(storeId: string, platform: SyncPlatform, events: NormalizedDelivery[]): Promise<unknown>;
  unprojected(storeId: string): Promise<number>;
}

/** Starts the back-fill of the store's active retention rules (libs/retention); returns how many rules. */
export type RetentionBackfillPort = (storeId: string) => Promise<number>;

/** The delivery id of a synced order: a later update of the same order is a new event, a re-fetched page is not. */
export function syncDeliveryId(externalId: string, updatedAt: string): string {
  return `sync:${externalId}:${updatedAt}`;
}
