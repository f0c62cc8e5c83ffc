import { normalizeEmail, type NormalizedEvent } from '@boomerang/domain';

/**
 * Events with one key project one at a time, in arrival order: a customer's orders and profile updates by their
 * email; an order known only by id (a light payload, a guest without email) by that id; the rest stand alone.
 */
export function orderingKeyOf(event: NormalizedEvent, deliveryId: string): string {
  switch (event.kind) {
    case 'order':
      return event.order.customer.email ? `email:${normalizeEmail(event.order.customer.email)}` : `order:${event.order.externalId}`;
    case 'order_ref':
      return `order:${event.externalId}`;
    case 'customer':
      return event.customer.email ? `email:${normalizeEmail(event.customer.email)}` : `customer:${event.customer.externalId ?? deliveryId}`;
    case 'privacy':
      return event.customerEmail ? `email:${normalizeEmail(event.customerEmail)}` : `delivery:${deliveryId}`;
    case 'ignored':
      return `delivery:${deliveryId}`;
  }
}
