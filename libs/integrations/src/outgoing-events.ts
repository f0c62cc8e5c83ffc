import type { OrderStatus } from '@boomerang/domain';
import type { Customer, EntityManager, Order } from '@boomerang/persistence';
import { orderEventTypes } from './webhook-events.js';
import { WebhookRepository } from './webhook.repository.js';

/** An order as outgoing webhooks carry it: money in minor units of its currency, platform ids as strings. */
export function orderEventData(order: Order, customer: Pick<Customer, 'id' | 'email' | 'firstName' | 'lastName'> | null, previousStatus: OrderStatus | null) {
  return {
    order: {
      id: order.id,
      externalId: order.externalId,
      number: order.number ?? null,
      status: order.status,
      previousStatus,
      currency: order.currency,
      totalMinor: order.totalCents,
      subtotalMinor: order.subtotalMinor ?? null,
      discountMinor: order.discountMinor ?? null,
      shippingMinor: order.shippingMinor ?? null,
      taxMinor: order.taxMinor ?? null,
      channel: order.channel ?? null,
      placedAt: order.placedAt,
      updatedAt: order.sourceUpdatedAt,
      lines: order.lines,
      billingAddress: order.billingAddress ?? null,
      shippingAddress: order.shippingAddress ?? null,
      trackingNumbers: order.trackingNumbers ?? null,
      adminUrl: order.adminUrl ?? null,
    },
    customer: customer ? { id: customer.id, email: customer.email, firstName: customer.firstName ?? null, lastName: customer.lastName ?? null } : null,
  };
}

/**
 * Raises order events inside the caller's transaction (the other types are raised by database triggers, see the
 * migration WebhookEventTriggers): rows of `webhook_delivery` for each subscribed
 * endpoint, which commit (or roll back) with what caused them. The worker is woken by the commit's notification.
 */
export class OutgoingEvents {
  constructor(private readonly clock: () => Date = () => new Date()) {}

  /**
   * A store's applied order writes (intake's projection, a round's at once): each one's created or updated event and
   * every state it newly reached, in one statement. A store without an active endpoint costs one indexed lookup and no
   * payload is built.
   */
  async onOrders(em: EntityManager, storeId: string, writes: readonly { order: Order; customer: Customer; previousStatus: OrderStatus | null }[]): Promise<void> {
    if (!writes.length) return;
    const repository = new WebhookRepository(em);
    if (!(await repository.hasActiveEndpoint(storeId))) return;
    const events = writes.flatMap(({ order, customer, previousStatus }) => {
      const data = orderEventData(order, customer, previousStatus);
      return orderEventTypes(previousStatus, order.status as OrderStatus).map((type) => ({ type, subjectId: order.id, data }));
    });
    await repository.publish(storeId, events, this.clock());
  }
}
