import { TemplateCompiler } from '@boomerang/email';
import { EventProjection, InboxProjector, type PlatformClientPort, type ProjectorPolicy } from '@boomerang/intake';
import type { MikroORM } from '@boomerang/persistence';
import { DataRequestService, ErasureService, PrivacyRequestHandler } from '@boomerang/privacy';
import { workerConnections } from './store-connections.js';
import type { PlatformSettings } from '@boomerang/validation';
import { RetentionDispatcher, RetentionIntakeService, RulesService } from '@boomerang/retention';
import type { RetentionLifecycle } from '@boomerang/temporal-client';
import { SegmentScheduler, type SegmentSchedulerPolicy } from '@boomerang/segments';
import { OutgoingEvents } from '@boomerang/integrations';

export interface IntakeProjectorParts {
  orm: MikroORM;
  lifecycle: RetentionLifecycle;
  /** The worker's DATABASE_URL, for LISTEN inbox_event. */
  databaseUrl: string;
  /** The store's platform API, for light payloads (BigCommerce, Shopify refunds): opened from its stored connection. */
  platformClient?: PlatformClientPort;
  /** Where the platforms are and the key of the stored credentials (the worker's config); used when no platformClient is given. */
  platforms?: PlatformSettings & { publicUrl: string };
  policy?: Partial<ProjectorPolicy>;
  /** Segment membership: the scheduler that re-evaluates touched customers and time-relative criteria. */
  segments?: Partial<SegmentSchedulerPolicy>;
  logger?: { warn(message: string): void };
}

/** What a projector round and its signal delivery read and write at every order: the tables whose statistics go stale first. */
export const INTAKE_HOT_TABLES = [
  'inbox_event',
  'retention_dispatch',
  'retention_enrollment',
  'customer',
  'store_order',
  'order_line',
  'segment_check',
  'segment_membership',
  'segment_membership_event',
  'webhook_delivery',
] as const;

/**
 * The inbox projector as the worker runs it: projection, then retention's intake, then the signals to Temporal; the
 * customers each round touched go to the segment scheduler, which the projector starts and stops with itself.
 */
export function createIntakeProjector(parts: IntakeProjectorParts): InboxProjector {
  const logger = parts.logger ?? { warn: (m: string) => console.warn(`[intake] ${m}`) };
  const rules = new RulesService(new TemplateCompiler(), parts.lifecycle);
  return new InboxProjector({
    orm: parts.orm,
    projection: new EventProjection({
      retention: new RetentionIntakeService(rules),
      platformClient: parts.platformClient ?? connectionClients(parts),
      // Shopify's privacy webhooks: erasure (its retention workflows through the lifecycle) and data requests.
      privacy: new PrivacyRequestHandler(new ErasureService(parts.lifecycle), new DataRequestService()),
      // Outgoing webhooks: each applied order write queues its events for the store's endpoints, in the round's transaction.
      orderEvents: new OutgoingEvents(),
    }),
    signals: new RetentionDispatcher(parts.orm, parts.lifecycle, logger),
    listenUrl: parts.databaseUrl,
    customers: new SegmentScheduler({ orm: parts.orm, policy: parts.segments, logger: { warn: (m) => logger.warn(`[segments] ${m}`) } }),
    logger,
    policy: parts.policy,
  });
}

/** A store's platform client from its connection's sealed credentials; null when it has none (the event is parked). */
function connectionClients(parts: IntakeProjectorParts): PlatformClientPort {
  if (!parts.platforms) return async () => null;
  const connections = workerConnections(parts.orm, parts.platforms);
  return (storeId) => connections.clientFor(parts.orm.em.fork(), storeId);
}
