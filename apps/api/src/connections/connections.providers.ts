import { type BeforeApplicationShutdown, Inject, Logger, type OnModuleInit, type Provider } from '@nestjs/common';
import { IntakeService } from '@boomerang/intake';
import { MikroORM } from '@boomerang/persistence';
import {
  ConnectionsService,
  CredentialsCipher,
  LastEventRecorder,
  PlatformWebhookReceiver,
  StoreConnectionRepository,
  type ConnectedPlatform,
  type PlatformClientFactory,
  type WebhookInbox,
} from '@boomerang/stores';
import type { ApiConfig } from '../config.js';
import { ConnectionsController } from './connections.controller.js';
import { PlatformWebhooksController } from './platform-webhooks.controller.js';

/** Where the platform receivers hand webhooks: the intake library's inbox unless a test replaces it. */
export const WEBHOOK_INBOX = Symbol('WEBHOOK_INBOX');

/** What the api's composition may replace: the inbox, and the platform clients (the api tests' loopback doubles). */
export interface ConnectionPorts {
  webhookInbox?: WebhookInbox;
  platformClients?: Readonly<Record<ConnectedPlatform, PlatformClientFactory>>;
}

/** The receivers' inbox is the intake library's: verify, identify, validate, one INSERT (issue 12, point 3). */
const intakeInbox = (intake: IntakeService): WebhookInbox => ({
  accept: ({ storeId, ...webhook }) => intake.accept({ store: { id: storeId }, ...webhook }),
});

/** Writes the receivers' last-event times once a second, and what is left at shutdown. */
class LastEventFlusher implements OnModuleInit, BeforeApplicationShutdown {
  constructor(@Inject(LastEventRecorder) private readonly recorder: LastEventRecorder) {}

  onModuleInit() {
    this.recorder.start(1_000);
  }

  // Before the ORM closes (its onApplicationShutdown), so the last second's times are written.
  async beforeApplicationShutdown() {
    await this.recorder.stop();
  }
}

export const CONNECTION_CONTROLLERS = [ConnectionsController, PlatformWebhooksController];

export function connectionProviders(config: ApiConfig, ports: ConnectionPorts = {}): Provider[] {
  return [
    { provide: WEBHOOK_INBOX, useFactory: (intake: IntakeService) => ports.webhookInbox ?? intakeInbox(intake), inject: [IntakeService] },
    {
      provide: ConnectionsService,
      useFactory: (orm: MikroORM) =>
        new ConnectionsService({
          cipher: CredentialsCipher.fromBase64(config.credentialsKey),
          endpoints: config.platformEndpoints,
          publicUrl: config.publicUrl,
          em: () => orm.em.fork(),
          ...(ports.platformClients && { clients: ports.platformClients }),
        }),
      inject: [MikroORM],
    },
    {
      provide: LastEventRecorder,
      useFactory: (orm: MikroORM) => {
        const logger = new Logger('connections');
        return new LastEventRecorder(
          (times) => new StoreConnectionRepository(orm.em.fork()).recordLastEvents(times),
          (err) => logger.warn(`last event times not written yet: ${(err as Error).message}`),
        );
      },
      inject: [MikroORM],
    },
    LastEventFlusher,
    {
      provide: PlatformWebhookReceiver,
      useFactory: (connections: ConnectionsService, inbox: WebhookInbox, lastEvents: LastEventRecorder) =>
        new PlatformWebhookReceiver({ secret: (storeId, platform) => connections.webhookSecret(storeId, platform), inbox, lastEvents }),
      inject: [ConnectionsService, WEBHOOK_INBOX, LastEventRecorder],
    },
  ];
}
