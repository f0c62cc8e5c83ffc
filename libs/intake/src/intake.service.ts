import { DomainError, NotFoundError, type NormalizedEvent, type Platform } from '@boomerang/domain';
import type { MikroORM } from '@boomerang/persistence';
import { platformAdapters, type PlatformAdapter, type ReceivedWebhook } from '@boomerang/stores';
import { InboxRepository, type Acceptance, type InboxDeadLetter, type InboxEventState, type StatementRunner } from './inbox.repository.js';
import { orderingKeyOf } from './ordering-key.js';

export const MAX_INTAKE_BODY_BYTES = 1024 * 1024;

export interface AcceptWebhook {
  store: { id: string };
  platform: Platform;
  webhook: ReceivedWebhook;
  /** The secret the platform signs with (the store's webhook secret, or the connection's). */
  secret: string;
}

export interface NormalizedIntake {
  deliveryId: string;
  topic: string | null;
  event: NormalizedEvent;
}

/**
 * Durable-first intake (issue 12): a webhook is verified, identified and validated by its platform's adapter, then
 * stored with one INSERT; projection into the model happens later (InboxProjector). A redelivery is recognised by
 * its delivery id and changes nothing. Bad input throws a DomainError before anything is written.
 */
export class IntakeService {
  private readonly adapters: Readonly<Record<Platform, PlatformAdapter>>;

  constructor(
    private readonly orm: MikroORM,
    adapters?: Readonly<Record<Platform, PlatformAdapter>>,
    /** Prepared statements for acceptance's INSERT (the api's hot path); without them it goes through MikroORM. */
    private readonly statements?: StatementRunner,
  ) {
    this.adapters = adapters ?? platformAdapters;
  }

  async accept({ store, platform, webhook, secret }: AcceptWebhook): Promise<Acceptance> {
    if (webhook.rawBody.length > MAX_INTAKE_BODY_BYTES) throw new DomainError('payload_too_large', `body exceeds ${MAX_INTAKE_BODY_BYTES} bytes (1 MiB)`);
    const adapter = this.adapters[platform];
    adapter.verify(webhook, secret);
    const { deliveryId, topic } = adapter.identify(webhook);
    // Validated now, so a payload that can never be projected is a 4xx to its sender and nothing is stored.
    const event = adapter.normalize(topic, webhook.rawBody.toString('utf8'), { adminBaseUrl: null });
    return this.inbox().insert(store.id, platform, {
      deliveryId,
      topic,
      format: 'raw',
      body: webhook.rawBody,
      orderingKey: orderingKeyOf(event, deliveryId),
      refetchOnRepeat: event.kind === 'order_ref',
    });
  }

  /** Historical sync pages and REST imports: already normalized, stored with one multi-row INSERT, in order. */
  acceptNormalized(storeId: string, platform: Platform, events: NormalizedIntake[]): Promise<Acceptance[]> {
    return this.inbox().insertMany(
      storeId,
      platform,
      events.map((e) => ({
        deliveryId: e.deliveryId,
        topic: e.topic,
        format: 'normalized' as const,
        body: Buffer.from(JSON.stringify(e.event)),
        orderingKey: orderingKeyOf(e.event, e.deliveryId),
      })),
    );
  }

  unprojected(storeId: string): Promise<number> {
    return this.inbox().unprojected(storeId);
  }

  /** The store's parked events, most recent first, with their reasons. */
  deadLetters(storeId: string, limit = 100): Promise<{ items: InboxDeadLetter[]; total: number }> {
    return this.inbox().deadLetters(storeId, limit);
  }

  /** Puts a parked event back in the queue with a fresh set of attempts; the projector takes it at once. */
  async retry(storeId: string, eventId: string): Promise<InboxEventState> {
    const inbox = this.inbox();
    if (!(await inbox.revive(storeId, eventId))) {
      const state = await inbox.state(storeId, eventId);
      if (!state) throw new NotFoundError('inbox event', eventId);
      throw new DomainError('conflict', `event ${eventId} is ${state.state}, not parked`);
    }
    return (await inbox.state(storeId, eventId))!;
  }

  async state(storeId: string, eventId: string): Promise<InboxEventState> {
    const state = await this.inbox().state(storeId, eventId);
    if (!state) throw new NotFoundError('inbox event', eventId);
    return state;
  }

  private inbox() {
    return new InboxRepository(this.orm.em.fork(), this.statements);
  }
}
