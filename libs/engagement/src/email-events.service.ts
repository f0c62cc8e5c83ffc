import { createHash, randomUUID } from 'node:crypto';
import { SubscriptionService } from '@boomerang/customers';
import { NotFoundError } from '@boomerang/domain';
import type { EntityManager, Message } from '@boomerang/persistence';
import { assertSafeJson, instant, isUuid, parseOrThrow, text } from '@boomerang/validation';
import { z } from 'zod';
import { EmailEventsRepository } from './email-events.repository.js';

/** Postmark's timestamps (`2019-11-05T16:33:54.9070259-05:00`), from 2000 to a day of clock skew ahead. */
const timestamp = instant();
const common = {
  MessageID: text(255),
  Metadata: z.record(z.string(), z.unknown()).optional(),
};

/** Postmark's webhook bodies (https://postmarkapp.com/developer/webhooks/webhooks-overview), the fields we use. */
export const postmarkEventSchema = z.discriminatedUnion(
  'RecordType',
  [
    z.looseObject({ RecordType: z.literal('Delivery'), ...common, DeliveredAt: timestamp }),
    z.looseObject({ RecordType: z.literal('Open'), ...common, ReceivedAt: timestamp }),
    z.looseObject({ RecordType: z.literal('Click'), ...common, ReceivedAt: timestamp, OriginalLink: text(8_192) }),
    z.looseObject({
      RecordType: z.literal('Bounce'),
      ...common,
      ID: z.union([z.number().int(), text(255)]),
      Type: text(100),
      BouncedAt: timestamp,
      Inactive: z.boolean().optional(),
    }),
    z.looseObject({ RecordType: z.literal('SpamComplaint'), ...common, ID: z.union([z.number().int(), text(255)]), BouncedAt: timestamp }),
    z.looseObject({
      RecordType: z.literal('SubscriptionChange'),
      ...common,
      ChangedAt: timestamp,
      SuppressSending: z.boolean(),
      SuppressionReason: text(100, { min: 0 }).nullish(),
    }),
  ],
  { error: 'must be one of Delivery, Open, Click, Bounce, SpamComplaint, SubscriptionChange' },
);

export type PostmarkEvent = z.infer<typeof postmarkEventSchema>;

/** Bounce types that mean the address is dead for good (Postmark's bounce type names). */
const HARD_BOUNCES = new Set(['HardBounce', 'BadEmailAddress', 'ManuallyDeactivated', 'SpamComplaint']);

export interface EventOutcome {
  status: 'recorded' | 'duplicate' | 'ignored';
  type: string;
  messageId?: string;
  reason?: string;
}

/**
 * Opens, clicks, bounces and subscription changes, from Postmark's webhooks or our own pixel and redirects.
 * Every event is stored once (unique source + event key), and only a newly stored event changes counters,
 * suppressions or the customer, so a redelivered webhook changes nothing.
 */
export class EmailEventsService {
  constructor(
    private readonly clock: () => Date = () => new Date(),
    private readonly subscriptions: SubscriptionService = new SubscriptionService(clock),
  ) {}

  /** Throws ValidationError naming the bad field; an event for a message we do not know is ignored (200 to Postmark). */
  async recordPostmark(em: EntityManager, body: unknown): Promise<EventOutcome> {
    assertSafeJson(body);
    const event = parseOrThrow(postmarkEventSchema, body);
    const fork = em.fork();
    const message = await this.findMessage(new EmailEventsRepository(fork), event);
    if (!message) return { status: 'ignored', type: event.RecordType, reason: 'unknown_message' };
    return fork.transactional(async (tx) => {
      const events = new EmailEventsRepository(tx);
      const occurredAt = new Date(occurredAtOf(event));
      const url = event.RecordType === 'Click' ? event.OriginalLink : null;
      const stored = await this.store(events, message, 'postmark', eventKey(event), event.RecordType, url, occurredAt, event);
      if (!stored) return { status: 'duplicate', type: event.RecordType, messageId: message.id };
      switch (event.RecordType) {
        case 'Open':
          await events.countOpen(message.storeId, message.id, occurredAt);
          break;
        case 'Click':
          await events.countClick(message.storeId, message.id, occurredAt);
          break;
        case 'Bounce':
          if (event.Inactive || HARD_BOUNCES.has(event.Type)) {
            await events.markBounced(message.storeId, message.id, occurredAt);
            await this.suppress(events, message, event.Type === 'SpamComplaint' ? 'spam_complaint' : 'hard_bounce');
          }
          break;
        case 'SpamComplaint':
          await this.suppress(events, message, 'spam_complaint');
          await this.setSubscribed(tx, message, false, occurredAt, 'SpamComplaint');
          break;
        case 'SubscriptionChange':
          if (event.SuppressSending) {
            await this.setSubscribed(tx, message, false, occurredAt, event.SuppressionReason ?? null);
            if (event.SuppressionReason === 'HardBounce' || event.SuppressionReason === 'SpamComplaint') {
              await this.suppress(events, message, event.SuppressionReason === 'HardBounce' ? 'hard_bounce' : 'spam_complaint');
            }
          } else {
            // Reactivated in Postmark: the address may be emailed again.
            await this.setSubscribed(tx, message, true, occurredAt, 'reactivated in Postmark');
            await events.unsuppress(message.storeId, message.toEmail);
          }
          break;
        case 'Delivery':
          break;
      }
      return { status: 'recorded', type: event.RecordType, messageId: message.id };
    });
  }

