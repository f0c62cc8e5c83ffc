import { ApplicationFailure } from '@temporalio/activity';
import type { MikroORM } from '@boomerang/persistence';
import type { HistoricalSyncActivities } from '@boomerang/workflows';
import { PlatformError } from '../platforms/platform.port.js';
import { SyncRunRepository } from './sync-run.repository.js';
import { syncDeliveryId, type RetentionBackfillPort, type SyncIntakePort, type SyncSourcePort } from './sync.ports.js';

export interface SyncActivityDeps {
  orm: MikroORM;
  sources: SyncSourcePort;
  intake: SyncIntakePort;
  backfill: RetentionBackfillPort;
}

export const SYNCED_ORDER_TOPIC = 'sync/order';

/**
 * A platform's refusal as Temporal should treat it: retryable (rate limit, 5xx, network) is retried by the
 * workflow's policy with backoff; anything else ends the walk with the platform's own words.
 */
function asFailure(err: unknown): unknown {
  if (err instanceof PlatformError) {
    const message = `${err.platform} answered ${err.status || 'no response'}: ${err.message}`;
    return err.retryable
      ? ApplicationFailure.retryable(message, 'platform_unavailable')
      : ApplicationFailure.nonRetryable(message, 'platform_refused');
  }
  return err;
}

const notConnected = () =>
  ApplicationFailure.nonRetryable('the store has no platform connection to sync from: connect it first', 'not_connected');

export function createSyncActivities(deps: SyncActivityDeps): HistoricalSyncActivities {
  const runs = () => new SyncRunRepository(deps.orm.em.fork());

  return {
    async openSyncRun({ storeId, syncRunId, startedAt }) {
      const source = await deps.sources(storeId);
      await runs().open(storeId, syncRunId, new Date(startedAt), source?.platform ?? null);
      if (!source) throw notConnected();
      return { platform: source.platform };
    },

    async syncOrdersPage(input) {
      const source = await deps.sources(input.storeId);
      if (!source) throw notConnected();
      // A cursor means nothing to another platform: a store reconnected elsewhere mid-walk starts a new sync.
      if (source.platform !== input.platform) {
        throw ApplicationFailure.nonRetryable(`the store was reconnected to ${source.platform} during the sync: start it again`, 'platform_changed');
      }
      let page;
      try {
        page = await source.client.listOrders(input.cursor, input.pageSize, { createdBefore: input.createdBefore });
      } catch (err) {
        throw asFailure(err);
      }
      const events = page.orders.map((order) => ({
        deliveryId: syncDeliveryId(order.externalId, order.updatedAt),
        topic: SYNCED_ORDER_TOPIC,
        event: { kind: 'order' as const, order },
      }));
      if (events.length) await deps.intake.acceptNormalized(input.storeId, input.platform, events);
      const fetched = input.fetched + events.length;
      // A platform's count can lag its pages (an order placed meanwhile): never report more fetched than total.
      const total = page.total === null ? null : Math.max(page.total, fetched);
      await runs().progress(input.storeId, input.syncRunId, fetched, total);
      return { next: page.next, count: events.length, fetched, total };
    },

    async awaitSyncProjected({ storeId }) {
      const pending = await deps.intake.unprojected(storeId);
      if (pending > 0) throw ApplicationFailure.retryable(`${pending} synced event(s) not projected yet`, 'projection_pending');
    },

    async backfillRetention({ storeId }) {
      return deps.backfill(storeId);
    },

    async finishSyncRun({ storeId, syncRunId, fetched, error }) {
      await runs().finish(storeId, syncRunId, fetched, error);
    },
  };
}
