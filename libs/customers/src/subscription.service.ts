import { NotFoundError } from '@boomerang/domain';
import type { EntityManager, SubscriptionSource } from '@boomerang/persistence';
import { SubscriptionRepository } from './subscription.repository.js';

export interface SubscriptionChange {
  storeId: string;
  customerId: string;
  subscribed: boolean;
  source: SubscriptionSource;
  /** The merchant's user, for source `merchant` with a session. */
  actorUserId?: string | null;
  reason?: string | null;
  /** When it happened (Postmark's ChangedAt); now by default. */
  at?: Date;
  /**
   * The opt-in to set with the change, when the source says anything about consent: a resubscribe button pressed by
   * the customer is an explicit opt-in; a Postmark suppression withdraws it. Left as it is when undefined.
   */
  optedIn?: boolean;
}

export interface SubscriptionOutcome {
  subscribed: boolean;
  /** False when the customer was already in that state: nothing was written to the history. */
  changed: boolean;
}

/**
 * The one way a customer's marketing subscription changes, whoever changes it (the merchant on the card, the
 * unsubscribe link, Postmark, the profile page, the platform): the state on `customer` — which every send re-checks —
 * and a history entry, in the caller's transaction when it has one. A change to the state the customer is already in
 * records nothing, so a redelivered webhook or a second click adds no entry.
 */
export class SubscriptionService {
  constructor(private readonly clock: () => Date = () => new Date()) {}

  async change(em: EntityManager, change: SubscriptionChange): Promise<SubscriptionOutcome> {
    return em.transactional(async (tx) => {
      const repository = new SubscriptionRepository(tx);
      const state = await repository.lock(change.storeId, change.customerId);
      if (!state) throw new NotFoundError('customer', change.customerId);
      const now = this.clock();
      const wasSubscribed = state.unsubscribedAt === null;
      if (change.subscribed) await repository.resubscribe(change.storeId, change.customerId, now, change.optedIn);
      else await repository.unsubscribe(change.storeId, change.customerId, change.at ?? now, now, change.optedIn);
      const changed = wasSubscribed !== change.subscribed;
      if (changed) {
        await repository.record(change.storeId, {
          customerId: change.customerId,
          subscribed: change.subscribed,
          source: change.source,
          actorUserId: change.actorUserId ?? null,
          reason: change.reason ?? null,
          at: change.at ?? now,
        });
      }
      return { subscribed: change.subscribed, changed };
    });
  }
}