  /** Our open pixel (outbox transport). A message that no longer exists is not an error for an image. */
  async recordOpen(em: EntityManager, messageId: string): Promise<void> {
    await em.fork().transactional(async (tx) => {
      const events = new EmailEventsRepository(tx);
      const message = await events.findMessage({ id: messageId });
      if (!message) return;
      const now = this.clock();
      await this.store(events, message, 'pixel', randomUUID(), 'Open', null, now, {});
      await events.countOpen(message.storeId, message.id, now);
    });
  }

  /** Our click redirect: returns the message's own link at `linkIndex`, never a URL from the request. */
  async recordClick(em: EntityManager, messageId: string, linkIndex: string): Promise<string> {
    return em.fork().transactional(async (tx) => {
      const events = new EmailEventsRepository(tx);
      const message = await events.findMessage({ id: messageId });
      if (!message) throw new NotFoundError('message', messageId);
      const index = /^\d{1,4}$/.test(linkIndex) ? Number(linkIndex) : -1;
      const url = message.links[index];
      if (!url || !/^https?:\/\//i.test(url)) throw new NotFoundError('link', `${linkIndex} of message ${messageId}`);
      const now = this.clock();
      await this.store(events, message, 'redirect', randomUUID(), 'Click', url, now, { linkIndex: index });
      await events.countClick(message.storeId, message.id, now);
      return url;
    });
  }

  private async findMessage(events: EmailEventsRepository, event: PostmarkEvent): Promise<Message | null> {
    const metadataId = event.Metadata?.messageId;
    // A messageId that is not a UUID is not ours: look the message up by Postmark's id instead.
    if (isUuid(metadataId)) {
      const byMetadata = await events.findMessage({ id: metadataId });
      if (byMetadata) return byMetadata;
    }
    return events.findMessage({ providerMessageId: event.MessageID });
  }

  private store(
    events: EmailEventsRepository,
    message: Message,
    source: string,
    key: string,
    type: string,
    url: string | null,
    occurredAt: Date,
    payload: object,
  ): Promise<boolean> {
    return events.recordEvent(message.storeId, { messageId: message.id, source, key, type, url, occurredAt, payload, createdAt: this.clock() });
  }

  private suppress(events: EmailEventsRepository, message: Message, reason: string) {
    return events.suppress(message.storeId, message.toEmail, reason, this.clock());
  }

  /**
   * Postmark's change lands in the customer's subscription history. A suppression withdraws the opt-in; a reactivation
   * lifts the unsubscribe but leaves the opt-in as it is (only the customer's own click opts in again).
   */
  private async setSubscribed(tx: EntityManager, message: Message, subscribed: boolean, at: Date, reason: string | null) {
    await this.subscriptions.change(tx, {
      storeId: message.storeId,
      customerId: message.customerId,
      subscribed,
      source: 'postmark',
      reason,
      at,
      optedIn: subscribed ? undefined : false,
    });
  }
}

function occurredAtOf(event: PostmarkEvent): string {
  switch (event.RecordType) {
    case 'Delivery':
      return event.DeliveredAt;
    case 'Open':
    case 'Click':
      return event.ReceivedAt;
    case 'Bounce':
    case 'SpamComplaint':
      return event.BouncedAt;
    case 'SubscriptionChange':
      return event.ChangedAt;
  }
}

/** Postmark sends no event id for opens, clicks or deliveries: the same event always carries the same fields. */
function eventKey(event: PostmarkEvent): string {
  const parts: unknown[] = [event.RecordType, event.MessageID, occurredAtOf(event)];
  if (event.RecordType === 'Bounce' || event.RecordType === 'SpamComplaint') parts.push(event.ID);
  if (event.RecordType === 'Click') parts.push(event.OriginalLink);
  if (event.RecordType === 'SubscriptionChange') parts.push(event.SuppressSending);
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
