import { NotFoundError } from '@boomerang/domain';
import type { EntityManager } from '@boomerang/persistence';
import { isUuid, parseOrThrow } from '@boomerang/validation';
import { addTrackingSchema } from './order-tracking.schemas.js';
import { OrderTrackingRepository, type OrderTrackingRow } from './order-tracking.repository.js';

/**
 * Where a tracking number goes besides our table: the store's platform (the stores library's connections implement
 * it). Null when the store's cart has no tracking API; a refusal throws a DomainError naming the platform's message.
 */
export interface TrackingPlatform {
  push(em: EntityManager, storeId: string, orderExternalId: string, tracking: { carrier: string; number: string; url: string | null }): Promise<{ platform: string; reference: string } | null>;
}

export interface TrackingAdded {
  tracking: OrderTrackingRow;
  /** False when the same carrier and number were already on the order: nothing was pushed again. */
  created: boolean;
}

/** Adding a tracking number to an order: pushed to the platform first, stored only once it accepted. */
export class OrderTrackingService {
  constructor(
    private readonly platform: TrackingPlatform,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async add(em: EntityManager, storeId: string, orderId: string, body: unknown): Promise<TrackingAdded> {
    const input = parseOrThrow(addTrackingSchema, body);
    return em.transactional(async (tx) => {
      const repository = new OrderTrackingRepository(tx);
      const order = isUuid(orderId) ? await repository.order(storeId, orderId) : null;
      if (!order) throw new NotFoundError('order', orderId);
      await repository.lock(storeId, order.id);
      const existing = await repository.find(storeId, order.id, input.carrier, input.number);
      if (existing) return { tracking: existing, created: false };
      const tracking = { carrier: input.carrier, number: input.number, url: input.url ?? null };
      // A refusal throws here, before anything is written.
      const pushed = await this.platform.push(tx, storeId, order.externalId, tracking);
      const row = await repository.insert(storeId, order.id, { ...tracking, pushedTo: pushed?.platform ?? null, platformReference: pushed?.reference ?? null, addedAt: this.clock() });
      return { tracking: row, created: true };
    });
  }

  list(em: EntityManager, storeId: string, orderId: string): Promise<OrderTrackingRow[]> {
    return new OrderTrackingRepository(em).list(storeId, orderId);
  }
}
