import { TemplateCompiler } from '@boomerang/email';
import { EventProjection, InboxProjector, type PlatformClientPort, type ProjectorPolicy } from '@boomerang/intake';
import type { MikroORM } from '@boomerang/persistence';
import { DataRequestService, ErasureService, PrivacyRequestHandler } from '@boomerang/privacy';
import { workerConnections } from './store-connections.js';
import type { PlatformSettings } from '@boomerang/validation';
import { RetentionDispatcher, RetentionIntakeService, RulesService } from '@boomerang/retention';
import type { RetentionLifecycle } from '@boomerang/temporal-client';

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
  logger?: { warn(message: string): void };
}

/** The inbox projector as the worker runs it: projection, then retention's intake, then the signals to Temporal. */
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
    }),
    signals: new RetentionDispatcher(parts.orm, parts.lifecycle, logger),
    listenUrl: parts.databaseUrl,
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
